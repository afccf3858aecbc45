import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import {
  PartitionLayoutError,
  partitionOfWorkspace,
  workspaceInPartition,
} from '../pipeline-runtime/index.js';
import { ENGINES, isolatedStoreOptions } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

// Partitions exist on PostgreSQL only (SQLite has one writer and always runs one partition).
const POSTGRES = ENGINES.includes('postgres');

/** "Processes": engines over one PostgreSQL schema, each with its own pool. */
async function sharedStore() {
  const { options, dispose } = await isolatedStoreOptions('postgres');
  const engines: Engine[] = [];
  return {
    options,
    async open(partitions: number) {
      const engine = await Engine.open({ ...options, pipeline: { partitions, pollMs: 50 } });
      engines.push(engine);
      return engine;
    },
    async dispose() {
      for (const engine of engines) await engine.close().catch(() => undefined);
      await dispose();
    },
  };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup) await step();
  cleanup = [];
});
async function store() {
  const shared = await sharedStore();
  cleanup.push(() => shared.dispose());
  return shared;
}

/** Workspaces named ws0…, at least one in each of `partitions`, with a source and a sender. */
async function workspaces(engine: Engine, options: { partitions: number; atLeast: number }) {
  const made: { name: string; id: string; send: (calls: Record<string, unknown>[]) => Promise<void> }[] = [];
  const covered = new Set<number>();
  while (made.length < options.atLeast || covered.size < options.partitions) {
    const name = `ws${made.length}`;
    const { id } = await createWorkspace(engine.store, name);
    covered.add(partitionOfWorkspace(id, options.partitions).index);
    const source = await engine.sources.create(id, { name: 'web' });
    let n = 0;
    made.push({
      name,
      id,
      async send(calls) {
        const stamped = calls.map((call) => ({
          messageId: `${name}-${++n}`,
          timestamp: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
          ...call,
        }));
        const result = await engine.collector.collect({
          source: { workspaceId: id, sourceId: source.id },
          calls: stamped,
          request: {},
        });
        expect(result.rejected).toEqual([]);
      },
    });
  }
  return made;
}

/** A seeded stream of calls for one workspace: visitors, sign-ups that merge them, orders. */
function callsOf(seed: number, count: number): Record<string, unknown>[] {
  let state = seed;
  // mulberry32: small, seeded, and well spread in its low bits.
  const next = (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  return Array.from({ length: count }, () => {
    const person = next(12);
    switch (next(4)) {
      case 0:
        return { type: 'page', anonymousId: `a${person}` };
      case 1:
        return {
          type: 'identify',
          anonymousId: `a${person}`,
          userId: `u${person % 8}`,
          traits: { plan: next(2) === 0 ? 'pro' : 'free', email: `p${person % 8}@example.com` },
        };
      default:
        return {
          type: 'track',
          userId: `u${person % 8}`,
          event: 'Order Completed',
          properties: { total: 10 },
        };
    }
  });
}

/** Defines the same computed trait and audience in a workspace of any engine. */
async function defineSegments(engine: Engine, workspaceId: string) {
  const trait = await engine.computedTraits.create(workspaceId, {
    name: 'orders',
    kind: 'count',
    event: 'Order Completed',
  });
  expect(trait.ok).toBe(true);
  const audience = await engine.audiences.create(workspaceId, {
    name: 'pro buyers',
    rule: {
      all: [
        { trait: 'plan', op: 'eq', value: 'pro' },
        { event: 'Order Completed', count: { op: 'gte', value: 2 } },
      ],
    },
  });
  expect(audience.ok).toBe(true);
}

/**
 * What the pipeline made of a workspace, independent of ids: each live profile by its
 * identifiers, with its traits, computed traits, audiences and its non-audience event count.
 */
async function outcome(engine: Engine, workspaceId: string) {
  const db = engine.store.db;
  const live = await db
    .selectFrom('profiles')
    .select(['profile_id', 'event_count'])
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .execute();
  const profiles = [];
  for (const { profile_id: profileId, event_count: eventCount } of live) {
    const identifiers = (
      await db
        .selectFrom('profile_identifiers')
        .select(['type', 'value'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .execute()
    )
      .map((identifier) => `${identifier.type}:${identifier.value}`)
      .sort();
    const events = await db
      .selectFrom('profile_events')
      .select('event')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .execute();
    // Each event counted once: the profile's counter agrees with its attributed events.
    expect(Number(eventCount)).toBe(events.length);
    const traits = await db
      .selectFrom('profile_traits')
      .select(['name', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .orderBy('name')
      .execute();
    const computed = await db
      .selectFrom('computed_trait_values')
      .select('value')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .execute();
    const audiences = await db
      .selectFrom('audience_members')
      .select('audience_id')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .where('exited_at', 'is', null)
      .execute();
    profiles.push({
      identifiers: identifiers.join(' '),
      traits: Object.fromEntries(traits.map((t) => [t.name, t.value])),
      computed: computed.map((c) => c.value),
      audiences: audiences.length,
      events: events.filter((e) => e.event !== 'Audience Entered' && e.event !== 'Audience Exited').length,
    });
  }
  return profiles.sort((a, b) => a.identifiers.localeCompare(b.identifiers));
}

/** Until every checkpoint row sits at the log's last position (both stages, all partitions). */
async function waitUntilSettled(engine: Engine, rows: number) {
  for (let attempt = 0; attempt < 600; attempt++) {
    const { rows: last } = await sql<{ txid: string; seq: string }>`SELECT txid, seq FROM events
        ORDER BY txid DESC, seq DESC LIMIT 1`.execute(engine.store.db);
    const checkpoints = await engine.store.db
      .selectFrom('pipeline_checkpoints')
      .select(['txid', 'seq'])
      .execute();
    const end = last[0];
    if (
      end &&
      checkpoints.length === rows &&
      checkpoints.every((c) => String(c.txid) === String(end.txid) && String(c.seq) === String(end.seq))
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the pipelines did not settle');
}

async function unifyCheckpoints(engine: Engine) {
  const rows = await engine.store.db
    .selectFrom('pipeline_checkpoints')
    .select(['stage', 'seq'])
    .where('stage', 'like', 'unify%')
    .orderBy('stage')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.stage, Number(row.seq)]));
}

describe.skipIf(!POSTGRES)('partitioned, leased pipeline on postgres', () => {
  it('hashes a workspace to the same partition in SQL as in code', async () => {
    const shared = await store();
    const engine = await shared.open(1);
    const ids = Array.from({ length: 40 }, (_, i) => `workspace-${i}-${Math.random()}`);
    for (const count of [2, 4, 7]) {
      for (const id of ids) {
        const { index } = partitionOfWorkspace(id, count);
        const { rows } = await sql<{
          inside: boolean;
        }>`SELECT ${workspaceInPartition({ index, count })} AS inside
            FROM (SELECT ${id}::text AS workspace_id) w`.execute(engine.store.db);
        expect(rows[0]?.inside).toBe(true);
      }
    }
  });

  it('two processes over four partitions end where one process does, no event processed twice', async () => {
    const reference = await (await store()).open(1);
    const shared = await store();
    const first = await shared.open(4);
    const second = await shared.open(4);
    const sent = await workspaces(first, { partitions: 4, atLeast: 6 });
    const mirrored = await workspaces(reference, { partitions: 1, atLeast: sent.length });
    for (const [i, ws] of sent.entries()) {
      await defineSegments(first, ws.id);
      await defineSegments(reference, mirrored[i]?.id ?? '');
    }
    const streams = sent.map((_, i) => callsOf(i + 1, 240));
    const sendChunk = async (chunk: number) => {
      for (const [i, calls] of streams.entries()) {
        const part = calls.slice(chunk * 40, chunk * 40 + 40);
        await sent[i]?.send(part);
        await mirrored[i]?.send(part);
      }
    };
    await sendChunk(0);
    await sendChunk(1);
    // Both processes run their loops while the rest arrives.
    const errors: unknown[] = [];
    first.pipeline.start((error) => errors.push(error));
    second.pipeline.start((error) => errors.push(error));
    for (let chunk = 2; chunk < 6; chunk++) await sendChunk(chunk);
    await waitUntilSettled(first, 12);
    await first.pipeline.stop();
    await second.pipeline.stop();
    expect(errors).toEqual([]);

    for (let round = 0; round < 2; round++) {
      await reference.pipeline.catchUp();
      await reference.segment.catchUp();
    }
    let members = 0;
    for (const [i, ws] of sent.entries()) {
      const expected = await outcome(reference, mirrored[i]?.id ?? '');
      expect(expected.length).toBeGreaterThan(1);
      expect(await outcome(first, ws.id)).toEqual(expected);
      members += expected.filter((profile) => profile.audiences > 0 && profile.computed.length > 0).length;
    }
    expect(members).toBeGreaterThan(0);
    // Every event sent was attributed exactly once.
    const { rows } = await sql<{ attributed: string }>`SELECT count(*) AS attributed FROM profile_events
        WHERE event IS NULL OR event NOT LIKE 'Audience %'`.execute(first.store.db);
    expect(Number(rows[0]?.attributed)).toBe(streams.flat().length);
  });

  it("leaves a held partition to its holder and takes it over once the holder's connection dies", async () => {
    const shared = await store();
    const engine = await shared.open(4);
    const sent = await workspaces(engine, { partitions: 4, atLeast: 4 });
    for (const [i, ws] of sent.entries()) await ws.send(callsOf(i + 7, 30));
    await engine.pipeline.prepare();
    const held = partitionOfWorkspace(sent[0]?.id ?? '', 4);
    const heldName = `unify#${held.index}/4`;

    // Another process, mid-batch on that partition: its checkpoint row locked in a transaction.
    const holder = new pg.Client({
      connectionString: shared.options.databaseUrl,
      options: `-c search_path=${shared.options.postgresSchema}`,
    });
    holder.on('error', () => undefined);
    await holder.connect();
    // First of the clean-ups: the store cannot be dropped while it holds its lock.
    cleanup.unshift(() => holder.end().catch(() => undefined));
    await holder.query('BEGIN');
    await holder.query('SELECT seq FROM pipeline_checkpoints WHERE stage = $1 FOR UPDATE', [heldName]);
    const {
      rows: [{ pid }],
    } = await holder.query('SELECT pg_backend_pid() AS pid');

    while ((await engine.pipeline.runBatch()) > 0) {}
    for (const ws of sent) {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM profiles
          WHERE workspace_id = ${ws.id}`.execute(engine.store.db);
      const inHeld = partitionOfWorkspace(ws.id, 4).index === held.index;
      expect(Number(rows[0]?.n) > 0).toBe(!inHeld);
    }
    const positions = await unifyCheckpoints(engine);
    expect(positions[heldName]).toBe(0);
    expect(Object.values(positions).filter((seq) => seq > 0)).toHaveLength(3);
    // Lag is that of the partition furthest behind: the held one.
    const [status] = await engine.pipeline.status();
    expect(status?.checkpointSeq).toBe(0);
    expect(status?.lagEvents).toBeGreaterThan(0);
    await expect(engine.pipeline.catchUp(300)).rejects.toThrow(/timed out/);

    // The holder crashes: its connection ends, and with it the lock.
    await sql`SELECT pg_terminate_backend(${pid})`.execute(engine.store.db);
    await engine.pipeline.catchUp();
    for (const ws of sent) {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM profiles
          WHERE workspace_id = ${ws.id}`.execute(engine.store.db);
      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    }
    expect(Object.values(await unifyCheckpoints(engine)).every((seq) => seq > 0)).toBe(true);
  });

  it("backfills a new computed trait up to its workspace's partition of the segment stage", async () => {
    const shared = await store();
    const engine = await shared.open(4);
    const [ws] = await workspaces(engine, { partitions: 1, atLeast: 1 });
    if (!ws) throw new Error('no workspace');
    await ws.send([1, 2, 3].map(() => ({ type: 'track', userId: 'u1', event: 'Order Completed' })));
    await engine.pipeline.catchUp();
    await engine.segment.catchUp();
    const trait = await engine.computedTraits.create(ws.id, {
      name: 'orders',
      kind: 'count',
      event: 'Order Completed',
    });
    expect(trait.ok).toBe(true);
    const values = await engine.store.db
      .selectFrom('computed_trait_values')
      .select('value')
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(values.map((v) => v.value)).toEqual(['3']);
  });

  it("unmerges within its workspace's partition of every stage", async () => {
    const shared = await store();
    const engine = await shared.open(4);
    const [ws] = await workspaces(engine, { partitions: 1, atLeast: 1 });
    if (!ws) throw new Error('no workspace');
    await defineSegments(engine, ws.id);
    await ws.send([
      { type: 'identify', userId: 'u1', traits: { plan: 'pro' } },
      { type: 'page', userId: 'u1' },
      { type: 'identify', anonymousId: 'a1', traits: { plan: 'pro' } },
      { type: 'track', anonymousId: 'a1', event: 'Order Completed' },
      { type: 'track', anonymousId: 'a1', event: 'Order Completed' },
      { type: 'track', anonymousId: 'a1', userId: 'u1', event: 'Link' },
    ]);
    await engine.pipeline.catchUp();
    const merged = await engine.profiles.lookup(ws.id, 'user_id', 'u1');
    expect(merged.computedTraits).toEqual({ orders: 2 });
    const [merge] = await engine.identity.mergesOf(ws.id, merged.id);
    if (!merge) throw new Error('no merge');
    await engine.pipeline.unmerge({ workspaceId: ws.id, profileId: merged.id, mergeId: merge.id });
    await engine.pipeline.catchUp();
    const byUser = await engine.profiles.lookup(ws.id, 'user_id', 'u1');
    const byAnonymous = await engine.profiles.lookup(ws.id, 'anonymous_id', 'a1');
    expect(byUser.id).not.toBe(byAnonymous.id);
    expect([byUser, byAnonymous].map((p) => [p.computedTraits, p.audiences.map((a) => a.name)])).toEqual([
      [{ orders: 0 }, []],
      [{ orders: 2 }, ['pro buyers']],
    ]);
  });

  it('changes the partition count only while all checkpoints of a stage are at one position', async () => {
    const shared = await store();
    const single = await shared.open(1);
    const sent = await workspaces(single, { partitions: 4, atLeast: 4 });
    for (const [i, ws] of sent.entries()) await ws.send(callsOf(i + 3, 20));
    await single.pipeline.catchUp();
    await single.segment.catchUp();
    const before = await unifyCheckpoints(single);

    // One row is always at one position: 1 → 4 takes over where it was.
    const four = await shared.open(4);
    await four.pipeline.prepare();
    const taken = await unifyCheckpoints(four);
    expect(Object.keys(taken)).toEqual(['unify#0/4', 'unify#1/4', 'unify#2/4', 'unify#3/4']);
    expect(new Set(Object.values(taken))).toEqual(new Set([before.unify]));

    // One batch moves one partition ahead of the others: no other count may take over now.
    for (const [i, ws] of sent.entries()) await ws.send(callsOf(i + 11, 20));
    expect(await four.pipeline.runBatch(5)).toBeGreaterThan(0);
    await expect((await shared.open(2)).pipeline.prepare()).rejects.toThrow(PartitionLayoutError);
    await expect((await shared.open(1)).pipeline.runBatch()).rejects.toThrow(/another partition count/);

    // Caught up, every partition meets the others at the log's end: 4 → 2 is safe.
    await four.pipeline.catchUp();
    await four.segment.catchUp();
    const attributed = await single.store.db.selectFrom('profile_events').select('seq').execute();
    const two = await shared.open(2);
    await two.pipeline.prepare();
    expect(Object.keys(await unifyCheckpoints(two))).toEqual(['unify#0/2', 'unify#1/2']);
    expect(await two.pipeline.catchUp()).toBe(0);
    expect(await two.store.db.selectFrom('profile_events').select('seq').execute()).toHaveLength(
      attributed.length,
    );
  });
});
