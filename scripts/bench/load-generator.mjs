// The load generator of `npm run bench:ingest`: runs in its own process, drives the Tracking API
// with autocannon and prints one JSON line of results. Every request carries fresh messageIds,
// so deduplication never turns the load into no-ops.
import http from 'node:http';
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const { url, writeKey, mode, connections, durationSec, overallRate, batchSize = 100 } = options;
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
let counter = 0;
const runId = `${process.pid}-${Date.now().toString(36)}`;

// Bodies are spliced from pre-serialized pieces: the generator shares the machine with the server,
// so every microsecond it spends is one the server does not get.
const [head, middle, tail] = JSON.stringify({
  type: 'track',
  userId: '\u0000',
  event: 'Product Viewed',
  messageId: '\u0000',
  properties: { sku: 'SKU-42', price: 42.99, currency: 'EUR' },
  context: { page: { url: 'https://shop.example/p?utm_source=bench&utm_medium=load' }, ip: '198.51.100.7' },
}).split('\\u0000');

function call() {
  counter += 1;
  return `${head}user-${counter % 50_000}${middle}${runId}-${counter}${tail}`;
}

function body() {
  if (mode !== 'batch') return call();
  const calls = new Array(batchSize);
  for (let i = 0; i < batchSize; i++) calls[i] = call();
  return `{"sentAt":"${new Date().toISOString()}","batch":[${calls.join(',')}]}`;
}

const path = mode === 'batch' ? '/v1/batch' : '/v1/track';
const perRequest = mode === 'batch' ? batchSize : 1;
const summary = overallRate ? await paced() : await closedLoop();
process.stdout.write(`${JSON.stringify(summary)}\n`);

/** As fast as it goes: `connections` clients, each sending its next request on each answer. */
async function closedLoop() {
  const result = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    connections,
    duration: durationSec,
    headers: { authorization: auth, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  const ok = result['2xx'];
  return {
    acknowledgedEvents: ok * perRequest,
    requestsPerSec: ok / result.duration,
    eventsPerSec: (ok * perRequest) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Open loop at a fixed rate, evenly spaced (not bursts at the top of each second), so latency
 * percentiles measure the server, not the generator's queue.
 */
async function paced() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(`${url}${path}`);
  const latencies = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let inFlight = 0;
  const send = () =>
    new Promise((resolve) => {
      const payload = body();
      const started = process.hrtime.bigint();
      inFlight += 1;
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: {
            authorization: auth,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            inFlight -= 1;
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            if (response.statusCode >= 200 && response.statusCode < 300) ok += 1;
            else non2xx += 1;
            resolve();
          });
        },
      );
      request.on('error', () => {
        inFlight -= 1;
        errors += 1;
        resolve();
      });
      request.end(payload);
    });
  const startedAt = performance.now();
  const pending = [];
  let sent = 0;
  while (performance.now() - startedAt < durationSec * 1000) {
    const due = Math.floor(((performance.now() - startedAt) / 1000) * overallRate);
    while (sent < due) {
      pending.push(send());
      sent += 1;
    }
    // Sleep until the next request is due: spinning on setImmediate would take a whole core from
    // the server it measures (2 cores in all), and the latencies would measure that contention.
    const nextDueMs = ((sent + 1) / overallRate) * 1000;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, nextDueMs - (performance.now() - startedAt))),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    acknowledgedEvents: ok * perRequest,
    requestsPerSec: ok / seconds,
    eventsPerSec: (ok * perRequest) / seconds,
    p50: at(0.5),
    p99: at(0.99),
    non2xx,
    errors,
    maxInFlight: inFlight,
  };
}
