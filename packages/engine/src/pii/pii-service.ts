import {
  DEFAULT_PERSONAL_FIELDS,
  type PiiSettings,
  personalFieldKey,
  type Role,
  roleAllows,
  type UpdatePiiSettings,
  UpdatePiiSettingsSchema,
} from '@tandem/contract';
import { AppError } from '../errors/index.js';
import { type Database, fromJson, type Store, toJson } from '../store/index.js';
import { PersonalMask } from './personal-mask.js';

/** The settings of a workspace that never changed them. */
export const DEFAULT_PII_SETTINGS: PiiSettings = {
  personalFields: [...DEFAULT_PERSONAL_FIELDS],
  roleAllowlists: {},
  unmaskedDestinations: [],
  updatedAt: null,
};

/**
 * PII controls: which traits and CRM custom fields are personal, and who sees them unmasked.
 * A role with `pii:read` sees every personal field; a role without it sees the fields its
 * allowlist names, the others masked. A destination gets personal fields masked unless the
 * workspace lists it among the unmasked destinations.
 */
export class PiiService {
  constructor(
    private readonly deps: {
      store: Store;
      clock: () => number;
      /** Whether a destination of the workspace exists (an unmasked one must). */
      destinationExists: (workspaceId: string, destinationId: string) => Promise<boolean>;
    },
  ) {}

  async settings(workspaceId: string): Promise<PiiSettings> {
    const row = await this.deps.store.db
      .selectFrom('pii_settings')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row ? settingsOf(row) : DEFAULT_PII_SETTINGS;
  }

  /** Replaces the settings (fields listed once each, in the order given). */
  async update(workspaceId: string, update: UpdatePiiSettings): Promise<PiiSettings> {
    const parsed = UpdatePiiSettingsSchema.parse(update);
    for (const [index, destinationId] of parsed.unmaskedDestinations.entries()) {
      if (!(await this.deps.destinationExists(workspaceId, destinationId))) {
        const message = `unmaskedDestinations: destination ${destinationId} not found`;
        throw new AppError('bad_request', message, {
          details: [{ path: `unmaskedDestinations.${index}`, message: 'no such destination' }],
        });
      }
    }
    const roleAllowlists = Object.fromEntries(
      Object.entries(parsed.roleAllowlists).map(([role, fields]) => [role, distinctFields(fields ?? [])]),
    );
    const values = {
      personal_fields: toJson(distinctFields(parsed.personalFields)),
      role_allowlists: toJson(roleAllowlists),
      unmasked_destinations: toJson([...new Set(parsed.unmaskedDestinations)]),
      updated_at: new Date(this.deps.clock()).toISOString(),
    };
    await this.deps.store.db
      .insertInto('pii_settings')
      .values({ workspace_id: workspaceId, ...values })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
      .execute();
    return this.settings(workspaceId);
  }

  /** The personal fields `role` sees masked, or null when it sees them all. */
  async maskForRole(workspaceId: string, role: Role): Promise<PersonalMask | null> {
    if (roleAllows(role, 'pii:read')) return null;
    return maskOf(await this.settings(workspaceId), role);
  }

  /** The personal fields a destination receives masked, or null when it receives them all. */
  async maskForDestination(workspaceId: string, destinationId: string): Promise<PersonalMask | null> {
    const settings = await this.settings(workspaceId);
    if (settings.unmaskedDestinations.includes(destinationId)) return null;
    return maskOf(settings, undefined);
  }
}

function maskOf(settings: PiiSettings, role: Role | undefined): PersonalMask | null {
  const allowed = new Set((role ? (settings.roleAllowlists[role] ?? []) : []).map(personalFieldKey));
  const hidden = settings.personalFields.filter((field) => !allowed.has(personalFieldKey(field)));
  return hidden.length > 0 ? new PersonalMask(hidden) : null;
}

// `firstName` and `first_name` are one field: the first spelling given is kept.
function distinctFields(fields: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const field of fields)
    if (!seen.has(personalFieldKey(field))) seen.set(personalFieldKey(field), field);
  return [...seen.values()];
}

function settingsOf(row: Database['pii_settings']): PiiSettings {
  return {
    personalFields: fromJson<string[]>(row.personal_fields),
    roleAllowlists: fromJson<PiiSettings['roleAllowlists']>(row.role_allowlists),
    unmaskedDestinations: fromJson<string[]>(row.unmasked_destinations),
    updatedAt: row.updated_at,
  };
}
