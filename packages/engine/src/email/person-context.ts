import type { Kysely } from 'kysely';
import type { IdentityService } from '../identity/index.js';
import type { Database } from '../store/index.js';

/** What a person's email reads of them, loaded for a chunk of people at once. */
export interface PersonFacts {
  readonly traits: Record<string, unknown>;
  /** The `email` trait, else the most trusted email identity; lower-cased. */
  readonly email: string | null;
  computedTraits: Record<string, unknown>;
  crm: {
    lifecycleStage: string | null;
    leadStatus: string | null;
    ownerId: string | null;
    fields: Record<string, unknown>;
  };
}

/** The CRM view of a person, as the people service keeps it (wired by the engine). */
export type CrmOf = (
  workspaceId: string,
  profileId: string,
) => Promise<{
  lifecycleStage: string | null;
  leadStatus: string | null;
  ownerId: string | null;
  fields: Record<string, unknown>;
}>;

export interface PersonContextDeps {
  readonly identity: IdentityService;
  /** A profile's computed trait values by name (the computed traits service). */
  readonly computedTraitsOf: (workspaceId: string, profileId: string) => Promise<Record<string, unknown>>;
  readonly crmOf: CrmOf;
}

const CHUNK = 500;
const EMPTY_CRM = { lifecycleStage: null, leadStatus: null, ownerId: null, fields: {} };

/**
 * Reads people for rendering: the live profile of each queued id (a merged-away profile's
 * email goes to its survivor), then traits and email identities by one query per chunk;
 * computed traits and CRM fields only for templates that use them.
 */
export class PersonContexts {
  constructor(private readonly deps: PersonContextDeps) {}

  /** The live profile of each id (undefined: the profile no longer exists). */
  async liveIdsOf(
    db: Kysely<Database>,
    workspaceId: string,
    profileIds: readonly string[],
  ): Promise<Map<string, string | undefined>> {
    const live = new Map<string, string | undefined>();
    const unique = [...new Set(profileIds)];
    for (let start = 0; start < unique.length; start += CHUNK) {
      const rows = await db
        .selectFrom('profiles')
        .select(['profile_id', 'merged_into'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', unique.slice(start, start + CHUNK))
        .execute();
      for (const row of rows) {
        live.set(
          row.profile_id,
          row.merged_into === null
            ? row.profile_id
            : await this.deps.identity.resolveProfileId(workspaceId, row.merged_into, db),
        );
      }
    }
    return live;
  }

  /** Facts of live profiles. */
  async factsOf(
    db: Kysely<Database>,
    workspaceId: string,
    liveIds: readonly string[],
    uses: { readonly computedTraits: boolean; readonly crm: boolean },
  ): Promise<Map<string, PersonFacts>> {
    const unique = [...new Set(liveIds)];
    const traitsOf = new Map<string, Record<string, unknown>>(unique.map((id) => [id, {}]));
    for (let start = 0; start < unique.length; start += CHUNK) {
      // set_at keeps the planner on the primary key (one range per profile), not the name index.
      const rows = await db
        .selectFrom('profile_traits')
        .select(['profile_id', 'name', 'value', 'set_at'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', unique.slice(start, start + CHUNK))
        .execute();
      for (const row of rows) {
        const traits = traitsOf.get(row.profile_id);
        // defineProperty: a trait named "__proto__" stays a plain member.
        if (traits)
          Object.defineProperty(traits, row.name, {
            value: JSON.parse(row.value) as unknown,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
    }
    const identities = await this.deps.identity.identitiesOf(workspaceId, unique, db);
    const facts = new Map<string, PersonFacts>();
    for (const id of unique) {
      const traits = traitsOf.get(id) ?? {};
      const trait = typeof traits.email === 'string' && traits.email.includes('@') ? traits.email : undefined;
      const identity = identities.get(id)?.find((i) => i.type === 'email')?.value;
      const email = (trait ?? identity)?.trim().toLowerCase() ?? null;
      facts.set(id, {
        traits,
        email,
        computedTraits: uses.computedTraits ? await this.deps.computedTraitsOf(workspaceId, id) : {},
        crm: uses.crm ? await this.deps.crmOf(workspaceId, id) : { ...EMPTY_CRM, fields: {} },
      });
    }
    return facts;
  }
}
