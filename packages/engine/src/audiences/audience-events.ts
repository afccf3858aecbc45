import { AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT, type StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { normalizeCall } from '../collect/index.js';
import type { IdentityService } from '../identity/index.js';
import { callIdentifierFields } from '../identity/index.js';
import { type AcceptedCall, appendWithin, eventsWithMessageIds, storedMessageIds } from '../log/index.js';
import type { SourcesService } from '../sources/index.js';
import type { Database } from '../store/index.js';
import type { MembershipChange } from './membership-changes.js';

/**
 * Appends `Audience Entered` / `Audience Exited` track events to the log, under an internal
 * source per workspace ("Tandem audiences", created on first use), naming the profile by its
 * most trusted identifier so unify attributes the event to it. They are written in the
 * transaction that records the membership change (an outbox): both commit, or neither.
 * Message ids are deterministic, so replaying a change never stores a second event.
 */
export class AudienceEvents {
  constructor(private readonly deps: { sources: SourcesService; identity: IdentityService }) {}

  async appendWithin(db: Kysely<Database>, changes: readonly MembershipChange[]): Promise<void> {
    for (const [workspaceId, ofWorkspace] of groupBy(changes, (c) => c.workspaceId)) {
      const sourceId = await this.sourceOf(db, workspaceId);
      const identities = await this.deps.identity.identitiesOf(
        workspaceId,
        [...new Set(ofWorkspace.map((c) => c.profileId))],
        db,
      );
      const receivedAt = new Date();
      const scope = {
        shared: undefined,
        request: {},
        received: { ms: receivedAt.getTime(), iso: receivedAt.toISOString() },
      };
      const events: AcceptedCall[] = [];
      for (const c of ofWorkspace) {
        const who = identities.get(c.profileId)?.[0];
        if (!who) continue;
        const call = {
          type: 'track',
          event: c.entered ? AUDIENCE_ENTERED_EVENT : AUDIENCE_EXITED_EVENT,
          ...callIdentifierFields(who, c.profileId),
          properties: { audienceId: c.audienceId, audienceName: c.audienceName, profileId: c.profileId },
          timestamp: c.at,
          messageId: messageIdOf(c),
        };
        const verdict = normalizeCall(call, scope);
        if (verdict.ok) events.push(verdict.value);
      }
      await appendWithin(db, { workspaceId, sourceId, events, rejections: [] });
    }
  }

  /**
   * The events `appendWithin` stored for these changes, by internal source, for the sources
   * `wanted` picks (the ones a live debugger follows).
   */
  async committed(
    db: Kysely<Database>,
    changes: readonly MembershipChange[],
    wanted: (sourceId: string) => boolean,
  ): Promise<Map<string, StoredEvent[]>> {
    const bySource = new Map<string, StoredEvent[]>();
    for (const [workspaceId, ofWorkspace] of groupBy(changes, (c) => c.workspaceId)) {
      const row = await db
        .selectFrom('audience_settings')
        .select('source_id')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      if (!row || !wanted(row.source_id)) continue;
      const stored = await eventsWithMessageIds(db, {
        workspaceId,
        sourceId: row.source_id,
        messageIds: ofWorkspace.map(messageIdOf),
      });
      bySource.set(
        row.source_id,
        stored.sort((a, b) => a.seq - b.seq),
      );
    }
    return bySource;
  }

  /**
   * Of these ended memberships, those whose end the log never announced (no Audience Exited
   * event): ended quietly, as a merged-away profile's are.
   */
  async unannounced(
    db: Kysely<Database>,
    workspaceId: string,
    ended: readonly { audienceId: string; profileId: string; exitedAt: string }[],
  ): Promise<{ audienceId: string; profileId: string }[]> {
    if (ended.length === 0) return [];
    const row = await db
      .selectFrom('audience_settings')
      .select('source_id')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    const messageIds = ended.map((e) => exitMessageId(e.audienceId, e.profileId, e.exitedAt));
    const announced = row
      ? await storedMessageIds(db, { workspaceId, sourceId: row.source_id, messageIds })
      : new Set<string>();
    return ended.filter((_, i) => !announced.has(messageIds[i] ?? ''));
  }

  private async sourceOf(db: Kysely<Database>, workspaceId: string): Promise<string> {
    const row = await db
      .selectFrom('audience_settings')
      .select('source_id')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (row) return row.source_id;
    const source = await this.deps.sources.create(
      workspaceId,
      { name: 'Tandem audiences', kind: 'internal' },
      db,
    );
    await db
      .insertInto('audience_settings')
      .values({ workspace_id: workspaceId, source_id: source.id })
      .execute();
    return source.id;
  }
}

/** Deterministic: replaying a change never stores a second event. */
function messageIdOf(c: MembershipChange): string {
  return c.entered
    ? `enter-${c.audienceId}-${c.profileId}-${c.at}`
    : exitMessageId(c.audienceId, c.profileId, c.at);
}

function exitMessageId(audienceId: string, profileId: string, at: string): string {
  return `exit-${audienceId}-${profileId}-${at}`;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item)) ?? [];
    groups.set(keyOf(item), group);
    group.push(item);
  }
  return groups;
}
