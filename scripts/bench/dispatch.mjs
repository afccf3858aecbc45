// The dispatcher alone (`node scripts/bench/dispatch.mjs`): an engine on embedded SQLite without
// the pipeline, a backlog of BENCH_BACKLOG deliveries (default 30,000, 5,000 profiles) waiting for
// a webhook with batches of 500 (as bench:activate's down destination has once it is back), while
// new deliveries for a live webhook are written at BENCH_RATE a second (default 1,000, in the
// main thread, as the delivery stage's wake-ups arrive) and sent. Receivers run in a worker thread.
// Prints the drain rate, the live destination's p99 (row written → received) during and after
// the drain, the main thread's event-loop delay, and the process's CPU per delivery: the
// dispatcher's own cost, less sensitive to the machine's load than bench:activate.
// BENCH_ENGINE_ROOT: another checkout whose built engine to measure (a before/after comparison).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { fmt, printTable, root } from './bench-support.mjs';

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
    for (let u = 0; u < USERS; u++) insertProfile.run(workspaceId, `prf_bench${u}`, now, now);
  })();
  let ord = 0;
  /** A delivery row as the delivery stage writes it (a track event of ~0.6 kB with its profile). */
  const rowOf = (destinationId, deliveryId, userIndex, at) => {
    ord += 1;
    const profileId = `prf_bench${userIndex}`;
    const body = JSON.stringify({
      type: 'event',
      event: {
        seq: ord,
        type: 'track',
        event: 'Product Viewed',
        userId: `u${userIndex}`,
        messageId: `m${ord}`,
        timestamp: at,
        receivedAt: at,
        properties: { sku: `sku-${ord % 300}`, price: 19.99, currency: 'EUR', bid: ord },
        context: { library: { name: 'analytics.js', version: '5.2.0' }, page: { path: '/p/sku' } },
      },
      profile: {
        id: profileId,
        traits: { plan: 'pro', orders_30d: 2 },
        identities: [{ type: 'userId', value: `u${userIndex}` }],
      },
      occurredAt: at,
      deliveryId,
    });
    return {
      workspace_id: workspaceId,
      delivery_id: deliveryId,
      destination_id: destinationId,
      profile_id: profileId,
      type: 'event',
      ord: ord * 64,
      body,
      mapping: null,
      status: 'pending',
      attempts: 0,
      occurred_at: at,
      created_at: at,
      next_attempt_at: at,
    };
  };
  const insertDelivery = sqlite.prepare(
    `INSERT INTO deliveries (workspace_id, delivery_id, destination_id, profile_id, type, ord, body, mapping,
     status, attempts, occurred_at, created_at, next_attempt_at) VALUES (@workspace_id, @delivery_id,
     @destination_id, @profile_id, @type, @ord, @body, @mapping, @status, @attempts, @occurred_at, @created_at,
     @next_attempt_at)`,
  );
  const write = (destinationId, deliveryId, userIndex, at) =>
    insertDelivery.run(rowOf(destinationId, deliveryId, userIndex, at));
  sqlite.transaction(() => {
    for (let i = 0; i < BACKLOG; i++)
      write(laterId, `dlv_backlog${i}`, Math.floor(Math.random() * USERS), now);
  })();

  // The live feed: RATE deliveries a second, in ticks of 10 ms, each tick one write transaction.
  const writtenAt = new Map();
  let live = 0;
  let feeding = true;
  const feed = (async () => {
    const perTick = Math.max(1, Math.round(RATE / 100));
    let next = Date.now();
    while (feeding && RATE > 0) {
      const at = new Date().toISOString();
      // Through the store's connection, in its turn (as the delivery stage's transactions).
      const rows = [];
      for (let i = 0; i < perTick; i++) {
        live += 1;
        rows.push(rowOf(liveId, `dlv_live${live}`, Math.floor(Math.random() * USERS), at));
      }
      await engine.store.db
        .transaction()
        .execute((trx) => trx.insertInto('deliveries').values(rows).execute());
      const written = Date.now();
      for (const row of rows) writtenAt.set(row.delivery_id, written);
      engine.dispatcher.wake([{ workspaceId, destinationId: liveId }]);
      next += 10;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
  })();

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
  feeding = false;
  await feed;
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
    ['live p99 after the drain (ms)', fmt(p99(latencies(end + 500, Date.now())))],
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
