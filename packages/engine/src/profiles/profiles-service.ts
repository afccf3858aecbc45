import { MAX_PAGE_BYTES, type Profile, type ProfileSummary, type TimelineEvent } from '@tandem/contract';
import { AppError } from '../errors/index.js';
import type { IdentityService } from '../identity/index.js';
import { eventsBySeq } from '../log/index.js';
import type { Store } from '../store/index.js';
import { companiesOf } from './companies.js';
import { summaryTraits } from './summary-traits.js';
import { traitValuesOf } from './trait-tables.js';
import { DEFAULT_MAX_TRAITS_PER_PROFILE } from './traits-projection.js';

// Read a page's profiles and events this many at a time, so that a page stops soon after its
// byte budget: at most one such group is read past it (events are at most 32 KB each).
const READ_GROUP = 50;

/**
 * What later stages keep about a profile, read through their own domains (computed traits,
 * audiences): handed in by the engine, so profiles never imports the domains built on it.
 */
export interface ProfileSections {
  computedTraitsOf(workspaceId: string, profileId: string): Promise<Profile['computedTraits']>;
  audiencesOf(workspaceId: string, profileId: string): Promise<Profile['audiences']>;
}

const NO_SECTIONS: ProfileSections = {
  computedTraitsOf: async () => ({}),
  audiencesOf: async () => [],
};

/** Reads of unified profiles: one per person, with traits, identities, companies, timeline. */
export class ProfilesService {
  private readonly maxTraits: number;
  private readonly sections: ProfileSections;

  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService,
    options: {
      /** Traits a profile holds (the pipeline's bound): a profile shows no more. */
      maxTraitsPerProfile?: number | undefined;
      sections?: ProfileSections | undefined;
    } = {},
  ) {
    this.maxTraits = options.maxTraitsPerProfile ?? DEFAULT_MAX_TRAITS_PER_PROFILE;
    this.sections = options.sections ?? NO_SECTIONS;
  }

  /** A profile; a merged id answers with its survivor. Throws `not_found`. */
  async get(workspaceId: string, profileId: string): Promise<Profile> {
    const liveId = await this.identity.resolveProfileId(workspaceId, profileId);
    if (liveId === undefined) throw new AppError('not_found', `Profile ${profileId} not found`);
    return this.live(workspaceId, liveId);
  }

  private async live(workspaceId: string, liveId: string): Promise<Profile> {
    const [row, identities, traits, companies, computedTraits, audiences] = await Promise.all([
      this.store.db
        .selectFrom('profiles')
        .select(['created_at', 'updated_at'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', liveId)
        .executeTakeFirst(),
      this.identity.identitiesOf(workspaceId, [liveId]),
      // Within the bound even for a profile stored before it (or under a larger one).
      traitValuesOf(this.store.db, workspaceId, liveId, this.maxTraits),
      companiesOf(this.store.db, workspaceId, liveId),
      this.sections.computedTraitsOf(workspaceId, liveId),
      this.sections.audiencesOf(workspaceId, liveId),
    ]);
    if (!row) throw new AppError('not_found', `Profile ${liveId} not found`);
    return {
      id: liveId,
      traits,
      identities: identities.get(liveId) ?? [],
      computedTraits,
      audiences,
      companies,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** The profile holding an identifier. Throws `not_found`. */
  async lookup(workspaceId: string, type: string, value: string): Promise<Profile> {
    const profileId = await this.identity.profileIdOf(workspaceId, type, value);
    if (profileId === undefined) throw new AppError('not_found', `No profile has ${type} "${value}"`);
    return this.live(workspaceId, profileId);
  }

  /** Live profiles by id, or those matching `q` (an identifier's prefix, or a trait's value). */
  async list(
    workspaceId: string,
    page: { limit: number; cursor?: string | undefined; q?: string | undefined },
  ) {
    const ids =
      page.q === undefined ? await this.pageOfIds(workspaceId, page) : await this.search(workspaceId, page);
    const wanted = ids.slice(0, page.limit);
    const { items: data, complete } = await readWithinBudget(wanted, (group) =>
      this.summaries(workspaceId, group),
    );
    const more = !complete || ids.length > page.limit;
    return { data, nextCursor: more ? (data.at(-1)?.id ?? null) : null };
  }

  /** A profile's events, newest first; the cursor is opaque. */
  async timeline(
    workspaceId: string,
    profileId: string,
    page: { limit: number; cursor?: string | undefined; event?: string | undefined },
  ): Promise<{ data: TimelineEvent[]; nextCursor: string | null }> {
    const liveId = await this.identity.resolveProfileId(workspaceId, profileId);
    if (liveId === undefined) throw new AppError('not_found', `Profile ${profileId} not found`);
    const before = page.cursor === undefined ? undefined : cursorPosition(page.cursor);
    const seqs = await this.identity.timelineSeqs(workspaceId, liveId, {
      ...page,
      before,
      limit: page.limit + 1,
    });
    const wanted = seqs.slice(0, page.limit);
    const { items, complete } = await readWithinBudget(wanted, (group) =>
      this.timelineEvents(workspaceId, group),
    );
    const last = wanted[items.length - 1];
    const more = !complete || seqs.length > page.limit;
    const data = items.map((item) => item.event).filter((event) => event !== undefined);
    return { data, nextCursor: more && last ? cursorOf(last) : null };
  }

  /** The timeline items of these positions, in their order (an item without its event is empty). */
  private async timelineEvents(
    workspaceId: string,
    positions: readonly { seq: number }[],
  ): Promise<{ event: TimelineEvent | undefined }[]> {
    const events = new Map(
      (
        await eventsBySeq(
          this.store.db,
          workspaceId,
          positions.map((s) => s.seq),
        )
      ).map((e) => [e.seq, e]),
    );
    return positions.map(({ seq }) => {
      const event = events.get(seq);
      if (!event) return { event: undefined };
      const payload = event.payload;
      return {
        event: {
          id: event.id,
          type: event.type,
          event: event.event,
          name: typeof payload.name === 'string' ? payload.name : null,
          properties: objectOr(payload.properties),
          traits: objectOr(payload.traits),
          timestamp: event.timestamp,
          receivedAt: event.receivedAt,
          messageId: event.messageId,
          sourceId: event.sourceId,
        },
      };
    });
  }

  private async pageOfIds(workspaceId: string, page: { limit: number; cursor?: string | undefined }) {
    let query = this.store.db
      .selectFrom('profiles')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'is', null)
      .orderBy('profile_id')
      .limit(page.limit + 1);
    if (page.cursor !== undefined) query = query.where('profile_id', '>', page.cursor);
    return (await query.execute()).map((row) => row.profile_id);
  }

  private async search(
    workspaceId: string,
    page: { limit: number; cursor?: string | undefined; q?: string | undefined },
  ) {
    const q = page.q ?? '';
    const bound = 10_000;
    const [exact, lower, byTrait] = await Promise.all([
      this.identity.searchIdentifiers(workspaceId, q, bound),
      this.identity.searchIdentifiers(workspaceId, q.toLowerCase(), bound),
      this.store.db
        .selectFrom('profile_traits')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where('value_text', '=', q.toLowerCase())
        .limit(bound)
        .execute(),
    ]);
    const ids = new Set([...exact, ...lower, ...byTrait.map((row) => row.profile_id)]);
    const after = page.cursor;
    return [...ids]
      .filter((id) => after === undefined || id > after)
      .sort()
      .slice(0, page.limit + 1);
  }

  /** Summaries of these live profiles, in their order (an unknown id is left out). */
  summariesOf(workspaceId: string, profileIds: readonly string[]): Promise<ProfileSummary[]> {
    return this.summaries(workspaceId, profileIds);
  }

  private async summaries(workspaceId: string, profileIds: readonly string[]): Promise<ProfileSummary[]> {
    if (profileIds.length === 0) return [];
    const [rows, identities, traits] = await Promise.all([
      this.store.db
        .selectFrom('profiles')
        .select(['profile_id', 'created_at', 'updated_at'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', profileIds)
        .execute(),
      this.identity.identitiesOf(workspaceId, profileIds),
      summaryTraits(this.store.db, workspaceId, profileIds),
    ]);
    const byId = new Map(rows.map((row) => [row.profile_id, row]));
    return profileIds.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      return [
        {
          id,
          traits: traits.get(id) ?? {},
          identities: identities.get(id) ?? [],
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        },
      ];
    });
  }
}

/**
 * Reads `keys`' items group by group, in order, and stops after the item that takes the page
 * past MAX_PAGE_BYTES of JSON: the page then ends early (`complete` false), at that item.
 */
async function readWithinBudget<K, T>(
  keys: readonly K[],
  read: (group: readonly K[]) => Promise<readonly T[]>,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let bytes = 0;
  for (let start = 0; start < keys.length; start += READ_GROUP) {
    // SQLite answers synchronously: between groups, the event loop gets a turn.
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const group = await read(keys.slice(start, start + READ_GROUP));
    const lastGroup = start + READ_GROUP >= keys.length;
    for (const [index, item] of group.entries()) {
      items.push(item);
      bytes += JSON.stringify(item).length;
      if (bytes >= MAX_PAGE_BYTES && !(lastGroup && index === group.length - 1)) {
        return { items, complete: false };
      }
    }
  }
  return { items, complete: true };
}

function cursorOf(position: { seq: number; timestamp: string }): string {
  return Buffer.from(`${position.timestamp}|${position.seq}`).toString('base64url');
}

function cursorPosition(cursor: string): { timestamp: string; seq: number } {
  const [timestamp, seq] = Buffer.from(cursor, 'base64url').toString().split('|');
  const position = Number(seq);
  if (!timestamp || !Number.isSafeInteger(position)) throw new AppError('bad_request', 'Invalid cursor');
  return { timestamp, seq: position };
}

function objectOr(value: unknown): Record<string, unknown> {
  // A parsed JSON payload member: a non-null, non-array object is a record.
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
