import type { Profile, ProfileSummary, TimelineEvent } from '@tandem/contract';
import { membershipsOf } from '../audiences/index.js';
import { computedTraitValuesOf } from '../computed-traits/index.js';
import { AppError } from '../errors/index.js';
import type { IdentityService } from '../identity/index.js';
import { eventsBySeq } from '../log/index.js';
import type { Store } from '../store/index.js';
import { companiesOf } from './companies.js';
import { loadTraits } from './trait-tables.js';

/** Reads of unified profiles: one per person, with traits, identities, companies, timeline. */
export class ProfilesService {
  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService,
  ) {}

  /** A profile; a merged id answers with its survivor. Throws `not_found`. */
  async get(workspaceId: string, profileId: string): Promise<Profile> {
    const liveId = await this.identity.resolveProfileId(workspaceId, profileId);
    if (liveId === undefined) throw new AppError('not_found', `Profile ${profileId} not found`);
    return this.live(workspaceId, liveId);
  }

  private async live(workspaceId: string, liveId: string): Promise<Profile> {
    const [summary] = await this.summaries(workspaceId, [liveId]);
    if (!summary) throw new AppError('not_found', `Profile ${liveId} not found`);
    const [companies, computedTraits, audiences] = await Promise.all([
      companiesOf(this.store.db, workspaceId, liveId),
      computedTraitValuesOf(this.store, workspaceId, liveId),
      membershipsOf(this.store, workspaceId, liveId),
    ]);
    return { ...summary, computedTraits, audiences, companies };
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
    const data = await this.summaries(workspaceId, ids.slice(0, page.limit));
    return { data, nextCursor: ids.length > page.limit ? (data.at(-1)?.id ?? null) : null };
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
    const shown = seqs.slice(0, page.limit);
    const events = new Map(
      (
        await eventsBySeq(
          this.store.db,
          workspaceId,
          shown.map((s) => s.seq),
        )
      ).map((e) => [e.seq, e]),
    );
    const data = shown.flatMap(({ seq }) => {
      const event = events.get(seq);
      if (!event) return [];
      const payload = event.payload;
      return [
        {
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
      ];
    });
    const last = shown.at(-1);
    const nextCursor = seqs.length > page.limit && last ? cursorOf(last) : null;
    return { data, nextCursor };
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
      loadTraits(this.store.db, workspaceId, profileIds),
    ]);
    const byId = new Map(rows.map((row) => [row.profile_id, row]));
    return profileIds.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      const traitValues = Object.fromEntries([...(traits.get(id) ?? [])].map(([name, t]) => [name, t.value]));
      return [
        {
          id,
          traits: traitValues,
          identities: identities.get(id) ?? [],
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        },
      ];
    });
  }
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
