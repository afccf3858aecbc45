import type { PersonalizationAnswer, PersonalizationSettings } from '@tandem/contract';
import { type AudiencesService, activeAudienceIdsOf } from '../audiences/index.js';
import {
  type ComputedTraitsService,
  emptyValueOf,
  storedComputedValuesOf,
} from '../computed-traits/index.js';
import type { IdentityService } from '../identity/index.js';
import { storedTraitsOf } from '../profiles/index.js';
import { fromJson, nowIso, type Store } from '../store/index.js';

// Settings, trait definitions and audience names are read at most once a second per workspace:
// a request costs only the visitor's own rows. Edits made in this process show at once.
const EXPOSURE_TTL_MS = 1000;
const PAGE = 1000;

export const EMPTY_SETTINGS: PersonalizationSettings = { traits: [], computedTraits: [], audiences: [] };

/** Who is asking: the browser's analytics ids. */
export interface Visitor {
  readonly userId?: string | undefined;
  readonly anonymousId?: string | undefined;
}

/**
 * Whether a profile may be personalized (the consent domain's "personalization" purpose). The
 * engine hands it in when consent is wired; without it every known visitor is answered.
 */
export type PersonalizationGate = (workspaceId: string, profileId: string) => Promise<boolean>;

interface Exposure {
  readonly at: number;
  /** Exposed trait names. */
  readonly traitNames: readonly string[];
  /** The exposed computed traits' ids, as a list to read. */
  readonly computedIds: readonly string[];
  /** Exposed computed traits by id: the name answered and the value when none is stored. */
  readonly computed: ReadonlyMap<string, { name: string; empty: unknown }>;
  /** Exposed audiences by id: the name answered. */
  readonly audiences: ReadonlyMap<string, string>;
  readonly empty: boolean;
}

/** The personalization API: per workspace, what a browser may read of its visitor's profile. */
export class PersonalizationService {
  private readonly exposures = new Map<string, Promise<Exposure>>();
  private gate: PersonalizationGate | undefined;

  constructor(
    private readonly store: Store,
    private readonly deps: {
      identity: IdentityService;
      computedTraits: ComputedTraitsService;
      audiences: AudiencesService;
    },
  ) {}

  /** Consent's hook: a profile the gate refuses is answered like an unknown visitor. */
  gateWith(gate: PersonalizationGate | undefined): void {
    this.gate = gate;
  }

  async settings(workspaceId: string): Promise<PersonalizationSettings> {
    const row = await this.store.db
      .selectFrom('personalization_settings')
      .select('settings')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row ? { ...EMPTY_SETTINGS, ...fromJson<PersonalizationSettings>(row.settings) } : EMPTY_SETTINGS;
  }

  /** The website's personalization, when it exposes this computed trait (by name). */
  async readersOfComputedTrait(workspaceId: string, traitName: string): Promise<string[]> {
    return (await this.settings(workspaceId)).computedTraits.includes(traitName)
      ? ['the website personalization settings']
      : [];
  }

  /** Replaces what is exposed. Unknown audience ids are kept (they expose nothing until created). */
  async updateSettings(
    workspaceId: string,
    settings: PersonalizationSettings,
  ): Promise<PersonalizationSettings> {
    const clean: PersonalizationSettings = {
      traits: [...new Set(settings.traits)],
      computedTraits: [...new Set(settings.computedTraits)],
      audiences: [...new Set(settings.audiences)],
    };
    const row = { workspace_id: workspaceId, settings: JSON.stringify(clean), updated_at: nowIso() };
    await this.store.db
      .insertInto('personalization_settings')
      .values(row)
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ settings: row.settings, updated_at: row.updated_at }),
      )
      .execute();
    this.exposures.delete(workspaceId);
    return clean;
  }

  /**
   * The visitor's exposed traits, computed traits and audience names. An unknown visitor (or
   * one whose consent refuses personalization) gets what a known visitor with nothing stored
   * gets: the answer never tells whether an id is known.
   */
  async answer(workspaceId: string, visitor: Visitor): Promise<PersonalizationAnswer> {
    const exposure = await this.exposureOf(workspaceId);
    if (exposure.empty) return emptyAnswer(exposure);
    const profileId = await this.profileOf(workspaceId, visitor);
    if (profileId === undefined) return emptyAnswer(exposure);
    if (this.gate && !(await this.gate(workspaceId, profileId))) return emptyAnswer(exposure);
    const store = this.store;
    const [traitRows, computedRows, audienceRows] = await Promise.all([
      storedTraitsOf(store, workspaceId, profileId, exposure.traitNames),
      storedComputedValuesOf(store, workspaceId, profileId, exposure.computedIds),
      exposure.audiences.size > 0 ? activeAudienceIdsOf(store, workspaceId, profileId) : [],
    ]);
    const answer: PersonalizationAnswer = { traits: {}, computedTraits: {}, audiences: [] };
    for (const row of traitRows) define(answer.traits, row.name, parsed(row.value));
    const stored = new Map(computedRows.map((row) => [row.trait_id, row.value]));
    for (const [traitId, { name, empty }] of exposure.computed) {
      const value = stored.get(traitId);
      define(answer.computedTraits, name, value === undefined ? empty : parsed(value));
    }
    for (const row of audienceRows) {
      const name = exposure.audiences.get(row.audience_id);
      if (name !== undefined) answer.audiences.push(name);
    }
    answer.audiences.sort();
    return answer;
  }

  private async profileOf(workspaceId: string, visitor: Visitor): Promise<string | undefined> {
    const { identity } = this.deps;
    if (visitor.userId) {
      const byUser = await identity.liveProfileIdOf(workspaceId, 'user_id', visitor.userId);
      if (byUser !== undefined) return byUser;
    }
    if (visitor.anonymousId)
      return identity.liveProfileIdOf(workspaceId, 'anonymous_id', visitor.anonymousId);
    return undefined;
  }

  private exposureOf(workspaceId: string): Promise<Exposure> {
    const cached = this.exposures.get(workspaceId);
    if (!cached) return this.refresh(workspaceId);
    // A stale exposure still answers while the fresh one is read.
    return cached.then((exposure) => {
      if (Date.now() - exposure.at >= EXPOSURE_TTL_MS && this.exposures.get(workspaceId) === cached) {
        this.refresh(workspaceId).catch(() => undefined);
      }
      return exposure;
    });
  }

  private refresh(workspaceId: string): Promise<Exposure> {
    const reading = this.readExposure(workspaceId);
    this.exposures.set(workspaceId, reading);
    // A failed read is not kept: the next request tries again.
    reading.catch(() => {
      if (this.exposures.get(workspaceId) === reading) this.exposures.delete(workspaceId);
    });
    return reading;
  }

  private async readExposure(workspaceId: string): Promise<Exposure> {
    const at = Date.now();
    const settings = await this.settings(workspaceId);
    const computed = new Map<string, { name: string; empty: unknown }>();
    if (settings.computedTraits.length > 0) {
      const wanted = new Set(settings.computedTraits);
      for await (const trait of pages((cursor) =>
        this.deps.computedTraits.list(workspaceId, { limit: PAGE, cursor }),
      )) {
        if (wanted.has(trait.name))
          computed.set(trait.id, { name: trait.name, empty: emptyValueOf(trait.kind) });
      }
    }
    const audiences = new Map<string, string>();
    if (settings.audiences.length > 0) {
      const wanted = new Set(settings.audiences);
      for await (const audience of pages((cursor) =>
        this.deps.audiences.list(workspaceId, { limit: PAGE, cursor }),
      )) {
        if (wanted.has(audience.id)) audiences.set(audience.id, audience.name);
      }
    }
    const traitNames = [...new Set(settings.traits)];
    return {
      at,
      traitNames,
      computedIds: [...computed.keys()],
      computed,
      audiences,
      empty: traitNames.length + computed.size + audiences.size === 0,
    };
  }
}

async function* pages<T>(
  read: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    yield* page.data;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/**
 * What a visitor with nothing stored gets, known or not: exposed computed traits at their empty
 * value (as a known profile without events shows them), so the two cannot be told apart.
 */
function emptyAnswer(exposure: Exposure): PersonalizationAnswer {
  const computedTraits: Record<string, unknown> = {};
  for (const { name, empty } of exposure.computed.values()) define(computedTraits, name, empty);
  return { traits: {}, computedTraits, audiences: [] };
}

/** A stored JSON value (text on SQLite; PostgreSQL may hand it parsed). */
function parsed(stored: unknown): unknown {
  if (typeof stored !== 'string') return stored;
  try {
    return JSON.parse(stored);
  } catch {
    return null;
  }
}

/** defineProperty: a trait named "__proto__" stays a plain member. */
function define(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}
