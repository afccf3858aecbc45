// The Tracking API bodies of `npm run bench:ingest`, shared by the load generator (which posts
// them) and the ceiling (which stores the events Tandem makes of them, without HTTP).

/** The events of a shop, as `bench:e2e` sends them (each with properties computed traits read). */
export const SHOP_EVENTS = [
  { event: 'Product Viewed', properties: { sku: 'SKU-42', price: 42.99, currency: 'EUR' } },
  { event: 'Product Added', properties: { sku: 'SKU-42', price: 42.99, quantity: 2 } },
  { event: 'Checkout Started', properties: { total: 85.98, currency: 'EUR' } },
  { event: 'Order Completed', properties: { total: 85.98, currency: 'EUR', items: 2 } },
  { event: 'Search Performed', properties: { query: 'shoes', results: 12 } },
];

/**
 * Makes bodies with fresh messageIds (`runId`-n), spliced from pre-serialized pieces: the generator
 * shares the machine with the server, so every microsecond it spends is one the server does not get.
 * `events` (default: one, Product Viewed) are sent in turn, by `users` people (default 50,000).
 */
export function trackingBodies(runId, batchSize, { events = SHOP_EVENTS.slice(0, 1), users = 50_000 } = {}) {
  let counter = 0;
  const pieces = events.map(({ event, properties }) =>
    JSON.stringify({
      type: 'track',
      userId: '\u0000',
      event,
      messageId: '\u0000',
      properties,
      context: {
        page: { url: 'https://shop.example/p?utm_source=bench&utm_medium=load' },
        ip: '198.51.100.7',
      },
    }).split('\\u0000'),
  );
  const call = () => {
    counter += 1;
    const [head, middle, tail] = pieces[counter % pieces.length];
    return `${head}user-${counter % users}${middle}${runId}-${counter}${tail}`;
  };
  return {
    /** One call, as posted to /v1/track. */
    single: call,
    /** `batchSize` calls, as posted to /v1/batch. */
    batch() {
      const calls = new Array(batchSize);
      for (let i = 0; i < batchSize; i++) calls[i] = call();
      return `{"sentAt":"${new Date().toISOString()}","batch":[${calls.join(',')}]}`;
    },
  };
}
