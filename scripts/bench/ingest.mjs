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
  startServer,
} from './bench-support.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const WRITE_KEY = 'wk_bench_ingest_key';

await ensureBuilt();
const { Engine } = await import(`${root}packages/engine/dist/index.js`);

console.log(`Tandem ingest benchmark — ${DURATION}s per run, Node ${process.version}, ${process.arch}`);

// Ceiling: the collector (validation, enrichment, dedupe, group commit) on a file store, no HTTP.
async function measureCeiling() {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-ceiling-'));
  const engine = await Engine.open({ dataDir: dir });
  const source = { workspaceId: 'ws_bench', sourceId: 'src_bench' };
  let counter = 0;
  const batch = () =>
    Array.from({ length: 100 }, () => {
      counter += 1;
      return {
        type: 'track',
        userId: `user-${counter % 50_000}`,
        event: 'Product Viewed',
        messageId: `ceiling-${counter}`,
        timestamp: new Date().toISOString(),
        properties: { sku: `SKU-${counter % 977}`, price: (counter % 100) + 0.99, currency: 'EUR' },
        context: {
          page: { url: 'https://shop.example/p?utm_source=bench&utm_medium=load' },
          ip: '198.51.100.7',
        },
      };
    });
  const started = performance.now();
  const deadline = started + DURATION * 1000;
  // 16 concurrent writers, like 16 connections, so group commits form as they do behind HTTP.
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < deadline) {
        await engine.collector.collect({ source, calls: batch(), request: { ip: '127.0.0.1' } });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
  return counter / seconds;
}

const ceiling = await measureCeiling();

const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
const server = await startServer({ TANDEM_DATA_DIR: dataDir, TANDEM_WRITE_KEY: WRITE_KEY });
const rss = sampleRss(server.pid);
const load = (options) =>
  generateLoad({ url: server.url, writeKey: WRITE_KEY, durationSec: DURATION, ...options });

try {
  const batchMax = await load({ mode: 'batch', connections: 16 });
  const singleMax = await load({ mode: 'single', connections: 64 });
  const batchHalf = await load({
    mode: 'batch',
    connections: 16,
    overallRate: Math.max(1, Math.round(batchMax.requestsPerSec / 2)),
  });
  const singleHalf = await load({
    mode: 'single',
    connections: 64,
    overallRate: Math.max(1, Math.round(singleMax.requestsPerSec / 2)),
  });
  const share = batchMax.eventsPerSec / ceiling;
  const verdict = (ok) => (ok ? 'met' : 'MISSED');

  printTable('Results', [
    ['measure', 'value', 'target', 'verdict'],
    ['ceiling: collector → store, no HTTP (events/s)', fmt(ceiling), '—', ''],
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
    ['batch p99 at half max rate (ms)', batchHalf.p99, '< 25', verdict(batchHalf.p99 < 25)],
    ['single p99 at half max rate (ms)', singleHalf.p99, '< 25', verdict(singleHalf.p99 < 25)],
    ['server peak RSS (MB)', fmt(rss.max()), '< 500', verdict(rss.max() < 500)],
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
