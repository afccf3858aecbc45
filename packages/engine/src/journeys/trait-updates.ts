import type { Kysely } from 'kysely';
import { normalizeCall } from '../collect/index.js';
import type { CrmEvents } from '../crm/index.js';
import { callIdentifierFields, type IdentityService } from '../identity/index.js';
import { type AcceptedCall, appendWithin } from '../log/index.js';
import type { Database } from '../store/index.js';
import { addTo } from './journey-writes.js';

/** A trait a journey sets on a person. */
export interface TraitUpdate {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly traits: Record<string, unknown>;
  /** Stable per (run, step): a retried step stores one call. */
  readonly messageId: string;
  readonly at: string;
}

/**
 * Appends `identify` calls to the log in the caller's transaction, under the CRM's internal
 * source (as CRM changes are): unify sets the traits like any other identify.
 */
export async function appendTraitUpdates(
  db: Kysely<Database>,
  deps: { crmEvents: CrmEvents; identity: IdentityService },
  updates: readonly TraitUpdate[],
): Promise<void> {
  const byWorkspace = new Map<string, TraitUpdate[]>();
  for (const u of updates) addTo(byWorkspace, u.workspaceId, u);
  for (const [workspaceId, ofWorkspace] of byWorkspace) {
    const sourceId = await deps.crmEvents.sourceOf(db, workspaceId);
    const identities = await deps.identity.identitiesOf(
      workspaceId,
      [...new Set(ofWorkspace.map((u) => u.profileId))],
      db,
    );
    const now = Date.now();
    const scope = { shared: undefined, request: {}, received: { ms: now, iso: new Date(now).toISOString() } };
    const events: AcceptedCall[] = [];
    for (const update of ofWorkspace) {
      const who = identities.get(update.profileId)?.[0];
      if (!who) continue;
      const call = {
        type: 'identify',
        ...callIdentifierFields(who, update.profileId),
        traits: update.traits,
        timestamp: update.at,
        messageId: update.messageId,
      };
      const verdict = normalizeCall(call, scope);
      if (verdict.ok) events.push(verdict.value);
    }
    await appendWithin(db, { workspaceId, sourceId, events, rejections: [] });
  }
}
