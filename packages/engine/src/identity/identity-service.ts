import type { Identity, IdentitySettings, IdentitySettingsPatch, ProfileMerge } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import {
  type Database,
  fromJson,
  nowIso,
  type PrefixLookup,
  prefixLookupSql,
  prepared,
  reusableQuery,
  type Store,
  toJson,
} from '../store/index.js';
import { normalizeIdentifier } from './identifiers-of-event.js';
import type { Separation } from './identity-graph.js';
import { compileRules, type IdentityRules, patchedSettings, settingsFrom } from './identity-rules.js';
import { chunksOf, loadSeparations, onPostgres } from './identity-tables.js';
import { idsOfPerson } from './live-profiles.js';

const MAX_HOPS = 32;
// Rules are read on every lookup; a second-old copy is fine (other processes' edits show within it).
const RULES_TTL_MS = 1000;

/** Reads of the identity graph and the workspace's resolution rules. */
export class IdentityService {
  private readonly cachedRules = new Map<string, { rules: IdentityRules; at: number }>();

  constructor(private readonly store: Store) {}

  async settings(workspaceId: string, db: Kysely<Database> = this.store.db): Promise<IdentitySettings> {
    const row = await db
      .selectFrom('identity_settings')
      .select('settings')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return settingsFrom(row ? fromJson<unknown>(row.settings) : undefined);
  }

  /** The compiled rules; outside a transaction (`db` omitted) possibly up to a second old. */
  async rules(workspaceId: string, db?: Kysely<Database>): Promise<IdentityRules> {
    if (db !== undefined) return compileRules(await this.settings(workspaceId, db));
    const cached = this.cachedRules.get(workspaceId);
    if (cached && Date.now() - cached.at < RULES_TTL_MS) return cached.rules;
    const rules = compileRules(await this.settings(workspaceId));
    this.cachedRules.set(workspaceId, { rules, at: Date.now() });
    return rules;
  }

  /**
   * In a pipeline batch's transaction: the rules and the separated identifier pairs (on
   * PostgreSQL, read in one statement).
   */
  async batchRules(
    workspaceId: string,
    db: Kysely<Database>,
  ): Promise<{ rules: IdentityRules; separations: Separation[] }> {
    if (!onPostgres(db)) {
      return {
        rules: await this.rules(workspaceId, db),
        separations: await loadSeparations(db, workspaceId),
      };
    }
    const { rows } = await sql<{ settings: unknown; separations: [string, string, string, string][] }>`
      select (select settings from identity_settings where workspace_id = ${workspaceId}) as settings,
        (select coalesce(json_agg(json_build_array(type_a, value_a, type_b, value_b)), '[]'::json)
          from identity_separations where workspace_id = ${workspaceId}) as separations`.execute(db);
    const row = rows[0];
    const stored = row?.settings ?? null;
    return {
      rules: compileRules(settingsFrom(stored === null ? undefined : fromJson<unknown>(stored))),
      separations: fromJson<[string, string, string, string][]>(row?.separations ?? []).map(
        ([typeA, valueA, typeB, valueB]) => ({
          a: { type: typeA, value: valueA },
          b: { type: typeB, value: valueB },
        }),
      ),
    };
  }

  /** Changes the rules; they apply to events processed from now on (`tandem rebuild` re-applies). */
  async updateSettings(workspaceId: string, patch: IdentitySettingsPatch): Promise<IdentitySettings> {
    const settings = patchedSettings(await this.settings(workspaceId), patch);
    const row = { workspace_id: workspaceId, settings: toJson(settings), updated_at: nowIso() };
    await this.store.db
      .insertInto('identity_settings')
      .values(row)
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ settings: row.settings, updated_at: row.updated_at }),
      )
      .execute();
    this.cachedRules.delete(workspaceId);
    return settings;
  }

  /** The live profile an id resolves to (itself, or the survivor it was merged into). */
  async resolveProfileId(workspaceId: string, profileId: string, db: Kysely<Database> = this.store.db) {
    let id = profileId;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const row = await db
        .selectFrom('profiles')
        .select('merged_into')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      if (row.merged_into === null) return id;
      id = row.merged_into;
    }
    throw new Error(`merge chain of ${profileId} is longer than ${MAX_HOPS}`);
  }

  /**
   * A live profile and every id merged into it (directly or down a chain): what rows other
   * domains keep under a profile id gather from, so an unmerge gives each its own back.
   */
  async mergedIdsOf(
    workspaceId: string,
    liveId: string,
    db: Kysely<Database> = this.store.db,
  ): Promise<string[]> {
    return idsOfPerson(db, workspaceId, liveId);
  }

  /** The live profile holding an identifier, the value normalized as events' values are. */
  async profileIdOf(workspaceId: string, type: string, value: string): Promise<string | undefined> {
    const normalized = normalizeIdentifier(type, value, await this.rules(workspaceId));
    if ('reason' in normalized) return undefined;
    const row = await this.store.db
      .selectFrom('profile_identifiers')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('value', '=', normalized.value)
      .where('type', '=', type)
      .executeTakeFirst();
    return row ? this.resolveProfileId(workspaceId, row.profile_id) : undefined;
  }

  /**
   * The live profile holding an identifier, by point reads (the personalization API's path,
   * called per page view): the identifier's profile with its merge pointer, then the merge chain
   * if any. On SQLite prepared statements, synchronous: building a query costs more than running it.
   */
  async liveProfileIdOf(workspaceId: string, type: string, value: string): Promise<string | undefined> {
    const normalized = normalizeIdentifier(type, value, await this.rules(workspaceId));
    if ('reason' in normalized) return undefined;
    const sqlite = this.store.sqlite;
    const [row] = sqlite
      ? (prepared(sqlite, IDENTIFIER_OWNER_SQL).all(workspaceId, normalized.value, type) as OwnerRow[])
      : await identifierOwner(this.store.db, workspaceId, normalized.value, type);
    if (!row) return undefined;
    if (row.merged_into === null) return row.profile_id;
    return this.resolveProfileId(workspaceId, row.merged_into);
  }

  /** Identifiers of each profile, most trusted first. */
  async identitiesOf(
    workspaceId: string,
    profileIds: readonly string[],
    db: Kysely<Database> = this.store.db,
  ): Promise<Map<string, Identity[]>> {
    const rules = db === this.store.db ? await this.rules(workspaceId) : await this.rules(workspaceId, db);
    const byProfile = new Map<string, Identity[]>(profileIds.map((id) => [id, []]));
    for (const chunk of chunksOf(profileIds)) {
      const rows = await db
        .selectFrom('profile_identifiers')
        .select(['profile_id', 'type', 'value'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .execute();
      for (const row of rows) byProfile.get(row.profile_id)?.push({ type: row.type, value: row.value });
    }
    for (const list of byProfile.values()) {
      list.sort((x, y) => rules.rank(x.type) - rules.rank(y.type) || (x.value < y.value ? -1 : 1));
    }
    return byProfile;
  }

  /** Profile ids (live ones) holding an identifier whose value starts with `prefix`. */
  async searchIdentifiers(workspaceId: string, prefix: string, limit: number): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('profile_identifiers')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('value', '>=', prefix)
      .where('value', '<', `${prefix}\uffff`)
      .limit(limit)
      .execute();
    return rows.map((row) => row.profile_id);
  }

  /**
   * Identifiers of a type of the profiles whose id lies in (`after`, `upTo`]: one range read for
   * a dense page of profiles (an export), instead of a list of ids.
   */
  async identifiersInRange(
    workspaceId: string,
    range: { type: string; after: string | undefined; upTo: string },
  ): Promise<{ value: string; profileId: string }[]> {
    let query = this.store.db
      .selectFrom('profile_identifiers')
      .select(['value', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '<=', range.upTo)
      .where('type', '=', range.type)
      .orderBy('profile_id');
    if (range.after !== undefined) query = query.where('profile_id', '>', range.after);
    return (await query.execute()).map((row) => ({ value: row.value, profileId: row.profile_id }));
  }

  /** Identifiers of a type matching an indexed prefix probe (global search), with their profile. */
  async identifiersMatching(
    workspaceId: string,
    request: { type: string; lookup: PrefixLookup; limit: number },
  ): Promise<{ value: string; profileId: string }[]> {
    const rows = await this.store.db
      .selectFrom('profile_identifiers')
      .select(['value', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where((eb) =>
        prefixLookupSql(eb.ref('value'), request.lookup, { table: 'profile_identifiers', workspaceId }),
      )
      .where('type', '=', request.type)
      .limit(request.limit)
      .execute();
    return rows.map((row) => ({ value: row.value, profileId: row.profile_id }));
  }

  /** Live profiles with an email at this domain (at most `limit`; a scan of the workspace's emails). */
  async profilesWithEmailDomain(
    workspaceId: string,
    domain: string,
    limit: number,
    db: Kysely<Database> = this.store.db,
  ): Promise<string[]> {
    const rows = await db
      .selectFrom('profile_identifiers')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', 'email')
      .where('value', 'like', `%@${domain.toLowerCase()}`)
      .limit(limit)
      .execute();
    const live = new Set<string>();
    for (const row of rows) {
      const liveId = await this.resolveProfileId(workspaceId, row.profile_id, db);
      if (liveId !== undefined) live.add(liveId);
    }
    return [...live];
  }

  /** Merges into or of a profile, newest first. */
  async mergesOf(workspaceId: string, profileId: string): Promise<ProfileMerge[]> {
    const rows = await this.store.db
      .selectFrom('profile_merges')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([eb('survivor_id', '=', profileId), eb('profile_id', '=', profileId)]))
      .orderBy('merge_id', 'desc')
      .execute();
    return rows.map((row) => ({
      id: row.merge_id,
      survivorId: row.survivor_id,
      mergedId: row.profile_id,
      eventId: row.event_id,
      identities: fromJson<Identity[]>(row.identifiers),
      mergedAt: row.merged_at,
      undoneAt: row.undone_at,
    }));
  }

  /** A page of a profile's events, newest first (by event time, then log order). */
  async timelineSeqs(
    workspaceId: string,
    profileId: string,
    page: {
      limit: number;
      before?: { timestamp: string; seq: number } | undefined;
      event?: string | undefined;
    },
  ): Promise<{ seq: number; timestamp: string }[]> {
    let query = this.store.db
      .selectFrom('profile_events')
      .select(['seq', 'timestamp'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .orderBy('timestamp', 'desc')
      .orderBy('seq', 'desc')
      .limit(page.limit);
    const { before, event } = page;
    if (event !== undefined) query = query.where('event', '=', event);
    if (before !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('timestamp', '<', before.timestamp),
          eb.and([eb('timestamp', '=', before.timestamp), eb('seq', '<', before.seq)]),
        ]),
      );
    }
    const rows = await query.execute();
    return rows.map((row) => ({ seq: Number(row.seq), timestamp: row.timestamp }));
  }

  /** Values refused as identifiers, per type and reason. */
  async rejectionCounts(workspaceId: string) {
    const rows = await this.store.db
      .selectFrom('identifier_rejections')
      .select(['type', 'reason', 'count'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    return rows.map((row) => ({ type: row.type, reason: row.reason, count: Number(row.count) }));
  }
}

interface OwnerRow {
  profile_id: string;
  merged_into: string | null;
}

const IDENTIFIER_OWNER_SQL = `SELECT i.profile_id, p.merged_into FROM profile_identifiers i
  JOIN profiles p ON p.workspace_id = i.workspace_id AND p.profile_id = i.profile_id
  WHERE i.workspace_id = ? AND i.value = ? AND i.type = ?`;

const identifierOwner = reusableQuery((db, workspaceId: string, value: string, type: string) =>
  db
    .selectFrom('profile_identifiers as i')
    .innerJoin('profiles as p', (join) =>
      join.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.profile_id', '=', 'i.profile_id'),
    )
    .select(['i.profile_id', 'p.merged_into'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.value', '=', value)
    .where('i.type', '=', type),
);
