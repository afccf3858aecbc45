// The load loop of `npm run bench:unify`: profile lookups by identifier over keep-alive HTTP,
// from its own process; prints one JSON line with latency percentiles (ms).
import http from 'node:http';

const { url, headers, count, profiles, connections } = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const latencies = [];

function lookup(i) {
  const path = `/api/v1/profiles/lookup?type=user_id&value=user-${(i * 7919) % profiles}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(`${url}${path}`, { agent, headers }, (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
          latencies.push(performance.now() - started);
          resolve();
        });
      })
      .on('error', reject);
  });
}

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (next < count) await lookup(next++);
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
process.stdout.write(`${JSON.stringify({ p50: at(0.5), p99: at(0.99), perSecond: count / seconds })}\n`);
agent.destroy();
