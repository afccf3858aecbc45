// The Tracking API bodies of `npm run bench:ingest`, shared by the load generator (which posts
// them) and the ceiling (which stores the events Tandem makes of them, without HTTP).

/**
 * Makes bodies with fresh messageIds (`runId`-n), spliced from pre-serialized pieces: the generator
 * shares the machine with the server, so every microsecond it spends is one the server does not get.
 */
export function trackingBodies(runId, batchSize) {
  let counter = 0;
  const [head, middle, tail] = JSON.stringify({
    type: 'track',
    userId: '\u0000',
    event: 'Product Viewed',
    messageId: '\u0000',
    properties: { sku: 'SKU-42', price: 42.99, currency: 'EUR' },
    context: { page: { url: 'https://shop.example/p?utm_source=bench&utm_medium=load' }, ip: '198.51.100.7' },
  }).split('\\u0000');
  const call = () => {
    counter += 1;
    return `${head}user-${counter % 50_000}${middle}${runId}-${counter}${tail}`;
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
