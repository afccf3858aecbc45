// `npm run bench:import`: imports a generated CSV (BENCH_IMPORT_MB, default 1024 MB) with
// `tandem import` in its own process on embedded SQLite, sampling that process's memory.
// Target: RSS under 300 MB whatever the file's size (the file is streamed). Not a test.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, fmt, printTable, root, sampleRss } from './bench-support.mjs';

const TARGET_MB = Number(process.env.BENCH_IMPORT_MB ?? 1024);
const dir = mkdtempSync(join(tmpdir(), 'tandem-import-bench-'));
const file = join(dir, 'pos-export.csv');

await ensureBuilt();
console.log(`Tandem import benchmark — ${TARGET_MB} MB CSV, Node ${process.version}`);

// A point-of-sale export: one row per purchase.
async function writeCsv() {
  const out = createWriteStream(file);
  out.write('customer_id,email,store,sku,amount,currency,purchased_at\n');
  const target = TARGET_MB * 1024 * 1024;
  let written = 0;
  let row = 0;
  const day = Date.parse('2025-01-01T00:00:00Z');
  while (written < target) {
    const lines = [];
    for (let i = 0; i < 1000; i++, row++) {
      const when = new Date(day + (row % 31_536_000) * 1000).toISOString();
      lines.push(
        `c${row % 200_000},customer${row % 200_000}@example.com,store-${row % 40},SKU-${row % 977},${(row % 200) + 0.5},EUR,${when}`,
      );
    }
    const chunk = `${lines.join('\n')}\n`;
    written += chunk.length;
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  return row;
}

const rows = await writeCsv();
const bytes = statSync(file).size;
const env = {
  ...process.env,
  TANDEM_DATA_DIR: join(dir, 'data'),
  TANDEM_WRITE_KEY: 'wk_import_bench',
  TANDEM_LOG_LEVEL: 'warn',
};
// The store must exist with its source: one migrate + bootstrap via a short-lived server start.
await new Promise((resolve, reject) => {
  const boot = spawn(process.execPath, [`${root}packages/server/dist/cli.js`, 'start'], {
    env: { ...env, PORT: '0', HOST: '127.0.0.1', TANDEM_PIPELINE: 'false', TANDEM_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  boot.stdout.on('data', (chunk) => {
    if (String(chunk).includes('listening on')) boot.kill('SIGTERM');
  });
  boot.on('exit', resolve);
  boot.on('error', reject);
});

const started = performance.now();
const importer = spawn(
  process.execPath,
  [
    `${root}packages/server/dist/cli.js`,
    'import',
    file,
    '--source',
    'wk_import_bench',
    '--map',
    'userId=customer_id,traits.email=email,properties.store=store,properties.sku=sku,properties.amount=amount,properties.currency=currency,timestamp=purchased_at',
    '--event',
    'Order Completed',
  ],
  { env, stdio: ['ignore', 'pipe', 'ignore'] },
);
const rss = sampleRss(importer.pid, 500);
let summary = '';
importer.stdout.on('data', (chunk) => {
  summary += chunk;
});
const code = await new Promise((resolve) => importer.on('exit', resolve));
rss.stop();
const seconds = (performance.now() - started) / 1000;

printTable('Results', [
  ['measure', 'value', 'target', 'verdict'],
  ['file', `${fmt(bytes / 1024 / 1024)} MB, ${fmt(rows)} rows`, '1 GB', ''],
  ['import time (s)', fmt(seconds, 1), '—', ''],
  ['rows/s', fmt(rows / seconds), '—', ''],
  ['importer peak RSS (MB)', fmt(rss.max()), '< 300', rss.max() < 300 ? 'met' : 'MISSED'],
  ['outcome', summary.trim().split('\n')[0] ?? `exit ${code}`, '', ''],
]);
rmSync(dir, { recursive: true, force: true });
