// `npm run bench:crm`: deals at scale on embedded SQLite. BENCH_DEALS (default 200,000) deals are
// bulk-written straight into the CRM tables as the deals service would have left them (the
// workspace's default pipeline of 5 stages; 70 % open, 20 % won, 10 % lost; close dates over
// 12 months; 10 owners; one person each; 1 to 3 stays in stages), with BENCH_COMPANIES
// (default 100,000) companies, one per two deals. People are not written (the deal's person
// ids are only keys here). Then the real server (`tandem start`) is started and one client
// asks, one request at a time over keep-alive: the kanban's stage page (50 open deals of a
// random stage), the pipeline report, the forecast (6 months), and for information the sales
// and stage reports. Prints p50 / p99 beside the targets (stage page p99 < 30 ms, pipeline
// report < 200 ms, forecast < 300 ms). BENCH_DATA_DIR reuses a store kept by an earlier run
// (BENCH_KEEP_DATA=1). Not a test.
//
// Figures, 2026-12-03, 2-core machine shared with other builds (load 18; GET /healthz itself
// p50 21.6 ms, p99 424 ms): stage page p50 46 ms / p99 411 ms, pipeline report 351 / 1,036 ms,
// forecast 836 / 1,671 ms (before it was one scan: 336 / 1,136 ms at load 12), sales report
// 1.6 / 5.1 s, stage report 11.6 / 14.8 s. Targets missed on that machine; a quiet one is needed
// to say whether the reads meet them.
// Quiet machine (load 1.1), 2026-12-03 18:17: stage page p50 1.8 / p99 7.9 ms (< 30, met);
// pipeline report 12.2 / 14.1 ms (< 200, met); forecast 54.5 / 56.5 ms (< 300, met); sales report
// 200 / 207 ms; stage report (learned probabilities) 981 / 1,025 ms; /healthz 0.9 / 8.0 ms.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, fmt, printTable, root, startServer } from './bench/bench-support.mjs';

const DEALS = Number(process.env.BENCH_DEALS ?? 200_000);
const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 100_000);
const TOKEN = 'tdm_bench_crm_owner_token_0123456789';
const TARGETS = { stagePage: 30, pipeline: 200, forecast: 300 };

await ensureBuilt();
const { Engine, bootstrapIfEmpty } = await import(`${root}packages/engine/dist/index.js`);
const reused = process.env.BENCH_DATA_DIR;
const dataDir = reused ?? mkdtempSync(join(tmpdir(), 'tandem-crm-'));
if (reused && !existsSync(join(reused, 'tandem.db'))) throw new Error(`no store in ${reused}`);
console.log(
  `Tandem CRM benchmark — ${fmt(DEALS)} deals, ${fmt(COMPANIES)} companies, Node ${process.version}, data in ${dataDir}`,
);

let server;
try {
  const engine = await Engine.open({ dataDir });
  const boot = await bootstrapIfEmpty(engine.store, engine, {
    adminEmail: 'bench@example.com',
    adminPassword: 'bench password 1',
    adminToken: TOKEN,
  });
  const workspace = await engine.store.db
    .selectFrom('workspaces')
    .select('workspace_id')
    .executeTakeFirstOrThrow();
  const workspaceId = workspace.workspace_id;
  const [pipeline] = await engine.pipelines.list(workspaceId);
  if (boot) {
    const seconds = writeData(engine.store.sqlite, workspaceId, pipeline);
    console.log(`data written in ${fmt(seconds, 1)} s (bulk, not part of the figures)`);
    engine.store.sqlite.exec('ANALYZE');
  }
  engine.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await engine.close();

  server = await startServer({ TANDEM_DATA_DIR: dataDir });
  const headers = { authorization: `Bearer ${TOKEN}` };
  const get = async (path) => {
    const started = performance.now();
    const response = await fetch(`${server.url}${path}`, { headers });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - started, body };
  };
  const stages = pipeline.stages.map((s) => s.id);
  const measure = async (count, pathOf) => {
    for (let i = 0; i < Math.min(5, count); i++) await get(pathOf(i)); // warm-up, not counted
    const times = [];
    let last;
    for (let i = 0; i < count; i++) {
      const { ms, body } = await get(pathOf(i));
      times.push(ms);
      last = body;
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { p50: at(0.5), p99: at(0.99), last };
  };
  // What the server's cheapest answer costs on this machine now: the floor under every figure.
  const floor = await measure(200, () => '/healthz');
  const stagePage = await measure(
    500,
    (i) => `/api/v1/deals?stageId=${stages[i % stages.length]}&status=open&limit=50`,
  );
  console.log(`a stage page holds ${stagePage.last.data.length} deals`);
  const report = await measure(40, () => `/api/v1/reports/pipeline?pipelineId=${pipeline.id}`);
  console.log(`pipeline report totals: ${JSON.stringify(report.last.totals)}`);
  const forecast = await measure(40, () => `/api/v1/reports/forecast?pipelineId=${pipeline.id}&months=6`);
  const sales = await measure(10, () => `/api/v1/reports/sales?pipelineId=${pipeline.id}`);
  const stageReport = await measure(5, () => `/api/v1/reports/stages?pipelineId=${pipeline.id}`);
  const row = (name, result, target) => [
    name,
    `${fmt(result.p50, 1)} ms`,
    `${fmt(result.p99, 1)} ms`,
    target === undefined ? '' : `< ${target} ms`,
    target === undefined ? '' : result.p99 < target ? 'met' : 'MISSED',
  ];
  printTable('CRM reads (client-side latency, one request at a time)', [
    ['', 'p50', 'p99', 'target (p99)', ''],
    row('kanban stage page (50 deals)', stagePage, TARGETS.stagePage),
    row('pipeline report', report, TARGETS.pipeline),
    row('forecast (6 months)', forecast, TARGETS.forecast),
    row('sales report (win rate, owners)', sales),
    row('stage report (learned probabilities)', stageReport),
    row('HTTP floor: GET /healthz', floor),
    ['machine load (1 min)', fmt(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]), 1), '', '', ''],
  ]);
} finally {
  await server?.stop();
  if (process.env.BENCH_KEEP_DATA === '1' || reused) console.log(`data kept in ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}

/** Deals, their people and stage history, and companies, as the services leave them. */
function writeData(sqlite, workspaceId, pipeline) {
  const started = performance.now();
  const company = sqlite.prepare(
    `INSERT INTO companies (workspace_id, company_id, group_id, name, traits, traits_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, '{}', ?, ?, ?)`,
  );
  const deal = sqlite.prepare(
    `INSERT INTO crm_deals (workspace_id, deal_id, name, amount, currency, pipeline_id, stage_id, status, lost_reason,
       company_id, owner_id, close_date, fields, stage_entered_at, closed_at, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'EUR', ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, NULL, ?, ?)`,
  );
  const person = sqlite.prepare(
    `INSERT INTO crm_deal_people (workspace_id, deal_id, profile_id, role, added_at) VALUES (?, ?, ?, 'decision_maker', ?)`,
  );
  const stay = sqlite.prepare(
    `INSERT INTO crm_deal_stage_history (workspace_id, change_id, deal_id, pipeline_id, stage_id, from_stage_id,
       entered_at, entered_by, left_at, left_by) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)`,
  );
  const stages = pipeline.stages.map((s) => s.id);
  const now = Date.now();
  const pad = (n) => String(n).padStart(10, '0');
  const chunk = sqlite.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      if (i < COMPANIES) {
        const at = new Date(now - 400 * 86_400_000).toISOString();
        company.run(workspaceId, `co_b${pad(i)}`, `g${i}`, `Company ${i}`, at, at, at);
      }
      if (i >= DEALS) continue;
      const dealId = `deal_b${pad(i)}`;
      const created = new Date(now - ((i * 7919) % 365) * 86_400_000);
      const roll = (i * 37) % 10;
      const status = roll < 7 ? 'open' : roll < 9 ? 'won' : 'lost';
      const stageIndex = (i * 13) % stages.length;
      const closeDate = new Date(now + (((i * 31) % 365) - 90) * 86_400_000).toISOString().slice(0, 10);
      const closedAt = status === 'open' ? null : new Date(created.getTime() + 20 * 86_400_000).toISOString();
      const createdAt = created.toISOString();
      deal.run(
        workspaceId,
        dealId,
        `Deal ${i}`,
        1000 + ((i * 7) % 50_000),
        pipeline.id,
        stages[stageIndex],
        status,
        status === 'lost' ? 'Budget' : null,
        COMPANIES > 0 ? `co_b${pad(i % COMPANIES)}` : null,
        `usr_owner${i % 10}`,
        closeDate,
        createdAt,
        closedAt,
        createdAt,
        createdAt,
      );
      person.run(workspaceId, dealId, `prof_b${pad(i)}`, createdAt);
      // Stays: from the first stage up to the current one, at most 3.
      for (let s = Math.max(0, stageIndex - 2); s <= stageIndex; s++)
        stay.run(
          workspaceId,
          `dsc_b${pad(i)}${s}`,
          dealId,
          pipeline.id,
          stages[s],
          s === 0 ? null : stages[s - 1],
          createdAt,
          s === stageIndex ? null : createdAt,
        );
    }
  });
  const total = Math.max(DEALS, COMPANIES);
  for (let from = 0; from < total; from += 10_000) chunk(from, Math.min(total, from + 10_000));
  return (performance.now() - started) / 1000;
}
