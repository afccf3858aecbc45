import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import { type Database, nowIso } from '../store/index.js';
import { deliveryIdOf, profileSections } from './delivery-bodies.js';

/** One delivery a caller asks for directly (a journey's send_webhook step), not from a subscription. */
export interface DirectDelivery {
  readonly workspaceId: string;
  readonly destinationId: string;
  readonly profileId: string;
  /** The body's `type` (`journey.step`). */
  readonly type: string;
  /** Stable per cause (`journey:<run>:<step>`): asked again, it is the same delivery. */
  readonly cause: string;
  /** What the body carries beside `type`, `profile`, `occurredAt` and `deliveryId`. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly occurredAt: string;
}

/** Subscription index of direct deliveries in their id (subscriptions use 0–63). */
const DIRECT = 64;

/**
 * Writes outbox rows for deliveries asked for directly, in the caller's transaction, with the
 * same row shape as the delivery stage's (so the dispatcher sends, retries and logs them alike).
 * Answers the destinations written to: the caller wakes the dispatcher for them once committed.
 */
export async function queueDirectDelivery(
  db: Kysely<Database>,
  deliveries: readonly DirectDelivery[],
  clock: () => number = Date.now,
): Promise<{ workspaceId: string; destinationId: string }[]> {
  if (deliveries.length === 0) return [];
  const createdAt = nowIso(clock);
  const ord = clock() * 64;
  const written = new Map<string, { workspaceId: string; destinationId: string }>();
  const byWorkspace = new Map<string, DirectDelivery[]>();
  for (const d of deliveries) {
    const list = byWorkspace.get(d.workspaceId);
    if (list) list.push(d);
    else byWorkspace.set(d.workspaceId, [d]);
  }
  for (const [workspaceId, ofWorkspace] of byWorkspace) {
    const sections = await profileSections(db, workspaceId, [
      ...new Set(ofWorkspace.map((d) => d.profileId)),
    ]);
    const rows = ofWorkspace.map((d) => {
      const deliveryId = deliveryIdOf(d.destinationId, d.cause, DIRECT);
      const profile = sections.get(d.profileId) ?? { id: d.profileId, traits: {}, identities: [] };
      written.set(`${workspaceId}/${d.destinationId}`, { workspaceId, destinationId: d.destinationId });
      return {
        workspace_id: workspaceId,
        delivery_id: deliveryId,
        destination_id: d.destinationId,
        profile_id: d.profileId,
        type: d.type,
        ord,
        body: JSON.stringify({ ...d.payload, type: d.type, profile, occurredAt: d.occurredAt, deliveryId }),
        mapping: null,
        status: 'pending',
        attempts: 0,
        last_error: null,
        last_status: null,
        latency_ms: null,
        occurred_at: d.occurredAt,
        created_at: createdAt,
        next_attempt_at: createdAt,
        delivered_at: null,
        lease_until: null,
      };
    });
    for (const chunk of chunksOf(rows, 200)) {
      await db
        .insertInto('deliveries')
        .values(chunk)
        .onConflict((oc) => oc.columns(['workspace_id', 'delivery_id']).doNothing())
        .execute();
    }
  }
  return [...written.values()];
}
