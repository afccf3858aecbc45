// The load loop of `npm run bench:personalize`: GET /v1/personalize for random known visitors
// over keep-alive HTTP, from its own process (a small autocannon: closed loop, `connections`
// requests in flight). Runs `warmupSeconds` unmeasured, then `seconds` measured; prints one JSON
// line with latency percentiles (ms), requests per second and the non-200 count.
import http from 'node:http';

// `floor`: GET /healthz instead, the cheapest answer the server gives (what HTTP alone costs here).
const { url, publishableKey, profiles, connections, seconds, warmupSeconds, floor } = JSON.parse(
  process.argv[2],
);
const { hostname, port } = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const authorization = `Basic ${Buffer.from(`${publishableKey}:`).toString('base64')}`;
let latencies = [];
let failures = 0;
let random = 7;
const nextVisitor = () => {
  random = (random * 1103515245 + 12345) % 2147483648;
  return random % profiles;
};

function personalize() {
  const i = nextVisitor();
  // Half the visitors come by their anonymousId, half by their userId, as pages would ask.
  const query = i % 2 === 0 ? `anonymousId=anon-${i}` : `userId=user-${i}`;
  const path = floor ? '/healthz' : `/v1/personalize?${query}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request({ agent, hostname, port, path, headers: { authorization } }, (response) => {
      let size = 0;
      response.on('data', (chunk) => {
        size += chunk.length;
      });
      response.on('end', () => {
        if (response.statusCode !== 200 || (!floor && size < 20)) failures += 1;
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    request.on('error', reject);
    request.end();
  });
}

async function run(forSeconds) {
  const until = performance.now() + forSeconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) await personalize();
    }),
  );
}

await run(warmupSeconds);
const warmupRequests = latencies.length;
latencies = [];
failures = 0;
const started = performance.now();
await run(seconds);
const elapsed = (performance.now() - started) / 1000;
const sorted = Float64Array.from(latencies).sort();
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
process.stdout.write(
  `${JSON.stringify({ requests: sorted.length, warmupRequests, p50: at(0.5), p99: at(0.99), max: at(1), perSecond: sorted.length / elapsed, failures })}\n`,
);
agent.destroy();
