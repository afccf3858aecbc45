// The dispatcher alone (`node scripts/bench/dispatch.mjs`): an engine on embedded SQLite without
// the pipeline, a backlog of BENCH_BACKLOG deliveries (default 30,000, 5,000 profiles) waiting for
// a webhook with batches of 500 (as bench:activate's down destination has once it is back), while
// new deliveries for a live webhook are written at BENCH_RATE a second (default 1,000) from a
// thread on the pipeline's side of the write turn, as the delivery stage writes them, and sent. Receivers run in a worker thread.
// Prints the drain rate, the live destination's p99 (row written → received) during and after
// the drain, the main thread's event-loop delay, and the process's CPU per delivery: the
// dispatcher's own cost, less sensitive to the machine's load than bench:activate.
// BENCH_ENGINE_ROOT: another checkout whose built engine to measure (a before/after comparison).
// BENCH_RATE=0: the drain alone (its CPU per delivery without the live feed's).
//
// Figures, 2026-12-04 17:00-17:20, machine at load 10-12 (other sessions' builds and tests on 2
// cores; the process got 0.4-0.9 of a core), before (main 6590fd1) / after (claims of 250 rows on
// SQLite, bodies read for the taken rows only, leases by rowid), back to back. Round 1: drain
// 2,201 / 2,726 per s; live p99 during the drain 3,458 / 488 ms, after it 1,514 / 78 ms;
// event-loop delay p99 512 / 205 ms. Round 2: the after run fell behind the live feed (0.44
// cores: 803 per s, p99 14 s) — load, not a fixed figure. Round 3 (load 7.5): drain 2,815 /
// 3,008 per s; live p99 during the drain 1,594 / 349 ms, after it 50 / 70 ms; event-loop delay
// p99 439 / 166 ms; 0.222 / 0.238 ms CPU per delivery. Drain alone (BENCH_RATE=0), CPU per
// delivery 0.132-0.151 / 0.178-0.196 ms: the slices cost ~30 % more CPU per drained delivery
// (4x the commits). Targets (p99 < 100 ms, >= 5,000/s) not judged at this load: rerun quiet.
// Quiet machine, 2026-12-06: 9,163 / 8,078 per s, live p99 during the drain 64 / 65 ms, 0.162 /
// 0.186 ms CPU per delivery; with leases in the worker's memory (SQLite): 13,164 per s, live p99
// 57 ms, 0.121 ms CPU per delivery.
// 2026-12-06 04:47, load ~2 (a slower hour: the same commit drained 13,164/s the night before),
// a drain on SQLite with its destination's concurrency (16 sends of 250 rows: every claim read
// past ~4,000 rows in flight) / with at most 4 sends in flight while draining: drain 7,813 and
// 7,886 / 7,788 and 5,476 per s; event-loop delay during the drain p99 155 and 184 / 66 and
// 82 ms, max 470 and 228 / 88 and 127 ms; live p99 75 and 169 / 89 and 115 ms (noisy).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { fmt, printTable, root } from './bench-support.mjs';
import { benchProfileId, deliveryRow } from './dispatch-rows.mjs';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 30_000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const USERS = Number(process.env.BENCH_USERS ?? 5000);
const AFTER_SECONDS = Number(process.env.BENCH_AFTER_SECONDS ?? 5);
const engineRoot = process.env.BENCH_ENGINE_ROOT ?? root;
const { Engine, createWorkspace } = await import(`${engineRoot}/packages/engine/dist/index.js`);

// Receivers in a worker thread: each delivery's arrival time by id.
const receivers = new Worker(
  `
  const { parentPort } = require('node:worker_threads');
  const { createServer } = require('node:http');
  const seen = { live: new Map(), later: new Map() };
  const servers = Object.keys(seen).map((name) => createServer((request, response) => {
    let raw = '';
    request.on('data', (c) => { raw += c; });
    request.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(raw);
      for (const item of body.batch ?? [body]) if (!seen[name].has(item.deliveryId)) seen[name].set(item.deliveryId, at);
      response.writeHead(204).end();
    });
  }));
  Promise.all(servers.map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r)))).then(() =>
    parentPort.postMessage({ ports: servers.map((s) => s.address().port) }));
  parentPort.on('message', (m) => {
    if (m === 'counts') parentPort.postMessage({ counts: { live: seen.live.size, later: seen.later.size } });
    if (m === 'times') parentPort.postMessage({ times: { live: [...seen.live], later: [...seen.later] } });
    if (m === 'close') for (const s of servers) { s.closeAllConnections(); s.close(); }
  });
  `,
  { eval: true },
);
const ask = (message, key) =>
  new Promise((resolve) => {
    const listener = (m) => {
      if (m[key] === undefined) return;
      receivers.off('message', listener);
      resolve(m[key]);
    };
    receivers.on('message', listener);
    if (message) receivers.postMessage(message);
  });
const [livePort, laterPort] = await ask(undefined, 'ports');

const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-dispatch-'));
const engine = await Engine.open({
  dataDir,
  delivery: { secretKey: Buffer.alloc(32, 7), allowPrivateNetworks: true },
});
try {
  const { id: workspaceId } = await createWorkspace(engine.store, 'Bench');
  const subscriptions = [{ kind: 'event', filter: { type: 'track' } }];
  const destination = async (name, port, extra) => {
    const created = await engine.destinations.create(workspaceId, {
      name,
      type: 'webhook',
      subscriptions,
      ...extra,
      config: { url: `http://127.0.0.1:${port}/hook`, secret: 'bench-secret', ...extra.config },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.value.id;
  };
  const liveId = await destination('live', livePort, { limits: { concurrency: 32 } });
  const laterId = await destination('later', laterPort, {
    config: { batch: { maxSize: 500 } },
    limits: { concurrency: 16 },
  });

  const sqlite = engine.store.sqlite;
  const now = new Date().toISOString();
  const insertProfile = sqlite.prepare(
    'INSERT INTO profiles (workspace_id, profile_id, merged_into, event_count, created_at, updated_at) VALUES (?, ?, NULL, 1, ?, ?)',
  );
  sqlite.transaction(() => {
    for (let u = 0; u < USERS; u++) insertProfile.run(workspaceId, benchProfileId(u), now, now);
  })();
  let ord = 0;
  const insertDelivery = sqlite.prepare(
    `INSERT INTO deliveries (workspace_id, delivery_id, destination_id, profile_id, type, ord, body, mapping,
     status, attempts, occurred_at, created_at, next_attempt_at) VALUES (@workspace_id, @delivery_id,
     @destination_id, @profile_id, @type, @ord, @body, @mapping, @status, @attempts, @occurred_at, @created_at,
     @next_attempt_at)`,
  );
  const write = (destinationId, deliveryId, userIndex, at) => {
    ord += 1;
    insertDelivery.run(deliveryRow({ workspaceId, destinationId, deliveryId, userIndex, ord, at }));
  };
  sqlite.transaction(() => {
    for (let i = 0; i < BACKLOG; i++)
      write(laterId, `dlv_backlog${i}`, Math.floor(Math.random() * USERS), now);
  })();

  // The live feed, as the pipeline thread writes outbox rows: RATE deliveries a second in ticks
  // of 10 ms, each tick a write transaction from a thread of its own on the pipeline's side of the
  // write turn, then a wake-up posted to the dispatcher.
  const feeder = new Worker(new URL('./dispatch-feed.mjs', import.meta.url), {
    workerData: {
      engineRoot,
      file: engine.store.location,
      writeTurn: engine.store.writeTurn.buffer,
      workspaceId,
      destinationId: liveId,
      rate: RATE,
      users: USERS,
      firstOrd: ord + 1,
    },
  });
  const writtenAt = new Map();
  feeder.on('message', (m) => {
    for (const id of m.ids) writtenAt.set(id, m.at);
    engine.dispatcher.wake([{ workspaceId, destinationId: liveId }]);
  });
  const feederExited = new Promise((resolve) => feeder.once('exit', resolve));
  const feed = {
    stop: () => {
      feeder.postMessage('stop');
      return feederExited;
    },
  };

  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  loopDelay.enable();
  engine.dispatcher.start();
  let drainedAt = 0;
  while (Date.now() - started < 300_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const counts = await ask('counts', 'counts');
    if (counts.later >= BACKLOG) {
      drainedAt = Date.now();
      break;
    }
  }
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const liveAtDrain = (await ask('counts', 'counts')).live;
  // Then the live destination alone for a while.
  await new Promise((resolve) => setTimeout(resolve, AFTER_SECONDS * 1000));
  await feed.stop();
  const times = await ask('times', 'times');
  const end = drainedAt || Date.now();
  const p99 = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] : Number.NaN;
  };
  const latencies = (from, to) =>
    times.live.filter(([, at]) => at >= from && at < to).map(([id, at]) => at - (writtenAt.get(id) ?? at));
  const cpuMs = (cpu.user + cpu.system) / 1000;
  printTable(`Dispatcher alone (${engineRoot === root ? 'this checkout' : engineRoot})`, [
    ['measure', 'value'],
    [
      'backlog drained (deliveries/s)',
      drainedAt
        ? `${fmt(BACKLOG / ((end - started) / 1000))} (${fmt(BACKLOG)} in ${fmt((end - started) / 1000, 1)} s)`
        : `not drained in 300 s (${fmt(times.later.length)})`,
    ],
    [
      'live p99 during the drain (ms)',
      `${fmt(p99(latencies(started, end)))} (${fmt(liveAtDrain)} deliveries)`,
    ],
    [
      'live p50 / p99 after the drain (ms)',
      (() => {
        const after = latencies(end + 500, Date.now()).sort((a, b) => a - b);
        return `${fmt(after[Math.floor(after.length / 2)])} / ${fmt(p99(after))} (${fmt(after.length)} deliveries)`;
      })(),
    ],
    [
      'event-loop delay during the drain, p99 / max (ms)',
      `${fmt(loopDelay.percentile(99) / 1e6, 1)} / ${fmt(loopDelay.max / 1e6, 1)}`,
    ],
    [
      'process CPU during the drain (cores; ms per delivery)',
      `${fmt(cpuMs / (end - started), 2)}; ${fmt(cpuMs / (BACKLOG + liveAtDrain), 3)}`,
    ],
  ]);
} finally {
  await engine.close();
  receivers.postMessage('close');
  await receivers.terminate();
  rmSync(dataDir, { recursive: true, force: true });
}
