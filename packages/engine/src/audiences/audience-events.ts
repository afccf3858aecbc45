import { AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { normalizeCall } from '../collect/index.js';
import type { IdentityService } from '../identity/index.js';
import { type AcceptedCall, appendWithin } from '../log/index.js';
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
    const byWorkspace = new Map<string, MembershipChange[]>();
    for (const c of changes) {
      const ofWorkspace = byWorkspace.get(c.workspaceId) ?? [];
      byWorkspace.set(c.workspaceId, ofWorkspace);
      ofWorkspace.push(c);
    }
    for (const [workspaceId, ofWorkspace] of byWorkspace) {
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
          ...identifierFields(who, c.profileId),
          properties: { audienceId: c.audienceId, audienceName: c.audienceName, profileId: c.profileId },
          timestamp: c.at,
          messageId: `${c.entered ? 'enter' : 'exit'}-${c.audienceId}-${c.profileId}-${c.at}`,
        };
        const verdict = normalizeCall(call, scope);
        if (verdict.ok) events.push(verdict.value);
      }
      await appendWithin(db, { workspaceId, sourceId, events, rejections: [] });
    }
  }

  private async sourceOf(db: Kysely<Database>, workspaceId: string): Promise<string> {
    const row = await db
      .selectFrom('audience_settings')
      .select('source_id')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (row) return row.source_id;
    const source = await this.deps.sources.create(workspaceId, { name: 'Tandem audiences' }, db);
    await db
      .insertInto('audience_settings')
      .values({ workspace_id: workspaceId, source_id: source.id })
      .execute();
    return source.id;
  }
}

// Segment calls need a userId or anonymousId; a profile known only by email (or a device, or an
// external id) gets an anonymous id of its own, so the event can never link two people.
function identifierFields(who: { type: string; value: string }, profileId: string): Record<string, unknown> {
  const anonymousId = `tandem:${profileId}`;
  switch (who.type) {
    case 'user_id':
      return { userId: who.value };
    case 'anonymous_id':
      return { anonymousId: who.value };
    case 'email':
    case 'phone':
      return { anonymousId, context: { traits: { [who.type]: who.value } } };
    case 'device_id':
      return { anonymousId, context: { device: { id: who.value } } };
    default:
      return { anonymousId, context: { externalIds: [{ id: who.value, type: who.type }] } };
  }
}
