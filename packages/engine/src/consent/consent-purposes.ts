import type { ConsentMode, ConsentPurpose } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** A workspace's default for undecided purposes until it sets one: granted until refused. */
export const BUILT_IN_DEFAULT_MODE: ConsentMode = 'opt-out';

/** Until a workspace edits its purposes, these are its purposes (stored on the first edit). */
export const BUILT_IN_PURPOSES: readonly Omit<ConsentPurpose, 'createdAt' | 'updatedAt'>[] = [
  {
    key: 'necessary',
    label: 'Necessary',
    description: 'What the service cannot work without (security, the cart, the login). Always granted.',
    defaultMode: null,
    aliases: ['C0001', 'strictly necessary', 'functional'],
  },
  {
    key: 'analytics',
    label: 'Analytics',
    description: 'Measuring how the site and the product are used, to improve them.',
    defaultMode: null,
    aliases: ['C0002', 'performance', 'statistics'],
  },
  {
    key: 'marketing',
    label: 'Marketing',
    description: 'Advertising and marketing messages, on Tandem’s channels and on ad platforms.',
    defaultMode: null,
    aliases: ['C0004', 'advertising', 'targeting'],
  },
  {
    key: 'personalization',
    label: 'Personalization',
    description: 'Adapting the site and messages to what we know about the person.',
    defaultMode: null,
    aliases: ['C0003', 'preferences'],
  },
  {
    key: 'sale-of-data',
    label: 'Sale of data',
    description: 'Selling or sharing personal data with third parties (CCPA / CPRA “Do Not Sell or Share”).',
    defaultMode: null,
    aliases: ['C0005', 'ccpa', 'sale', 'sharing'],
  },
];

/** When built-in purposes are reported before a workspace stored them. */
const BUILT_IN_AT = '1970-01-01T00:00:00.000Z';

/** A workspace's consent configuration: its default and its purposes, in their order. */
export interface ConsentConfiguration {
  /** False while the workspace still uses the built-in purposes and default (nothing stored). */
  readonly stored: boolean;
  readonly defaultMode: ConsentMode;
  readonly purposes: readonly ConsentPurpose[];
}

/** The workspace's purposes and default (the built-in ones until it stores its own). */
export async function readConfiguration(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<ConsentConfiguration> {
  const settings = await db
    .selectFrom('consent_settings')
    .select('default_mode')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!settings) {
    const purposes = BUILT_IN_PURPOSES.map((p) => ({ ...p, createdAt: BUILT_IN_AT, updatedAt: BUILT_IN_AT }));
    return { stored: false, defaultMode: BUILT_IN_DEFAULT_MODE, purposes };
  }
  const rows = await db
    .selectFrom('consent_purposes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('position')
    .orderBy('purpose_key')
    .execute();
  return {
    stored: true,
    defaultMode: modeOf(settings.default_mode) ?? BUILT_IN_DEFAULT_MODE,
    purposes: rows.map((row) => ({
      key: row.purpose_key,
      label: row.label,
      description: row.description,
      defaultMode: modeOf(row.default_mode),
      aliases: parseAliases(row.aliases),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    })),
  };
}

/** In the caller's transaction: stores the built-in purposes and default, unless already stored. */
export async function storeBuiltIns(db: Kysely<Database>, workspaceId: string, at: string): Promise<void> {
  const inserted = await db
    .insertInto('consent_settings')
    .values({ workspace_id: workspaceId, default_mode: BUILT_IN_DEFAULT_MODE, updated_at: at })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
  await db
    .insertInto('consent_purposes')
    .values(
      BUILT_IN_PURPOSES.map((purpose, position) => ({
        workspace_id: workspaceId,
        purpose_key: purpose.key,
        label: purpose.label,
        description: purpose.description,
        default_mode: purpose.defaultMode,
        aliases: JSON.stringify(purpose.aliases),
        position,
        created_at: at,
        updated_at: at,
      })),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'purpose_key']).doNothing())
    .execute();
}

/**
 * Maps the categories of a consent manager to purposes: a purpose's own key first, then its key,
 * label or aliases without regard to case. Undefined: no purpose (the decision is history only).
 */
export function purposeMatcher(
  purposes: readonly ConsentPurpose[],
): (category: string) => string | undefined {
  const exact = new Set(purposes.map((p) => p.key));
  const loose = new Map<string, string>();
  for (const purpose of purposes) {
    for (const name of [purpose.key, purpose.label, ...purpose.aliases]) {
      const folded = name.trim().toLowerCase();
      if (!loose.has(folded)) loose.set(folded, purpose.key);
    }
  }
  return (category) => (exact.has(category) ? category : loose.get(category.trim().toLowerCase()));
}

export function modeOf(stored: string | null): ConsentMode | null {
  return stored === 'opt-in' || stored === 'opt-out' ? stored : null;
}

function parseAliases(stored: string): string[] {
  const parsed: unknown = JSON.parse(stored);
  return Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === 'string') : [];
}

/** The keys of the workspace's purposes (what an audience may require). */
export async function purposeKeysOf(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
  return (await readConfiguration(db, workspaceId)).purposes.map((purpose) => purpose.key);
}
