import { AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT } from '@tandem/contract';
import type { Collector } from '../collect/index.js';
import type { IdentityService } from '../identity/index.js';
import type { SourcesService } from '../sources/index.js';
import type { Store } from '../store/index.js';
import type { MembershipChange } from './membership-changes.js';

/**
 * Appends `Audience Entered` / `Audience Exited` track events to the log, under an internal
 * source per workspace ("Tandem audiences", created on first use), naming the profile by its
 * most trusted identifier so unify attributes the event to it. Message ids are deterministic:
 * a retry after a crash is deduplicated by the log.
 */
export class AudienceEvents {
  constructor(
    private readonly store: Store,
    private readonly deps: { collector: Collector; sources: SourcesService; identity: IdentityService },
  ) {}

  async append(changes: readonly MembershipChange[]): Promise<void> {
    const byWorkspace = new Map<string, MembershipChange[]>();
    for (const c of changes) byWorkspace.set(c.workspaceId, [...(byWorkspace.get(c.workspaceId) ?? []), c]);
    for (const [workspaceId, ofWorkspace] of byWorkspace) {
      const sourceId = await this.sourceOf(workspaceId);
      const identities = await this.deps.identity.identitiesOf(workspaceId, [
        ...new Set(ofWorkspace.map((c) => c.profileId)),
      ]);
      const calls = ofWorkspace.flatMap((c) => {
        const who = identities.get(c.profileId)?.[0];
        if (!who) return [];
        return [
          {
            type: 'track',
            event: c.entered ? AUDIENCE_ENTERED_EVENT : AUDIENCE_EXITED_EVENT,
            ...identifierFields(who, c.profileId),
            properties: { audienceId: c.audienceId, audienceName: c.audienceName, profileId: c.profileId },
            timestamp: c.at,
            messageId: `${c.entered ? 'enter' : 'exit'}-${c.audienceId}-${c.profileId}-${c.at}`,
          },
        ];
      });
      for (let start = 0; start < calls.length; start += 500) {
        await this.deps.collector.collect({
          source: { workspaceId, sourceId },
          calls: calls.slice(start, start + 500),
          request: {},
        });
      }
    }
  }

  private async sourceOf(workspaceId: string): Promise<string> {
    const row = await this.store.db
      .selectFrom('audience_settings')
      .select('source_id')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (row) return row.source_id;
    const source = await this.deps.sources.create(workspaceId, { name: 'Tandem audiences' });
    await this.store.db
      .insertInto('audience_settings')
      .values({ workspace_id: workspaceId, source_id: source.id })
      .onConflict((oc) => oc.column('workspace_id').doNothing())
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
