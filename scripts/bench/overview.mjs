// `npm run bench:overview`: the home dashboard's read (`GET /api/v1/overview`, the engine call
// behind it) on a large embedded store: BENCH_EVENTS events (default 10,000,000) of BENCH_PEOPLE
// people (default 1,000,000) over the last 30 days, in one workspace. Not a test.
//
// The store is filled with SQL straight into the log and the projections the pipeline would have
// built (events, profile_events, profiles), which is minutes instead of hours through the API.
// It times the row-store source of days' activity (TANDEM_ANALYTICS_COPY=off); with the analytics
// copy on (the default) the days come from three grouped scans of the copy instead.
// BENCH_STORE_DIR keeps the store between runs (filled once). Prints the first answer on a cold
// cache and the time until every day is counted, cached answers, and answers once entries expire.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ensureBuilt, fmt, printTable, root } from './bench-support.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1_000_000);
const NAMES = ['Page Viewed', 'Product Viewed', 'Added to Cart', 'Order Completed', 'Signed Up', 'Searched'];
const DAY_MS = 86_400_000;

await ensureBuilt();
const { Engine, createWorkspace } = await import(`${root}packages/engine/dist/index.js`);
const keep = process.env.BENCH_STORE_DIR;
const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'tandem-bench-overview-'));
mkdirSync(dataDir, { recursive: true });
const fresh = !existsSync(join(dataDir, 'tandem.db'));

let now = Date.now();
// The store is filled behind the pipeline's back, so the analytics copy (the default source of
// days' activity) would be empty: this measures the row-store source, as with TANDEM_ANALYTICS_COPY=off.
const engine = await Engine.open({
  dataDir,
  segment: { clock: () => now },
  pipeline: { analytics: { enabled: false } },
});
let workspaceId;
if (fresh) {
  workspaceId = (await createWorkspace(engine.store, 'bench')).id;
  const source = await engine.sources.create(workspaceId, { name: 'web' });
  const started = performance.now();
  fill(engine.store, { workspaceId, sourceId: source.id });
  console.log(
    `filled ${fmt(EVENTS)} events of ${fmt(PEOPLE)} people in ${fmt((performance.now() - started) / 1000, 1)} s`,
  );
} else {
  workspaceId = (
    await engine.store.db.selectFrom('workspaces').select('workspace_id').executeTakeFirstOrThrow()
  ).workspace_id;
}

const timed = async () => {
  const started = performance.now();
  const overview = await engine.overview.overview(workspaceId, { days: 30 });
  return { ms: performance.now() - started, overview };
};
/** Requests every 200 ms until every day is counted: the first answer's time and the total. */
const untilComplete = async () => {
  const started = performance.now();
  const first = await timed();
  let last = first;
  while (!last.overview.complete) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await timed();
  }
  return { first, totalMs: performance.now() - started, overview: last.overview };
};
// Counting shares the main thread with HTTP and ingestion: its longest stall matters too.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cold = await untilComplete();
loopDelay.disable();
const warm = [];
for (let i = 0; i < 20; i += 1) warm.push((await timed()).ms);
warm.sort((a, b) => a - b);
/** A request once entries expired (it answers with their last figures), then the recount's end. */
const expiredBy = async (ms) => {
  now += ms;
  const answer = await timed();
  const started = performance.now();
  await engine.overview.settled(workspaceId);
  return { answerMs: answer.ms, recountMs: answer.ms + performance.now() - started };
};
const todayAgain = await expiredBy(20_000);
const hourAgain = await expiredBy(61 * 60_000);
await engine.close();
if (!keep) rmSync(dataDir, { recursive: true, force: true });

printTable(`overview of ${fmt(cold.overview.totals.events)} events in the last 30 days`, [
  ['request', 'ms', 'days counted'],
  [
    'cold: first answer',
    fmt(cold.first.ms),
    `${cold.first.overview.days.filter((d) => d.counted).length} / 30`,
  ],
  ['cold: until all days are counted', fmt(cold.totalMs), '30 / 30'],
  ['longest event-loop stall while counting', fmt(loopDelay.max / 1e6), ''],
  ['warm p50 (all days cached)', fmt(warm[10] ?? 0, 1), '30 / 30'],
  ['warm max of 20', fmt(warm.at(-1) ?? 0, 1), '30 / 30'],
  ['today expired (15 s): answer', fmt(todayAgain.answerMs, 1), 'last figures'],
  ['today expired: recount done', fmt(todayAgain.recountMs), '1 day'],
  ['an hour later: answer', fmt(hourAgain.answerMs, 1), 'last figures'],
  ['an hour later: recount done', fmt(hourAgain.recountMs), '30 days'],
]);

/** Events spread evenly over the last 30 days (today up to now), people round robin. */
function fill(store, { workspaceId, sourceId }) {
  const raw = store.raw ?? store.sqlite;
  if (!raw) throw new Error('bench:overview needs the embedded (SQLite) store');
  const end = now;
  const start = Date.parse(new Date(now).toISOString().slice(0, 10)) - 29 * DAY_MS;
  const step = (end - start) / EVENTS;
  const names = NAMES.map((name) => `'${name}'`).join(',');
  raw.exec('BEGIN');
  raw
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO profiles (workspace_id, profile_id, merged_into, event_count, created_at, updated_at)
       SELECT ?, 'prof_' || i, NULL, 0, strftime('%Y-%m-%dT%H:%M:%fZ', (? + i * ?) / 1000.0, 'unixepoch'),
              strftime('%Y-%m-%dT%H:%M:%fZ', ? / 1000.0, 'unixepoch') FROM n`,
    )
    .run(PEOPLE - 1, workspaceId, start, (end - start) / PEOPLE, end);
  raw
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO events (seq, workspace_id, event_id, source_id, message_id, type, event, user_id, anonymous_id,
                           timestamp, original_timestamp, sent_at, received_at, payload)
       SELECT i, ?, 'evt_' || i, ?, 'm' || i, 'track', json_extract(json_array(${names}), '$[' || (i % ${NAMES.length}) || ']'),
              'u' || (i % ?), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', (? + i * ?) / 1000.0, 'unixepoch'), NULL, NULL,
              strftime('%Y-%m-%dT%H:%M:%fZ', (? + i * ?) / 1000.0, 'unixepoch'), '{}' FROM n`,
    )
    .run(EVENTS, workspaceId, sourceId, PEOPLE, start, step, start, step);
  raw.exec(`INSERT INTO profile_events (seq, workspace_id, profile_id, timestamp, event)
            SELECT seq, workspace_id, 'prof_' || substr(user_id, 2), timestamp, event FROM events
            WHERE workspace_id = '${workspaceId}'`);
  raw.exec('COMMIT');
  raw.exec('ANALYZE');
}
