// `npm run bench:unify`: the unify pipeline (identity + traits) at scale on embedded SQLite.
// BENCH_PROFILES (default 1,000,000) people, two events each, are bulk-written to the log; a real
// `tandem start` then consumes it (throughput, RSS), serves lookups over HTTP to a load loop in
// another process (p99), and a merge of two 1,000-event profiles is timed. Not a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, fmt, printTable, root, sampleRss, startServer } from './bench-support.mjs';

const PROFILES = Number(process.env.BENCH_PROFILES ?? 1_000_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1);
const ADMIN_TOKEN = 'tdm_bench_unify_owner_token_0';
const WRITE_KEY = 'wk_bench_unify_key';

await ensureBuilt();
const { Engine, bootstrapIfEmpty } = await import(`${root}packages/engine/dist/index.js`);
const dataDir = mkdtempSync(join(tmpdir(), 'tandem-unify-'));
console.log(
  `Tandem unify benchmark — ${fmt(PROFILES)} profiles, Node ${process.version}, data in ${dataDir}`,
);

try {
  const { workspaceId, sourceId, events, seconds } = await writeLog();
  console.log(`log written: ${fmt(events)} events in ${fmt(seconds, 1)} s (bulk, not part of the figures)`);

  // The server consumes the log from the moment it listens, so the clock starts before the spawn
  // (boot time included: a conservative figure).
  const spawned = performance.now();
  const server = await startServer({
    TANDEM_DATA_DIR: dataDir,
    TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
    TANDEM_WRITE_KEY: WRITE_KEY,
  });
  const rss = sampleRss(server.pid);
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  // The server starts consuming as soon as it listens: measure from the first status seen.
  const pipelineStatus = async () => {
    const response = await fetch(`${server.url}/api/v1/pipeline`, { headers: auth });
    const body = await response.json();
    if (!response.ok) throw new Error(`pipeline status: ${response.status} ${JSON.stringify(body)}`);
    return body.stages[0];
  };
  let status = await pipelineStatus();
  while (status.lagEvents > 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = await pipelineStatus();
  }
  const pipelineSeconds = (performance.now() - spawned) / 1000;
  const throughput = events / pipelineSeconds;

  const check = await fetch(`${server.url}/api/v1/profiles/lookup?type=user_id&value=user-1`, {
    headers: auth,
  });
  if (check.status !== 200) throw new Error(`lookup failed: ${check.status} ${await check.text()}`);
  const lookups = await runLookups(server.url, auth);
  await server.stop();
  rss.stop();

  const mergeMs = await timeMerge(workspaceId, sourceId);
  printTable('Results', [
    ['measure', 'value', 'target', 'ok'],
    ['pipeline throughput (events/s)', fmt(throughput), '>= 20,000', throughput >= 20_000 ? 'yes' : 'NO'],
    ['  events, seconds (with server boot)', `${fmt(events)} in ${fmt(pipelineSeconds, 1)} s`, '', ''],
    ['lookup by identifier p50 (ms, HTTP)', fmt(lookups.p50, 2), '', ''],
    ['lookup by identifier p99 (ms, HTTP)', fmt(lookups.p99, 2), '< 5', lookups.p99 < 5 ? 'yes' : 'NO'],
    [`  lookups/s (${CONNECTIONS} connection(s))`, fmt(lookups.perSecond), '', ''],
    ['merge of 2 x 1,000-event profiles (ms)', fmt(mergeMs, 1), '< 50', mergeMs < 50 ? 'yes' : 'NO'],
    ['server peak RSS (MB)', fmt(rss.max()), '< 1,536', rss.max() < 1536 ? 'yes' : 'NO'],
  ]);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

/** Bootstraps the store and bulk-writes the log: per person a page view, then an identify. */
async function writeLog() {
  const engine = await Engine.open({ dataDir });
  const boot = await bootstrapIfEmpty(engine.store, engine, {
    adminEmail: 'bench@example.com',
    adminPassword: 'bench password 1',
    adminToken: ADMIN_TOKEN,
    writeKey: WRITE_KEY,
  });
  const { workspaceId, sourceId } = boot;
  const started = performance.now();
  const insert = engine.store.sqlite.prepare(
    `INSERT INTO events (workspace_id, event_id, source_id, message_id, type, event, user_id, anonymous_id,
       timestamp, original_timestamp, sent_at, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
  );
  const base = Date.parse('2024-01-01T00:00:00.000Z');
  const writeChunk = engine.store.sqlite.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const at = new Date(base + i * 1000).toISOString();
      const anonymousId = `anon-${i}`;
      const page = {
        type: 'page',
        anonymousId,
        name: 'Pricing',
        properties: { path: '/pricing' },
        timestamp: at,
        receivedAt: at,
        context: { ip: '198.51.100.7' },
      };
      const userId = `user-${i}`;
      const traits = {
        email: `person${i}@example.com`,
        name: `Person ${i}`,
        plan: i % 3 === 0 ? 'pro' : 'free',
      };
      const identify = {
        type: 'identify',
        userId,
        anonymousId,
        traits,
        timestamp: at,
        receivedAt: at,
        context: {},
      };
      const id = String(i).padStart(12, '0');
      insert.run(
        workspaceId,
        `evt_p${id}`,
        sourceId,
        `p${i}`,
        'page',
        null,
        null,
        anonymousId,
        at,
        at,
        JSON.stringify({ ...page, messageId: `p${i}` }),
      );
      insert.run(
        workspaceId,
        `evt_i${id}`,
        sourceId,
        `i${i}`,
        'identify',
        null,
        userId,
        anonymousId,
        at,
        at,
        JSON.stringify({ ...identify, messageId: `i${i}` }),
      );
    }
  });
  for (let from = 0; from < PROFILES; from += 50_000) writeChunk(from, Math.min(PROFILES, from + 50_000));
  const seconds = (performance.now() - started) / 1000;
  await engine.close();
  return { workspaceId, sourceId, events: PROFILES * 2, seconds };
}

/** Lookups by user id from another process over keep-alive HTTP. */
async function runLookups(url, headers) {
  const { execFile } = await import('node:child_process');
  const options = JSON.stringify({
    url,
    headers,
    count: LOOKUPS,
    profiles: PROFILES,
    connections: CONNECTIONS,
  });
  const output = await new Promise((resolve, reject) =>
    execFile(process.execPath, [`${root}scripts/bench/lookup-load.mjs`, options], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  return JSON.parse(output.trim().split('\n').at(-1));
}

/** Two profiles of 1,000 events each, then one identify linking them: the batch that merges them. */
async function timeMerge(workspaceId, sourceId) {
  const engine = await Engine.open({ dataDir });
  const source = { workspaceId, sourceId };
  const calls = (anonymousId) =>
    Array.from({ length: 1000 }, (_, i) => ({
      type: 'track',
      anonymousId,
      event: 'Viewed',
      messageId: `${anonymousId}-${i}`,
    }));
  await engine.collector.collect({ source, calls: calls('merge-a'), request: {} });
  await engine.collector.collect({ source, calls: calls('merge-b'), request: {} });
  await engine.pipeline.catchUp();
  await engine.collector.collect({
    source,
    calls: [
      {
        type: 'identify',
        anonymousId: 'merge-b',
        userId: 'merge-user',
        traits: {},
        context: { device: { id: 'x' } },
      },
    ],
    request: {},
  });
  await engine.collector.collect({
    source,
    calls: [{ type: 'alias', userId: 'merge-user', previousId: 'merge-a' }],
    request: {},
  });
  const started = performance.now();
  await engine.pipeline.catchUp();
  const ms = performance.now() - started;
  const profile = await engine.profiles.lookup(workspaceId, 'anonymous_id', 'merge-a');
  const timeline = await engine.profiles.timeline(workspaceId, profile.id, { limit: 1000 });
  const merged = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'merge-b')).id === profile.id;
  await engine.close();
  if (!merged || timeline.data.length !== 1000) throw new Error('the merge did not happen');
  return ms;
}
