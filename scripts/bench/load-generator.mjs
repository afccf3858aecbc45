// The load generator of `npm run bench:ingest`: runs in its own process, drives the Tracking API
// with autocannon and prints one JSON line of results. Every request carries fresh messageIds,
// so deduplication never turns the load into no-ops.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const { url, writeKey, mode, connections, durationSec, overallRate, batchSize = 100 } = options;
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
let counter = 0;
const runId = `${process.pid}-${Date.now().toString(36)}`;

function call() {
  counter += 1;
  return {
    type: 'track',
    userId: `user-${counter % 50_000}`,
    event: 'Product Viewed',
    messageId: `${runId}-${counter}`,
    timestamp: new Date().toISOString(),
    properties: { sku: `SKU-${counter % 977}`, price: (counter % 100) + 0.99, currency: 'EUR' },
    context: { page: { url: 'https://shop.example/p?utm_source=bench&utm_medium=load' }, ip: '198.51.100.7' },
  };
}

const result = await autocannon({
  url: `${url}${mode === 'batch' ? '/v1/batch' : '/v1/track'}`,
  method: 'POST',
  connections,
  duration: durationSec,
  ...(overallRate ? { overallRate } : {}),
  headers: { authorization: auth, 'content-type': 'application/json' },
  requests: [
    {
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify(
          mode === 'batch'
            ? { batch: Array.from({ length: batchSize }, call), sentAt: new Date().toISOString() }
            : call(),
        ),
      }),
    },
  ],
});

const ok = result['2xx'];
const seconds = result.duration;
process.stdout.write(
  `${JSON.stringify({
    requestsPerSec: ok / seconds,
    eventsPerSec: (ok * (mode === 'batch' ? batchSize : 1)) / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
