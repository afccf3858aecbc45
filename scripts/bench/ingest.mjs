// `npm run bench:ingest`: Tracking API throughput and latency against a real server on loopback
// (embedded SQLite), with the ceiling measured in the same run: the same events straight into
// the store, without HTTP. Prints figures beside the targets. Not a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureBuilt,
  fmt,
  generateLoad,
  printTable,
  root,
  sampleRss,
  scrapeMetrics,
  startServer,
} from './bench-support.mjs';
import { trackingBodies } from './tracking-bodies.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const WRITE_KEY = 'wk_bench_ingest_key';

await ensureBuilt();
const { Engine, prepareRequest } = await import(`${root}packages/engine/dist/index.js`);

console.log(`Tandem ingest benchmark — ${DURATION}s per run, Node ${process.version}, ${process.arch}`);

// Ceiling: the raw rate of inserting the same events straight into the store, without HTTP and
// without Tandem's code on the way: the rows Tandem makes of the generator's calls (same columns,
// same enriched payloads, same indexes), inserted by a prepared INSERT into a migrated SQLite file,
// 100 rows per transaction like one batch request. Only ids and messageIds change from row to row.
async function measureCeiling(seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-ceiling-'));
  const engine = await Engine.open({ dataDir: dir });
  const sqlite = engine.store.sqlite;
  const insert = sqlite.prepare(
    `INSERT INTO events (workspace_id, event_id, source_id, message_id, type, event, user_id, anonymous_id,
       timestamp, original_timestamp, sent_at, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const { events } = prepareRequest({
    route: 'batch',
    body: Buffer.from(trackingBodies('ceiling', 100).batch()),
    request: { ip: '127.0.0.1' },
    receivedAtMs: Date.now(),
  });
  let counter = 0;
  const insertBatch = sqlite.transaction(() => {
    for (const e of events) {
      counter += 1;
      insert.run(
        'ws_bench',
        // As long as a real event id (a ULID).
        `evt_${counter.toString(36).padStart(26, '0')}`,
        'src_bench',
        `ceiling-${counter}`,
        e.type,
        e.event,
        // The generator's calls cycle through 50,000 users.
        `user-${counter % 50_000}`,
        e.anonymousId,
        e.timestamp,
        e.originalTimestamp,
        e.sentAt,
        e.receivedAt,
        e.payloadJson,
      );
    }
  });
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) insertBatch();
  const elapsed = (performance.now() - started) / 1000;
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  return counter / elapsed;
}

// This machine's speed drifts by tens of percent within minutes: the ceiling is measured in two
// halves, just before and just after the batch run it is compared with, and averaged.
const ceilingBefore = await measureCeiling(DURATION / 2);

const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
// An ingestion-only process (TANDEM_PIPELINE=false): this run measures collection alone; the
// pipeline's own throughput is what `npm run bench:unify` measures.
const server = await startServer({
  TANDEM_DATA_DIR: dataDir,
  TANDEM_WRITE_KEY: WRITE_KEY,
  TANDEM_ADMIN_TOKEN: 'tdm_bench_ingest_owner_token',
  TANDEM_PIPELINE: 'false',
  // With no pipeline running the lag only grows; this run measures collection, so no lag bound.
  TANDEM_MAX_PIPELINE_LAG: '0',
});
const rss = sampleRss(server.pid);

/** Cumulative bucket counts of the server's latency histogram for one route. */
async function scrapeHistogram(route) {
  const text = await scrapeMetrics(server.url);
  const buckets = new Map();
  const pattern = new RegExp(
    `tandem_http_request_duration_seconds_bucket\\{le="([^"]+)",method="POST",route="${route}"\\} (\\d+)`,
    'g',
  );
  for (const match of text.matchAll(pattern)) buckets.set(match[1], Number(match[2]));
  return buckets;
}

/** p99 of the requests between two scrapes, as the upper bound of its histogram bucket (ms). */
function histogramQuantiles(before, after) {
  const bounds = [...after.keys()]
    .filter((le) => le !== '+Inf')
    .map(Number)
    .sort((a, b) => a - b);
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  const upper = (q) => {
    for (const le of bounds) {
      const key = String(le);
      if ((after.get(key) ?? 0) - (before.get(key) ?? 0) >= q * total) return le * 1000;
    }
    return Number.POSITIVE_INFINITY;
  };
  return { p50: upper(0.5), p99: upper(0.99) };
}
const load = (options, events) =>
  generateLoad({ url: server.url, writeKey: WRITE_KEY, durationSec: DURATION, ...options }, events);

/** A paced run, with the server's histogram of the route read over its measured part only. */
async function pacedLoad(route, options) {
  let before;
  const run = await load(options, {
    onMeasuring: () => {
      before = scrapeHistogram(route);
    },
  });
  const server = histogramQuantiles(await before, await scrapeHistogram(route));
  return { ...run, server };
}

try {
  // Untimed warm-up (JIT, caches), as every measured run after the first would have had.
  await load({ mode: 'batch', connections: 32, durationSec: 2 });
  // The maximum is the server's saturation rate: enough clients that one always has a request
  // ready while the event loop commits (with 16, ~20 % of the CPU sat idle between commits).
  const batchMax = await load({ mode: 'batch', connections: 32 });
  // A pause first: the server's checkpointer is still copying the batch run's WAL back, and the
  // ceiling must not run in its shadow.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const ceilingAfter = await measureCeiling(DURATION / 2);
  const ceiling = (ceilingBefore + ceilingAfter) / 2;
  const singleMax = await load({ mode: 'single', connections: 64 });
  // At half the maximum rate, latency is read twice: by the client (all it waited, including
  // its own queueing on this shared 2-core machine) and by the server's request histogram,
  // over the same requests (pacedLoad). Batches go over as many connections as at the maximum,
  // so a short stall does not leave requests queued in the generator for want of a free
  // connection.
  const batchHalf = await pacedLoad('/v1/batch', {
    mode: 'batch',
    connections: 32,
    overallRate: Math.max(1, Math.round(batchMax.requestsPerSec / 2)),
  });
  const singleHalf = await pacedLoad('/v1/track', {
    mode: 'single',
    connections: 64,
    overallRate: Math.max(1, Math.round(singleMax.requestsPerSec / 2)),
  });
  const share = batchMax.eventsPerSec / ceiling;
  // Honesty check: every acknowledged event is in the store (requests still in flight when a run
  // ends are stored but not counted as acknowledged, so the store may hold a few more).
  const owner = { authorization: 'Bearer tdm_bench_ingest_owner_token' };
  const [source] = (await (await fetch(`${server.url}/api/v1/sources`, { headers: owner })).json()).data;
  const stats = await (
    await fetch(`${server.url}/api/v1/sources/${source.id}/stats`, { headers: owner })
  ).json();
  const acknowledged = [batchMax, singleMax, batchHalf, singleHalf].reduce(
    (sum, run) => sum + run.acknowledgedEvents,
    0,
  );
  const verdict = (ok) => (ok ? 'met' : 'MISSED');

  printTable('Results', [
    ['measure', 'value', 'target', 'verdict'],
    [
      'ceiling: raw INSERTs into the store, no HTTP (events/s)',
      `${fmt(ceiling)} (${fmt(ceilingBefore)} before, ${fmt(ceilingAfter)} after the batch run)`,
      '—',
      '',
    ],
    [
      'batch mode, 100 events/request (events/s)',
      fmt(batchMax.eventsPerSec),
      '>= 50,000',
      verdict(batchMax.eventsPerSec >= 50_000),
    ],
    ['batch mode share of ceiling', `${fmt(share * 100, 1)} %`, '>= 60 %', verdict(share >= 0.6)],
    ['batch mode p50 / p99 at max (ms)', `${batchMax.p50} / ${batchMax.p99}`, '—', ''],
    [
      'single-event requests (requests/s)',
      fmt(singleMax.requestsPerSec),
      '>= 8,000',
      verdict(singleMax.requestsPerSec >= 8_000),
    ],
    ['single-event p50 / p99 at max (ms)', `${singleMax.p50} / ${singleMax.p99}`, '—', ''],
    ['batch p99 at half max rate, client-side (ms)', batchHalf.p99, '< 25', verdict(batchHalf.p99 < 25)],
    [
      'batch p99 at half max rate, server-side (ms)',
      `<= ${batchHalf.server.p99}`,
      '< 25',
      verdict(batchHalf.server.p99 <= 25),
    ],
    ['single p99 at half max rate, client-side (ms)', singleHalf.p99, '< 25', verdict(singleHalf.p99 < 25)],
    [
      'single p99 at half max rate, server-side (ms)',
      `<= ${singleHalf.server.p99}`,
      '< 25',
      verdict(singleHalf.server.p99 <= 25),
    ],
    ['server peak RSS (MB)', fmt(rss.max()), '< 500', verdict(rss.max() < 500)],
    [
      'events stored / acknowledged',
      `${fmt(stats.events)} / ${fmt(acknowledged)}`,
      'stored >= acknowledged',
      verdict(stats.events >= acknowledged),
    ],
    [
      'non-2xx / errors',
      `${batchMax.non2xx + singleMax.non2xx + batchHalf.non2xx + singleHalf.non2xx} / ${batchMax.errors + singleMax.errors}`,
      '0',
      '',
    ],
  ]);
} finally {
  rss.stop();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
