// `node scripts/bench/deal-import.mjs`: imports a generated CSV of BENCH_DEAL_ROWS deals (default
// 100,000) with `tandem import --type deal` in its own process on embedded SQLite, and prints
// rows/s and the importer's peak memory. Each row: a name, an amount, a stage by name, a company
// by domain (500 companies, created on first sight), a person by email (2,000 people, created on
// first sight) as champion, an external id and a number custom field. Not a test.
// Measured once, 3 December 2026, on the shared 2-core VM (load average ~6 from other builds):
// 100,000 rows in 23.2 s = 4,318 rows/s (every deal with its audit entry, stage stay and
// `Deal Created` event), importer peak RSS 299 MB. A million-row file: about 4 minutes.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, fmt, printTable, root, sampleRss, startServer } from './bench-support.mjs';

const ROWS = Number(process.env.BENCH_DEAL_ROWS ?? 100_000);
const ADMIN_TOKEN = 'tdm_deal_import_bench_token_0123456789';
const dir = mkdtempSync(join(tmpdir(), 'tandem-deal-import-bench-'));
const file = join(dir, 'deals.csv');
const STAGES = ['Qualification', 'Discovery', 'Proposal', 'Negotiation', 'Contract sent'];

await ensureBuilt();
console.log(`Tandem deal import benchmark — ${fmt(ROWS)} rows, Node ${process.version}`);

async function writeCsv() {
  const out = createWriteStream(file);
  out.write('id,deal,amount,stage,website,contact,seats\n');
  for (let start = 0; start < ROWS; start += 1000) {
    const lines = [];
    for (let row = start; row < Math.min(start + 1000, ROWS); row++) {
      lines.push(
        `ext-${row},Deal ${row},${(row % 500) * 100 + 0.5},${STAGES[row % STAGES.length]},company${row % 500}.test,person${row % 2000}@company${row % 500}.test,${row % 90}`,
      );
    }
    if (!out.write(`${lines.join('\n')}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
}

await writeCsv();
const env = {
  ...process.env,
  TANDEM_DATA_DIR: join(dir, 'data'),
  TANDEM_WRITE_KEY: 'wk_deal_import_bench',
  TANDEM_LOG_LEVEL: 'warn',
};
// The store with its source and a deal custom field, made through a short-lived server.
const server = await startServer({
  ...env,
  TANDEM_PIPELINE: 'false',
  TANDEM_ADMIN_EMAIL: 'bench@example.com',
  TANDEM_ADMIN_PASSWORD: 'violet kettle orbit 42',
  TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
});
const field = await fetch(`${server.url}/api/v1/custom-fields`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ entity: 'deal', key: 'seats', label: 'Seats', type: 'number' }),
});
if (field.status !== 201) throw new Error(`custom field: ${field.status} ${await field.text()}`);
await server.stop();

const started = performance.now();
const importer = spawn(
  process.execPath,
  [
    `${root}packages/server/dist/cli.js`,
    'import',
    file,
    '--source',
    'wk_deal_import_bench',
    '--type',
    'deal',
    '--currency',
    'EUR',
    '--map',
    'externalId=id,name=deal,amount=amount,stage=stage,companyDomain=website,people.champion=contact,fields.seats=seats',
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
  ['measure', 'value'],
  ['file', `${fmt(statSync(file).size / 1024 / 1024, 1)} MB, ${fmt(ROWS)} rows`],
  ['import time (s)', fmt(seconds, 1)],
  ['rows/s', fmt(ROWS / seconds)],
  ['importer peak RSS (MB)', fmt(rss.max())],
  ['outcome', summary.trim().split('\n')[0] ?? `exit ${code}`],
]);
rmSync(dir, { recursive: true, force: true });
