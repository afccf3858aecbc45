// `npm run bench:admin`: latency of the admin API under concurrent readers, as a user runs it
// (`tandem start`, pipeline on, a workspace with people, events, audiences and computed traits),
// every request authenticated by an API token acting for a user. Not a test.
//
// BENCH_BASELINE_ROOT=<another checkout, built> runs the same load against that release too,
// in alternating rounds (this machine's speed drifts within minutes), and prints both: the
// issue's bound is that access checks add at most 5 % to the admin API's p99.
// BENCH_SECONDS (default 10) is the measured time per round, BENCH_ROUNDS (default 3) the rounds,
// BENCH_PEOPLE (default 20,000) the people tracked before measuring, BENCH_CONNECTIONS (default 16)
// the concurrent readers (1 shows each route's own time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, fmt, printTable, root, startServer } from './bench-support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const TOKEN = 'tdm_bench_admin_owner_token_0123456789';
const WRITE_KEY = 'wk_bench_admin_key';
const baselineRoot = process.env.BENCH_BASELINE_ROOT
  ? `${new URL(process.env.BENCH_BASELINE_ROOT, `file://${process.cwd()}/`).pathname.replace(/\/?$/, '/')}`
  : undefined;

await ensureBuilt();
console.log(
  `Tandem admin API benchmark — ${ROUNDS} rounds of ${SECONDS}s, ${CONNECTIONS} connections, ${fmt(PEOPLE)} people, Node ${process.version}`,
);

const targets = [{ name: 'this checkout', root }];
if (baselineRoot) targets.push({ name: 'baseline', root: baselineRoot });
const servers = [];
for (const target of targets) servers.push({ ...target, ...(await prepare(target.root)) });

const latencies = new Map(servers.map((server) => [server.name, []]));
// Per route pattern, per server: where a difference comes from.
const byRoute = new Map();
const counts = new Map(servers.map((server) => [server.name, { ok: 0, failed: 0, seconds: 0 }]));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const server of servers) {
    const result = await load(server);
    latencies.get(server.name).push(...result.latencies);
    for (const [route, values] of result.byRoute) {
      const key = `${route}|${server.name}`;
      byRoute.set(key, [...(byRoute.get(key) ?? []), ...values]);
    }
    const count = counts.get(server.name);
    count.ok += result.ok;
    count.failed += result.failed;
    count.seconds += result.seconds;
  }
}
for (const server of servers) {
  await server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
}

const rows = [['', 'requests/s', 'p50 (ms)', 'p99 (ms)']];
const p99 = new Map();
for (const server of servers) {
  const sorted = latencies.get(server.name).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const count = counts.get(server.name);
  p99.set(server.name, at(0.99));
  rows.push([server.name, fmt(count.ok / count.seconds), fmt(at(0.5), 1), fmt(at(0.99), 1)]);
  if (count.failed > 0) console.log(`${server.name}: ${count.failed} requests failed`);
}
printTable('Admin API reads (sources, people, timelines, audiences, members, tokens)', rows);
const routeRows = [['route', ...servers.map((server) => `${server.name} p50 / p99 (ms)`)]];
for (const route of new Set([...byRoute.keys()].map((key) => key.split('|')[0]))) {
  routeRows.push([
    route,
    ...servers.map((server) => {
      const sorted = (byRoute.get(`${route}|${server.name}`) ?? []).sort((a, b) => a - b);
      const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return `${fmt(at(0.5), 1)} / ${fmt(at(0.99), 1)}`;
    }),
  ]);
}
printTable('By route', routeRows);
if (baselineRoot) {
  const added = (p99.get('this checkout') / p99.get('baseline') - 1) * 100;
  console.log(`\np99 added over the baseline: ${fmt(added, 1)} %   (target: <= 5 %)`);
}

/** Starts a server of a checkout and fills its workspace; answers what the load needs. */
async function prepare(checkoutRoot) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-admin-'));
  const server = await startServer(
    {
      TANDEM_DATA_DIR: dataDir,
      TANDEM_ADMIN_TOKEN: TOKEN,
      TANDEM_WRITE_KEY: WRITE_KEY,
      TANDEM_ADMIN_PASSWORD: 'bench owner lantern 42',
    },
    { root: checkoutRoot },
  );
  const owner = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const post = async (path, body, headers = owner) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  for (const [i, name] of ['orders', 'views', 'revenue'].entries()) {
    await post('/api/v1/computed-traits', {
      name,
      kind: i === 2 ? 'sum' : 'count',
      event: i === 1 ? 'Product Viewed' : 'Order Completed',
      ...(i === 2 ? { property: 'total' } : {}),
      within: '30d',
    });
  }
  await post('/api/v1/audiences', { name: 'Pro', rule: { trait: 'plan', op: 'eq', value: 'pro' } });
  await post('/api/v1/audiences', {
    name: 'Buyers',
    rule: { event: 'Order Completed', count: { op: 'gte', value: 2 }, within: '30d' },
  });
  await post('/api/v1/audiences', { name: 'Engaged', rule: { computedTrait: 'views', op: 'gt', value: 3 } });
  // The load's token acts for the owner: its role is checked against the owner's membership.
  const token = (await post('/api/v1/tokens', { name: 'bench reader', role: 'admin' })).token;

  const writeKey = {
    authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
    'content-type': 'application/json',
  };
  const now = Date.now();
  for (let first = 0; first < PEOPLE; first += 100) {
    const batch = [];
    for (let i = first; i < Math.min(PEOPLE, first + 100); i += 1) {
      const userId = `person-${i}`;
      const timestamp = new Date(now - (i % 1000) * 60_000).toISOString();
      batch.push({
        type: 'identify',
        userId,
        traits: { email: `${userId}@example.com`, plan: i % 3 ? 'free' : 'pro' },
        timestamp,
      });
      batch.push({
        type: 'track',
        userId,
        event: 'Product Viewed',
        properties: { sku: `sku-${i % 50}` },
        timestamp,
      });
      batch.push({
        type: 'track',
        userId,
        event: 'Order Completed',
        properties: { total: (i % 90) + 10 },
        timestamp,
      });
    }
    await post('/v1/batch', { batch }, writeKey);
  }
  const headers = { authorization: `Bearer ${token}` };
  for (;;) {
    const status = await (await fetch(`${server.url}/api/v1/pipeline`, { headers })).json();
    if (status.stages?.every((stage) => stage.lagEvents === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const page = await (await fetch(`${server.url}/api/v1/profiles?limit=200`, { headers })).json();
  const profileIds = page.data.map((profile) => profile.id);
  const audienceIds = (await (await fetch(`${server.url}/api/v1/audiences`, { headers })).json()).data.map(
    (a) => a.id,
  );
  return { ...server, dataDir, headers, profileIds, audienceIds };
}

/** `CONNECTIONS` readers in a closed loop over a mix of admin reads, for SECONDS. */
async function load(server) {
  const paths = (i) => {
    const profileId = server.profileIds[i % server.profileIds.length];
    const audienceId = server.audienceIds[i % server.audienceIds.length];
    return [
      '/api/v1/sources',
      '/api/v1/profiles?limit=50',
      `/api/v1/profiles/${profileId}`,
      `/api/v1/profiles/${profileId}/events?limit=50`,
      '/api/v1/audiences',
      `/api/v1/audiences/${audienceId}/members?limit=50`,
      '/api/v1/members',
      '/api/v1/tokens',
    ][i % 8];
  };
  const latencies = [];
  const byRoute = new Map();
  let ok = 0;
  let failed = 0;
  let sent = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const path = paths(sent++);
        const t0 = performance.now();
        const response = await fetch(`${server.url}${path}`, { headers: server.headers });
        await response.arrayBuffer();
        const took = performance.now() - t0;
        latencies.push(took);
        const route = path
          .replace(/prof_\w+/, ':id')
          .replace(/aud_\w+/, ':id')
          .split('?')[0];
        byRoute.set(route, [...(byRoute.get(route) ?? []), took]);
        if (response.ok) ok += 1;
        else failed += 1;
      }
    }),
  );
  return { latencies, byRoute, ok, failed, seconds: (performance.now() - started) / 1000 };
}
