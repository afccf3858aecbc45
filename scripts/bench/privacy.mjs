// `npm run bench:privacy`: deleting and exporting a heavy person on embedded SQLite (a file, WAL),
// through the real server (`tandem start`: pipeline and privacy worker running).
// Setup: one person with BENCH_EVENTS events (default 100,000: an identify linking a user id, an
// email and 3 anonymous ids, then tracks under all of them), BENCH_OTHERS other people with a few
// events each, written through the engine's collector (group commits) and unified by the pipeline;
// then the server starts and BENCH_CRM CRM records about the person (half activities, half tasks)
// are created through the CRM API.
// Measures, once the pipeline has taken in the CRM writes: an export request, from POST to `done` (target < 3 s); a delete request, from POST to
// `done` (target < 5 s), while another client sends single-call batches for other people, one at
// a time, and measures each answer: p99 during the deletion (target < 50 ms).
// Settings: BENCH_EVENTS (100000), BENCH_OTHERS (2000), BENCH_CRM (1000). Not a test.
// History (2-core dev VM, defaults):
// - 2026-12-04 21:03 / 21:12, load 15 / 11 (other work running): delete 13.9 / 7.2 s, ingestion
//   p99 during it 318 / 439 ms (floor 105 ms), export 6.3 / 3.8 s: the machine, not the server.
// - 21:54, quiet (load 1.5): delete 2.64 s, export 1.37 s, ingestion p99 during the deletion
//   108 ms (floor 11 ms): the WAL truncation after the deletion ran on the event loop's
//   connection and blocked writers while it copied ~100,000 erased rows' pages.
// - 22:05, quiet (load 1.7), truncation moved to the WAL checkpointer's thread (a passive copy
//   first, then TRUNCATE holding the write turn): delete 2.17 s, export 1.31 s, ingestion p99
//   during the deletion 27.6 ms (floor 7.8 ms). All three targets met.
// - 22:28, quiet (load 1.3–2.9), same code: the p99 during the deletion 62–85 ms over three runs:
//   reading the person's 101,000 event seqs in one statement held the event loop ~50 ms.
// - 22:32, quiet (load ~2), seqs read in pages of 5,000 and erased 250 rows a statement (was 500):
//   delete 3.36 / 3.71 s, ingestion p99 during it 38.1 / 43.8 ms (floor 10.6 / 9.2 ms), export
//   1.47 / 1.80 s. All three targets met.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, fmt, printTable, root, startServer } from './bench-support.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const OTHERS = Number(process.env.BENCH_OTHERS ?? 2000);
const CRM = Number(process.env.BENCH_CRM ?? 1000);
const TOKEN = 'tdm_bench_privacy_owner_token_0123456789';
const WRITE_KEY = 'wk_bench_privacy_write_key';
const TARGETS = { deleteS: 5, exportS: 3, ingestP99: 50 };
const PERSON = { userId: 'bench-person-1', email: 'bench.person@example.com' };

await ensureBuilt();
const { Engine, bootstrapIfEmpty } = await import(`${root}packages/engine/dist/index.js`);
const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-privacy-'));
console.log(
  `Tandem privacy benchmark — a person with ${fmt(EVENTS)} events and ${fmt(CRM)} CRM records, ${fmt(OTHERS)} other people, Node ${process.version}`,
);
const keepAlive = setInterval(() => {}, 1000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const p = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
};

let server;
try {
  const engine = await Engine.open({ dataDir });
  await bootstrapIfEmpty(engine.store, engine, {
    adminEmail: 'bench@example.com',
    adminPassword: 'bench password 1',
    adminToken: TOKEN,
    writeKey: WRITE_KEY,
  });
  const source = await engine.store.db
    .selectFrom('sources')
    .select(['workspace_id', 'source_id'])
    .executeTakeFirstOrThrow();
  const ref = { workspaceId: source.workspace_id, sourceId: source.source_id };
  const anonymousIds = ['bench-anon-a', 'bench-anon-b', 'bench-anon-c'];
  let written = performance.now();
  const collect = (calls) => engine.collector.collect({ source: ref, calls, request: {} });
  await collect(
    anonymousIds.map((anonymousId) => ({
      type: 'identify',
      userId: PERSON.userId,
      anonymousId,
      traits: { email: PERSON.email, name: 'Bench Person' },
    })),
  );
  for (let i = anonymousIds.length; i < EVENTS; i += 500) {
    const calls = [];
    for (let j = i; j < Math.min(EVENTS, i + 500); j++)
      calls.push({
        type: 'track',
        ...(j % 2 === 0 ? { userId: PERSON.userId } : { anonymousId: anonymousIds[j % 3] }),
        event: `Viewed Page ${j % 20}`,
        properties: { path: `/page/${j % 200}` },
      });
    await collect(calls);
  }
  for (let i = 0; i < OTHERS; i += 500) {
    const calls = [];
    for (let j = i; j < Math.min(OTHERS, i + 500); j++) {
      calls.push({ type: 'identify', userId: `other-${j}`, traits: { email: `other-${j}@example.com` } });
      calls.push({ type: 'track', userId: `other-${j}`, event: 'Signed In' });
    }
    await collect(calls);
  }
  await engine.pipeline.catchUp(900_000);
  const profileId = (await engine.profiles.lookup(ref.workspaceId, 'user_id', PERSON.userId)).id;
  console.log(
    `events written and unified in ${fmt((performance.now() - written) / 1000, 1)} s (not part of the figures)`,
  );
  engine.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await engine.close();

  server = await startServer({ TANDEM_DATA_DIR: dataDir });
  const admin = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const api = async (method, path, body) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: admin,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  written = performance.now();
  for (let i = 0; i < CRM; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, CRM - i) }, (_, k) =>
        (i + k) % 2 === 0
          ? api('POST', '/api/v1/activities', {
              kind: 'note',
              profileId,
              body: `Note ${i + k} about the call`,
            })
          : api('POST', '/api/v1/tasks', {
              title: `Follow up ${i + k}`,
              dueAt: '2030-01-01T00:00:00Z',
              profileId,
            }),
      ),
    );
  }
  console.log(`${fmt(CRM)} CRM records created in ${fmt((performance.now() - written) / 1000, 1)} s`);

  /** Seconds from the request to its `done`, and its report. */
  const timed = async (type, identifier) => {
    const started = performance.now();
    const { id } = await api('POST', '/api/v1/privacy/requests', { type, identifier });
    for (;;) {
      const request = await api('GET', `/api/v1/privacy/requests/${id}`);
      if (request.status === 'done' || request.status === 'failed')
        return { seconds: (performance.now() - started) / 1000, request };
      await sleep(20);
    }
  };
  // The pipeline first takes in what the CRM writes appended (a request waits for it): not timed.
  const idleFrom = performance.now();
  while ((await api('GET', '/api/v1/pipeline')).stages.some((stage) => stage.lagEvents > 0)) await sleep(100);
  console.log(
    `pipeline caught up in ${fmt((performance.now() - idleFrom) / 1000, 1)} s (not part of the figures)`,
  );
  const exported = await timed('export', { type: 'email', value: PERSON.email });
  console.log(`export: ${JSON.stringify(exported.request.report.domains)}`);

  // Another client ingests for other people throughout the deletion, one call at a time.
  const latencies = [];
  let ingesting = true;
  const tracking = {
    authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
    'content-type': 'application/json',
  };
  const ingest = (async () => {
    for (let n = 0; ingesting; n++) {
      const started = performance.now();
      const response = await fetch(`${server.url}/v1/batch`, {
        method: 'POST',
        headers: tracking,
        body: JSON.stringify({ batch: [{ type: 'track', userId: `other-${n % OTHERS}`, event: 'Clicked' }] }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
      latencies.push(performance.now() - started);
    }
  })();
  // What single calls cost on this machine now, with no deletion running: the floor.
  await sleep(2000);
  const baseline = latencies.splice(0);
  const deleted = await timed('delete', { type: 'user_id', value: PERSON.userId });
  ingesting = false;
  await ingest;
  console.log(`delete: ${JSON.stringify(deleted.request.report.domains)}`);
  const met = (value, target) => (value < target ? 'met' : 'MISSED');
  printTable('Privacy requests (embedded SQLite, through the server)', [
    ['', 'measured', 'target', ''],
    [
      'delete a person (POST → done)',
      `${fmt(deleted.seconds, 2)} s`,
      `< ${TARGETS.deleteS} s`,
      met(deleted.seconds, TARGETS.deleteS),
    ],
    [
      `ingestion p99 during it (${fmt(latencies.length)} calls, p50 ${fmt(p(latencies, 0.5), 1)} ms)`,
      `${fmt(p(latencies, 0.99), 1)} ms`,
      `< ${TARGETS.ingestP99} ms`,
      met(p(latencies, 0.99), TARGETS.ingestP99),
    ],
    [
      `ingestion p99 before it: the floor (${fmt(baseline.length)} calls, p50 ${fmt(p(baseline, 0.5), 1)} ms)`,
      `${fmt(p(baseline, 0.99), 1)} ms`,
      '',
      '',
    ],
    [
      'export a person (POST → done)',
      `${fmt(exported.seconds, 2)} s`,
      `< ${TARGETS.exportS} s`,
      met(exported.seconds, TARGETS.exportS),
    ],
    ['machine load (1 min)', fmt(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]), 1), '', ''],
  ]);
} finally {
  clearInterval(keepAlive);
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
