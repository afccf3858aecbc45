import type { AccessService } from '../access/index.js';
import { newSecret } from '../ids/index.js';
import type { SourcesService } from '../sources/index.js';
import type { Store } from '../store/index.js';
import { createWorkspace, isStoreEmpty } from '../workspaces/index.js';

export interface BootstrapOptions {
  readonly adminEmail?: string | undefined;
  readonly adminPassword?: string | undefined;
  readonly adminToken?: string | undefined;
  readonly writeKey?: string | undefined;
}

/** What the first start created; `generated` lists only secrets nobody chose, to print once. */
export interface BootstrapResult {
  readonly workspaceId: string;
  readonly sourceId: string;
  readonly adminEmail: string;
  readonly generated: { adminPassword?: string; adminToken?: string; writeKey?: string };
}

/**
 * On the first start with an empty store: workspace "Default", an owner (login and API token)
 * and a source. Values given by the operator are used; the rest are generated.
 * Returns undefined when the store already holds a workspace.
 */
export async function bootstrapIfEmpty(
  store: Store,
  services: { access: AccessService; sources: SourcesService },
  options: BootstrapOptions,
): Promise<BootstrapResult | undefined> {
  if (!(await isStoreEmpty(store))) return undefined;
  const generated: { adminPassword?: string; adminToken?: string; writeKey?: string } = {};
  const adminEmail = options.adminEmail ?? 'admin@localhost';
  const adminPassword = options.adminPassword ?? newSecret('', 12);
  if (!options.adminPassword) generated.adminPassword = adminPassword;
  const workspace = await createWorkspace(store, 'Default');
  const owner = await services.access.accounts.ensureUser({ email: adminEmail, password: adminPassword });
  await services.access.members.add(workspace.id, owner.id, 'owner');
  const token = await services.access.tokens.create({
    workspaceId: workspace.id,
    name: 'Bootstrap owner token',
    role: 'owner',
    userId: owner.id,
    secret: options.adminToken,
  });
  if (!options.adminToken) generated.adminToken = token.token;
  const source = await services.sources.create(workspace.id, { name: 'Default', writeKey: options.writeKey });
  if (!options.writeKey) generated.writeKey = source.writeKey;
  return { workspaceId: workspace.id, sourceId: source.id, adminEmail: owner.email, generated };
}
