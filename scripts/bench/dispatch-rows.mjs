// Delivery rows as the delivery stage writes them (a track event of ~0.6 kB with its profile),
// for scripts/bench/dispatch.mjs and its feeding thread.

/** Bench profiles are `prf_bench<index>`. */
export const benchProfileId = (userIndex) => `prf_bench${userIndex}`;

export function deliveryRow({ workspaceId, destinationId, deliveryId, userIndex, ord, at }) {
  const profileId = benchProfileId(userIndex);
  const body = JSON.stringify({
    type: 'event',
    event: {
      seq: ord,
      type: 'track',
      event: 'Product Viewed',
      userId: `u${userIndex}`,
      messageId: `m${ord}`,
      timestamp: at,
      receivedAt: at,
      properties: { sku: `sku-${ord % 300}`, price: 19.99, currency: 'EUR', bid: ord },
      context: { library: { name: 'analytics.js', version: '5.2.0' }, page: { path: '/p/sku' } },
    },
    profile: {
      id: profileId,
      traits: { plan: 'pro', orders_30d: 2 },
      identities: [{ type: 'userId', value: `u${userIndex}` }],
    },
    occurredAt: at,
    deliveryId,
  });
  return {
    workspace_id: workspaceId,
    delivery_id: deliveryId,
    destination_id: destinationId,
    profile_id: profileId,
    type: 'event',
    ord: ord * 64,
    body,
    mapping: null,
    status: 'pending',
    attempts: 0,
    occurred_at: at,
    created_at: at,
    next_attempt_at: at,
  };
}
