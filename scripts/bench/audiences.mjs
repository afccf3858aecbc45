// `npm run bench:audiences`: audiences at scale on embedded SQLite. BENCH_PROFILES (default
// 1,000,000) profiles and BENCH_EVENTS (default 10 per profile) events are bulk-written straight
// into the log and the identity/traits projections; then a 3-condition audience (trait, event
// count in 30 days, no event in 7 days) is evaluated in full (SQL) and previewed, and events are
// streamed at BENCH_RATE (5,000/s) for BENCH_WARMUP_SECONDS (5, not timed) then
// BENCH_STREAM_SECONDS (30: long enough for periodic pauses, such as WAL restarts, to weigh in
// the p99) while the pipeline (unify, then the segment stage) runs, timing event accepted →
// membership recorded. The stream is browsing plus
// BENCH_ORDER_SHARE (10 %) orders that make profiles enter; BENCH_ORDER_SHARE=1 is the stress
// case where every event changes a membership.
// Then audience edits under load: while events are ingested at BENCH_EDIT_RATE (1,000/s, in
// requests of 1 % of that every 10 ms, each timed from call to acknowledgement), an audience is
// created (evaluated in full) and then edited (a second rule, evaluated in full again). A watcher
// thread times every hold of the write turn by the pipeline thread, where the evaluation runs (its
// chunks, and the segment batches between them: an upper bound on the edit's longest write
// transaction), over the create and edit and over as long a time of the same load before them.
// BENCH_MODE=edits skips the latency stream; BENCH_DATA_DIR reuses a store kept by an earlier
// run (BENCH_KEEP_DATA=1) instead of writing the data again. Not a test.
// Edits at 1M profiles (BENCH_MODE=edits, 1,000 events/s, 2 cores shared with other work at load
// 4–12): create (~20k members) 11–23 s, edit (to ~105k members) 28–65 s. Chunks of ~15 ms, 3
// runs: longest pipeline write transaction 257 / 50 / 160 ms (p99 27 / 23 / 41 ms; 3 / 0 / 7 of
// ~5,000 over 100 ms), acknowledgement p99 134 / 20 / 66 ms. Chunks of ~10 ms, 2 runs: 54 / 102
// ms (p99 19 / 35; 0 / 2 over 100 ms), acknowledgement p99 19 / 40 ms; 5 s of the same load
// before the create: 5–9 ms. The slow ones, timed inside: chunks of 100 profiles and unify
// batches of 100–200 Audience events (usually ~10 ms) stretched to 60–100 ms by the busy
// machine. The former single transaction held the write lock ~4.7 s.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ensureBuilt, fmt, printTable, root } from './bench-support.mjs';

const PROFILES = Number(process.env.BENCH_PROFILES ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? PROFILES * 10);
const RATE = Number(process.env.BENCH_RATE ?? 5_000);
const STREAM_SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const ORDER_SHARE = Number(process.env.BENCH_ORDER_SHARE ?? 0.1);
const EDIT_RATE = Number(process.env.BENCH_EDIT_RATE ?? 1_000);
const MODE = process.env.BENCH_MODE ?? 'all';
const DAY = 86_400_000;

await ensureBuilt();
const { Engine, bootstrapIfEmpty } = await import(`${root}packages/engine/dist/index.js`);
// Internal entry points of the engine, for timing the evaluators alone.
const audiencesModule = await import(`${root}packages/engine/dist/audiences/index.js`);
const reused = process.env.BENCH_DATA_DIR;
const dataDir = reused ?? mkdtempSync(join(tmpdir(), 'tandem-audiences-'));
if (reused && !existsSync(join(reused, 'tandem.db'))) throw new Error(`no store in ${reused}`);
console.log(
  `Tandem audiences benchmark — ${fmt(PROFILES)} profiles, ${fmt(EVENTS)} events, Node ${process.version}, data in ${dataDir}`,
);

const RULE = {
  all: [
    { trait: 'plan', op: 'eq', value: 'pro' },
    { event: 'Order Completed', count: { op: 'gte', value: 2 }, within: '30d' },
    { not: { event: 'Order Completed', within: '7d' } },
  ],
};
// The edit: one order in 30 days is enough (most members stay, many enter).
const EDITED_RULE = {
  all: [
    { trait: 'plan', op: 'eq', value: 'pro' },
    { event: 'Order Completed', count: { op: 'gte', value: 1 }, within: '30d' },
    { not: { event: 'Order Completed', within: '7d' } },
  ],
};

try {
  const engine = await Engine.open({ dataDir });
  const boot = await bootstrapIfEmpty(engine.store, engine, {
    adminEmail: 'bench@example.com',
    adminPassword: 'bench password 1',
    adminToken: 'tdm_bench_audiences_owner_0',
    writeKey: 'wk_bench_audiences',
  });
  const { workspaceId, sourceId } =
    boot ??
    (await engine.store.db
      .selectFrom('sources')
      .select(['workspace_id as workspaceId', 'source_id as sourceId'])
      .where('write_key', '=', 'wk_bench_audiences')
      .executeTakeFirstOrThrow());
  if (boot) {
    const seconds = writeData(engine.store.sqlite, workspaceId, sourceId);
    console.log(`data written in ${fmt(seconds, 1)} s (bulk, not part of the figures)`);
  }
  // The bulk write's WAL copied back now, not during the figures.
  engine.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');

  const scope = { computedTraits: new Map(), audiences: new Map() };
  const compiled = audiencesModule.compileRule(RULE, scope);
  const query = { db: engine.store.db, kind: 'sqlite', workspaceId, rule: compiled.value, now: Date.now() };
  let started = performance.now();
  const members = await audiencesModule.profilesMeeting(query);
  const fullMs = performance.now() - started;
  started = performance.now();
  const preview = await engine.audiences.preview(workspaceId, RULE);
  const previewMs = performance.now() - started;
  if (preview.value.count !== members.length) throw new Error('preview and full evaluation disagree');

  // The audience is stored without evaluating the whole workspace (that would append an
  // Audience Entered event per member); streamed events then bring profiles in one by one.
  const now = new Date().toISOString();
  // A reused store: the audiences earlier runs created and edited go (aud_bench stays).
  for (const earlier of (await engine.audiences.list(workspaceId, { limit: 100 })).data)
    if (earlier.id !== 'aud_bench') await engine.audiences.delete(workspaceId, earlier.id);
  await engine.store.db
    .insertInto('audiences')
    .values({
      workspace_id: workspaceId,
      audience_id: 'aud_bench',
      name: 'bench',
      rule: JSON.stringify(RULE),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const stream =
    MODE === 'edits'
      ? { p50: Number.NaN, p99: Number.NaN, rate: 0, samples: 0 }
      : await streamEvents(engine, { workspaceId, sourceId });
  if (MODE === 'edits') {
    engine.pipeline.start((error) => console.error(error));
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  const edits = await editUnderLoad(engine, { workspaceId, sourceId });
  await engine.close();

  printTable('Results', [
    ['measure', 'value', 'target', 'ok'],
    [
      `full evaluation, 3 conditions (ms; ${fmt(members.length)} members)`,
      fmt(fullMs),
      '< 2,000',
      fullMs < 2000 ? 'yes' : 'NO',
    ],
    ['preview count + sample (ms)', fmt(previewMs), '< 1,000', previewMs < 1000 ? 'yes' : 'NO'],
    [`create under load: full evaluation, ~${fmt(members.length)} members (ms)`, fmt(edits.createMs), '', ''],
    [`edit under load: full evaluation, then ${fmt(edits.edited)} members (ms)`, fmt(edits.editMs), '', ''],
    [
      `  longest pipeline write transaction during create + edit (ms; ${fmt(edits.holds)} held)`,
      fmt(edits.longestHoldMs, 1),
      '< 100',
      edits.longestHoldMs < 100 ? 'yes' : 'NO',
    ],
    [`    p99 of those holds (ms; ${fmt(edits.holdsOver100)} over 100 ms)`, fmt(edits.holdP99, 1), '', ''],
    [
      `    same load for 5 s before the create: longest, p99 (ms; ${fmt(edits.baselineHoldsOver100)} over 100 ms)`,
      `${fmt(edits.baselineLongestHold, 1)}, ${fmt(edits.baselineHoldP99, 1)}`,
      '',
      '',
    ],
    [
      `  ingestion ack p99 during create + edit (ms; ${fmt(edits.acks)} requests, p50 ${fmt(edits.ackP50, 1)})`,
      fmt(edits.ackP99, 1),
      '< 50',
      edits.ackP99 < 50 ? 'yes' : 'NO',
    ],
    ['    same load for 5 s before the create (ms)', fmt(edits.baselineP99, 1), '', ''],
    [`event accepted → membership updated p50 (ms)`, fmt(stream.p50, 1), '', ''],
    [
      `event accepted → membership updated p99 (ms)`,
      fmt(stream.p99, 1),
      '< 50',
      stream.p99 < 50 ? 'yes' : 'NO',
    ],
    [
      `  streamed events/s (target ${fmt(RATE)}; ${fmt(ORDER_SHARE * 100)} % orders), entries timed`,
      `${fmt(stream.rate)} / ${fmt(stream.samples)}`,
      '',
      '',
    ],
  ]);
} finally {
  // BENCH_KEEP_DATA=1 keeps the store, to study query plans on it.
  if (process.env.BENCH_KEEP_DATA === '1' || reused) console.log(`data kept in ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}

/** Profiles (user id, plan trait) and their events, written as unify would have left them. */
function writeData(sqlite, workspaceId, sourceId) {
  const started = performance.now();
  const nowMs = Date.now();
  const at = new Date(nowMs - 100 * DAY).toISOString();
  const profile = sqlite.prepare(
    `INSERT INTO profiles (workspace_id, profile_id, merged_into, event_count, created_at, updated_at) VALUES (?, ?, NULL, 0, ?, ?)`,
  );
  const identifier = sqlite.prepare(
    `INSERT INTO profile_identifiers (workspace_id, value, type, profile_id, first_seen, last_seen) VALUES (?, ?, 'user_id', ?, ?, ?)`,
  );
  const trait = sqlite.prepare(
    `INSERT INTO profile_traits (workspace_id, profile_id, name, value, value_text, priority, set_at, message_id, first_seen, last_seen, previous_value)
     VALUES (?, ?, 'plan', ?, ?, 0, ?, 'm', ?, ?, NULL)`,
  );
  const event = sqlite.prepare(
    `INSERT INTO events (seq, workspace_id, event_id, source_id, message_id, type, event, user_id, anonymous_id, timestamp, original_timestamp, sent_at, received_at, payload)
     VALUES (?, ?, ?, ?, ?, 'track', ?, ?, NULL, ?, NULL, NULL, ?, ?)`,
  );
  const attribution = sqlite.prepare(
    `INSERT INTO profile_events (seq, workspace_id, profile_id, timestamp, event) VALUES (?, ?, ?, ?, ?)`,
  );
  let seq = 1_000_000_000; // above anything the bootstrap wrote
  let random = 42;
  const next = () => {
    random = (random * 1103515245 + 12345) % 2147483648;
    return random / 2147483648;
  };
  const chunk = sqlite.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const id = profileId(i);
      profile.run(workspaceId, id, at, at);
      identifier.run(workspaceId, `user-${i}`, id, at, at);
      const plan = i % 3 === 0 ? 'pro' : 'free';
      trait.run(workspaceId, id, JSON.stringify(plan), plan, at, at, at);
      const count = Math.floor((EVENTS / PROFILES) * (0.5 + next()));
      for (let k = 0; k < count; k++) {
        const name = next() < 0.2 ? 'Order Completed' : 'Page Viewed';
        const timestamp = new Date(nowMs - Math.floor(next() * 90 * DAY)).toISOString();
        const s = seq++;
        const payload = JSON.stringify({
          type: 'track',
          event: name,
          userId: `user-${i}`,
          properties: { total: Math.floor(next() * 200) },
        });
        event.run(
          s,
          workspaceId,
          `evt_b${s}`,
          sourceId,
          `b${s}`,
          name,
          `user-${i}`,
          timestamp,
          timestamp,
          payload,
        );
        attribution.run(s, workspaceId, id, timestamp, name);
      }
    }
  });
  for (let from = 0; from < PROFILES; from += 20_000) chunk(from, Math.min(PROFILES, from + 20_000));
  // The bulk data is already projected: both stages start after it.
  for (const stage of ['unify', 'segment']) {
    sqlite
      .prepare(
        `INSERT INTO pipeline_checkpoints (stage, txid, seq, updated_at) VALUES (?, 0, ?, ?) ON CONFLICT (stage) DO UPDATE SET seq = excluded.seq`,
      )
      .run(stage, seq - 1, new Date().toISOString());
  }
  sqlite.exec('ANALYZE');
  return (performance.now() - started) / 1000;
}

/**
 * Creates, then edits, an audience while events are ingested at EDIT_RATE; times each
 * acknowledgement and, from a watcher thread, each hold of the write turn by the pipeline thread.
 */
async function editUnderLoad(engine, source) {
  const acks = [];
  const baseline = [];
  let baselineFrom = Number.POSITIVE_INFINITY;
  let loading = true;
  let from = Number.POSITIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  const load = (async () => {
    const perTick = Math.max(1, Math.round(EDIT_RATE / 100));
    let n = 0;
    const pending = [];
    const started = performance.now();
    while (loading) {
      const calls = [];
      for (let k = 0; k < perTick; k++, n++) {
        const i = (n * 7919) % PROFILES;
        calls.push(
          n % 10 === 0
            ? { type: 'track', userId: `user-${i}`, event: 'Order Completed', messageId: `edit-o${n}` }
            : { type: 'track', userId: `user-${i}`, event: 'Page Viewed', messageId: `edit-p${n}` },
        );
      }
      const sentAt = performance.now();
      // Timed when sent during the create or the edit.
      pending.push(
        engine.collector.collect({ source, calls, request: {} }).then(() => {
          if (sentAt >= from && sentAt <= until) acks.push(performance.now() - sentAt);
          else if (sentAt >= baselineFrom && sentAt < from) baseline.push(performance.now() - sentAt);
        }),
      );
      const wait = started + (n / EDIT_RATE) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await Promise.all(pending);
  })();
  // A second of load first, so the figures cover steady ingestion, not its start; then 5 s of
  // load alone, for the baseline of both figures.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // control: [0] stop, [1] phase (0 before the create, 1 during the create and the edit).
  const control = new Int32Array(new SharedArrayBuffer(8));
  const watcher = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
    const cells = new Int32Array(workerData.turn);
    const control = new Int32Array(workerData.control);
    const HOLDER = 0, PIPELINE = 2;
    const holds = [[], []];
    parentPort.postMessage('ready');
    while (Atomics.load(control, 0) === 0) {
      const holder = Atomics.load(cells, HOLDER);
      // A taken turn is seen within 1 ms (taking it notifies no one); its release at once (a
      // release notifies, so a transaction that follows at once is timed apart).
      if (holder !== PIPELINE) { Atomics.wait(cells, HOLDER, holder, 1); continue; }
      const start = performance.now();
      const phase = Atomics.load(control, 1);
      while (Atomics.wait(cells, HOLDER, PIPELINE, 5) === 'timed-out' && Atomics.load(control, 0) === 0);
      holds[phase].push(performance.now() - start);
    }
    parentPort.postMessage(holds);`,
    { eval: true, workerData: { turn: engine.store.writeTurn.buffer, control: control.buffer } },
  );
  await new Promise((resolve) => watcher.once('message', resolve));
  const watched = new Promise((resolve) => watcher.on('message', resolve));
  baselineFrom = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 5000));
  Atomics.store(control, 1, 1);
  from = performance.now();
  let started = from;
  const created = await engine.audiences.create(source.workspaceId, { name: 'bench, edited', rule: RULE });
  const createMs = performance.now() - started;
  if (!created.ok) throw new Error(`audience create failed: ${JSON.stringify(created.error)}`);
  const membersOf = async () =>
    Number(
      (
        await engine.store.db
          .selectFrom('audience_members')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('audience_id', '=', created.value.id)
          .where('exited_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
  started = performance.now();
  const edited = await engine.audiences.update(source.workspaceId, created.value.id, { rule: EDITED_RULE });
  const editMs = performance.now() - started;
  if (!edited.ok) throw new Error(`audience edit failed: ${JSON.stringify(edited.error)}`);
  until = performance.now();
  Atomics.store(control, 0, 1);
  const afterEdit = await membersOf();
  loading = false;
  await load;
  const [baselineHolds, editHolds] = await watched;
  await watcher.terminate();
  for (const list of [acks, baseline, baselineHolds, editHolds]) list.sort((a, b) => a - b);
  const pick = (q, of = acks) => of[Math.min(of.length - 1, Math.floor(q * of.length))] ?? Number.NaN;
  return {
    createMs,
    editMs,
    edited: afterEdit,
    longestHoldMs: editHolds.at(-1) ?? 0,
    holdP99: pick(0.99, editHolds),
    holds: editHolds.length,
    holdsOver100: editHolds.filter((ms) => ms > 100).length,
    baselineLongestHold: baselineHolds.at(-1) ?? 0,
    baselineHoldP99: pick(0.99, baselineHolds),
    baselineHoldsOver100: baselineHolds.filter((ms) => ms > 100).length,
    acks: acks.length,
    ackP50: pick(0.5),
    ackP99: pick(0.99),
    baselineP99: pick(0.99, baseline),
  };
}

function profileId(i) {
  return `prof_b${String(i).padStart(10, '0')}`;
}

/**
 * Streams traffic at RATE: browsing (Page Viewed, which no audience reads) for random profiles,
 * and a share BENCH_ORDER_SHARE of orders: two orders 8 days apart for a pro profile with no
 * order, the later one making it enter. Each entry is timed from the orders' acknowledgement.
 */
async function streamEvents(engine, source) {
  const acceptedAt = new Map();
  const latencies = [];
  let timedFrom = Number.POSITIVE_INFINITY;
  const off = engine.segment.onChanges((changes) => {
    const at = performance.now();
    for (const change of changes) {
      const accepted = acceptedAt.get(change.profileId);
      if (change.entered && accepted !== undefined && accepted >= timedFrom) latencies.push(at - accepted);
    }
  });
  engine.pipeline.start((error) => console.error(error));
  // Steady state, as in a running server: the pipeline thread has booted, and has run at this
  // rate for BENCH_WARMUP_SECONDS, before entries are timed (its first second is slower: code
  // not yet optimized by V8, caches cold).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const perTick = Math.max(1, Math.round(RATE / 100));
  const total = RATE * (WARMUP_SECONDS + STREAM_SECONDS);
  const started = performance.now();
  timedFrom = started + WARMUP_SECONDS * 1000;
  let sent = 0;
  let n = 0;
  let orderCredit = 0;
  let browsing = 0;
  const pending = [];
  while (sent < total) {
    const calls = [];
    orderCredit += perTick * ORDER_SHARE;
    for (; orderCredit >= 2; orderCredit -= 2, n++) {
      const i = 3 * ((n * 7919) % Math.floor(PROFILES / 3)); // pro profiles
      const userId = `user-${i}`;
      for (const daysAgo of [20, 8]) {
        calls.push({
          type: 'track',
          userId,
          event: 'Order Completed',
          properties: { total: 10 },
          messageId: `s${n}-${daysAgo}`,
          timestamp: new Date(Date.now() - daysAgo * DAY).toISOString(),
        });
      }
    }
    const orders = calls.map((c) => profileId(Number(c.userId.slice(5))));
    while (calls.length < perTick) {
      const i = (browsing * 104729) % PROFILES;
      calls.push({
        type: 'track',
        userId: `user-${i}`,
        event: 'Page Viewed',
        properties: { path: `/products/${browsing % 500}` },
        messageId: `p${browsing++}`,
      });
    }
    pending.push(
      engine.collector.collect({ source, calls, request: {} }).then(() => {
        const now = performance.now();
        for (const id of orders) acceptedAt.set(id, now);
      }),
    );
    sent += calls.length;
    const due = started + (sent / RATE) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(pending);
  const rate = sent / ((performance.now() - started) / 1000);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  off();
  latencies.sort((a, b) => a - b);
  const pick = (q) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { p50: pick(0.5), p99: pick(0.99), rate, samples: latencies.length };
}
