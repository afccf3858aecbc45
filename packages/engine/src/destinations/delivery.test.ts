import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { ENGINES, isolatedStoreOptions, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import type { ConsentChecker } from './delivery-options.js';
import { TestReceiver } from './test-receiver.js';

type TestEngine = Engine & { dispose(): Promise<void> };

const KEY = Buffer.alloc(32, 7);
const SECRET = 'whsec_test_secret';

describe.each(ENGINES)('delivery to webhooks on %s', (kind) => {
  let engine: TestEngine;
  // Consent, injected: profiles listed here are refused the `marketing` purpose.
  const refused = new Set<string>();
  const consent: ConsentChecker = async (_db, _ws, profileIds) =>
    new Set(profileIds.filter((id) => !refused.has(id)));

  beforeAll(async () => {
    engine = await openTestEngine(kind, {
      delivery: {
        secretKey: KEY,
        allowPrivateNetworks: true,
        baseBackoffMs: 20,
        maxBackoffMs: 200,
        maxAttempts: 40,
        pollMs: 100,
        sendTimeoutMs: 2000,
        consent,
        log: (level, message, fields) => {
          if (level === 'error') console.error(message, fields);
        },
      },
      pipeline: { pollMs: 50 },
    });
    engine.pipeline.start();
    engine.dispatcher.start();
  });
  afterAll(async () => {
    await engine.dispose();
  });

  async function workspace() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    let n = 0;
    return {
      workspaceId,
      async send(...calls: Record<string, unknown>[]) {
        const stamped = calls.map((call) => ({ messageId: `m${++n}-${Math.random()}`, ...call }));
        const result = await engine.collector.collect({
          source: { workspaceId, sourceId: source.id },
          calls: stamped,
          request: {},
        });
        expect(result.rejected).toEqual([]);
      },
      async webhook(url: string, extra: Record<string, unknown> = {}) {
        const created = await engine.destinations.create(workspaceId, {
          name: `hook ${n}`,
          type: 'webhook',
          config: { url, secret: SECRET, headers: { 'x-api-key': 'k-123' } },
          subscriptions: [{ kind: 'event', filter: { type: 'track' } }],
          ...extra,
        });
        if (!created.ok) throw new Error(JSON.stringify(created.error));
        return created.value;
      },
    };
  }

  it('keeps secrets sealed at rest and out of answers', async () => {
    const ws = await workspace();
    const destination = await ws.webhook('http://user:pa55@127.0.0.1:9/hook');
    expect(JSON.stringify(destination)).not.toContain(SECRET);
    expect(JSON.stringify(destination)).not.toContain('k-123');
    expect(JSON.stringify(destination)).not.toContain('pa55');
    expect(destination.secrets.sort()).toEqual(['headers', 'secret']);
    expect(destination.config).toMatchObject({
      url: 'http://user:***@127.0.0.1:9/hook',
      headers: { 'x-api-key': '***' },
    });
    const row = await engine.store.db
      .selectFrom('destinations')
      .selectAll()
      .where('destination_id', '=', destination.id)
      .executeTakeFirstOrThrow();
    expect(`${row.config}${row.secrets}`).not.toContain(SECRET);
    expect(`${row.config}${row.secrets}`).not.toContain('k-123');
    // Answered back masked, a PATCH keeps the stored secrets.
    const patched = await engine.destinations.update(ws.workspaceId, destination.id, {
      name: 'renamed',
      config: destination.config,
    });
    expect(patched.ok).toBe(true);
    const opened = await engine.destinations.forSending(ws.workspaceId, destination.id);
    expect(opened?.config).toMatchObject({
      url: 'http://user:pa55@127.0.0.1:9/hook',
      secret: SECRET,
      headers: { 'x-api-key': 'k-123' },
    });
  });

  it('refuses link-local and metadata addresses always, private ones unless allowed', async () => {
    const ws = await workspace();
    for (const url of [
      'http://169.254.169.254/latest',
      'http://[fe80::1]/x',
      'http://[::ffff:169.254.169.254]/',
      // The metadata address through a NAT64 gateway, 6to4, and IPv4-compatible.
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[2002:a9fe:a9fe::1]/',
      'http://[::169.254.169.254]/',
    ]) {
      const created = await engine.destinations.create(ws.workspaceId, {
        name: 'bad',
        type: 'webhook',
        config: { url },
      });
      expect(created.ok, url).toBe(false);
      if (!created.ok) expect(created.error.details[0]?.path).toBe('config.url');
    }
    const { addressRefusal } = await import('./safe-address.js');
    expect(addressRefusal('127.0.0.1', false)).toMatch(/TANDEM_ALLOW_PRIVATE_DESTINATIONS/);
    expect(addressRefusal('10.1.2.3', false)).toBeDefined();
    expect(addressRefusal('127.0.0.1', true)).toBeUndefined();
    expect(addressRefusal('169.254.169.254', true)).toMatch(/link-local/);
    expect(addressRefusal('93.184.216.34', false)).toBeUndefined();
    expect(addressRefusal('64:ff9b::7f00:1', false)).toMatch(/TANDEM_ALLOW_PRIVATE_DESTINATIONS/);
    expect(addressRefusal('64:ff9b::5db8:d822', false)).toBeUndefined();
  });

  it('delivers each matching event, signed, with a stable delivery id and the contract body', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      const destination = await ws.webhook(receiver.url, {
        subscriptions: [
          {
            kind: 'event',
            filter: {
              type: 'track',
              event: 'Order Completed',
              where: [{ property: 'total', op: 'gt', value: 10 }],
            },
          },
        ],
      });
      await ws.send(
        { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com' } },
        { type: 'track', userId: 'ada', event: 'Order Completed', properties: { total: 42 } },
        { type: 'track', userId: 'ada', event: 'Order Completed', properties: { total: 5 } },
        { type: 'track', userId: 'ada', event: 'Page Viewed' },
      );
      await receiver.until(() => receiver.accepted.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.accepted).toHaveLength(1);
      const [hit] = receiver.accepted;
      const expected = `sha256=${createHmac('sha256', SECRET)
        .update(hit?.raw ?? '')
        .digest('hex')}`;
      expect(hit?.headers['x-tandem-signature']).toBe(expected);
      expect(hit?.headers['x-api-key']).toBe('k-123');
      expect(hit?.headers['x-tandem-delivery-id']).toBe(hit?.body.deliveryId);
      expect(hit?.body).toMatchObject({
        type: 'event',
        event: { type: 'track', event: 'Order Completed' },
        profile: {
          traits: { email: 'ada@example.com' },
          identities: expect.arrayContaining([{ type: 'user_id', value: 'ada' }]),
        },
      });
      const log = await engine.destinations.deliveries(ws.workspaceId, destination.id, {
        limit: 10,
        status: 'delivered',
      });
      expect(log.data).toHaveLength(1);
      expect(log.data[0]).toMatchObject({ attempts: 1, lastStatusCode: 200, status: 'delivered' });
    } finally {
      await receiver.stop();
    }
  });

  it('holds what happens while a destination is paused and sends it, in order, once resumed', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      const destination = await ws.webhook(receiver.url);
      const step = (when: string) => ({
        type: 'track',
        userId: 'pauser',
        event: 'Step',
        properties: { when },
      });
      const received = () =>
        receiver.accepted.map(
          (r) => (r.body.event as { payload: { properties: { when: string } } }).payload.properties.when,
        );
      await ws.send(step('before'));
      await receiver.until(() => receiver.accepted.length >= 1);

      const paused = await engine.destinations.update(ws.workspaceId, destination.id, { enabled: false });
      expect(paused.ok).toBe(true);
      await ws.send(step('during'));
      await engine.pipeline.catchUp();
      // Outboxed, not sent: the delivery waits for the destination to be resumed.
      const held = await engine.destinations.deliveries(ws.workspaceId, destination.id, {
        limit: 10,
        status: 'pending',
      });
      expect(held.data).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(received()).toEqual(['before']);

      const resumed = await engine.destinations.update(ws.workspaceId, destination.id, { enabled: true });
      expect(resumed.ok).toBe(true);
      await ws.send(step('after'));
      await receiver.until(() => receiver.accepted.length >= 3);
      await new Promise((r) => setTimeout(r, 200));
      expect(received()).toEqual(['before', 'during', 'after']);
    } finally {
      await receiver.stop();
    }
  });

  it('writes nothing for a deleted destination', async () => {
    const ws = await workspace();
    const destination = await ws.webhook('http://127.0.0.1:9/hook');
    await engine.destinations.delete(ws.workspaceId, destination.id);
    await ws.send({ type: 'track', userId: 'gone', event: 'After Delete' });
    await engine.pipeline.catchUp();
    const left = await engine.store.db
      .selectFrom('deliveries')
      .select('delivery_id')
      .where('workspace_id', '=', ws.workspaceId)
      .execute();
    expect(left).toEqual([]);
  });

  it('delivers everything to a receiver failing half the requests, duplicates with the same id, each profile in order', async () => {
    // Fails every other request; answers slowly.
    const receiver = new TestReceiver({ answer: ({ n }) => (n % 2 === 0 ? 503 : 200), delayMs: 5 });
    await receiver.start();
    try {
      const ws = await workspace();
      await ws.webhook(receiver.url);
      const people = ['p1', 'p2', 'p3', 'p4'];
      const perPerson = 15;
      for (let i = 0; i < perPerson; i++)
        await ws.send(...people.map((p) => ({ type: 'track', userId: p, event: 'Step', properties: { i } })));
      const total = people.length * perPerson;
      const ids = () => new Set(receiver.accepted.map((r) => r.body.deliveryId));
      await receiver
        .until(() => ids().size >= total, 20_000)
        .catch(async (error) => {
          const rows = await engine.store.db
            .selectFrom('deliveries')
            .select([
              'profile_id',
              'status',
              'attempts',
              'ord',
              'next_attempt_at',
              'lease_until',
              'last_error',
            ])
            .where('workspace_id', '=', ws.workspaceId)
            .orderBy('profile_id')
            .orderBy('ord')
            .execute();
          console.log(
            new Date().toISOString(),
            JSON.stringify(
              rows.filter((r) => r.status !== 'delivered'),
              null,
              0,
            ),
          );
          throw error;
        });
      expect(ids().size).toBe(total);
      // Every request with a given id carried the same body.
      const bodies = new Map<string, string>();
      for (const r of receiver.received) {
        const id = String(r.headers['x-tandem-delivery-id']);
        expect(bodies.get(id) ?? r.raw).toBe(r.raw);
        bodies.set(id, r.raw);
      }
      // Per person, the accepted deliveries arrive in the order of the events.
      for (const p of people) {
        const seen = receiver.accepted
          .filter((r) => (r.body.event as { userId: string }).userId === p)
          .map((r) => (r.body.event as { payload: { properties: { i: number } } }).payload.properties.i);
        const firsts = seen.filter((i, k) => seen.indexOf(i) === k);
        expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
        expect(new Set(seen).size).toBe(perPerson);
      }
    } finally {
      await receiver.stop();
    }
  });

  it('keeps delivering to a healthy destination while another is down, then drains the other', async () => {
    const healthy = new TestReceiver();
    const down = new TestReceiver();
    await healthy.start();
    await down.start();
    const downUrl = down.url;
    await down.stop();
    try {
      const ws = await workspace();
      await ws.webhook(healthy.url);
      await ws.webhook(downUrl);
      const started = Date.now();
      for (let i = 0; i < 10; i++)
        await ws.send({ type: 'track', userId: `d${i % 3}`, event: 'Tick', properties: { i } });
      await healthy.until(() => healthy.accepted.length >= 10, 10_000);
      expect(Date.now() - started).toBeLessThan(5000);
      // Back up on the same port: the backlog drains.
      await down.start(Number(new URL(downUrl).port));
      await down.until(() => new Set(down.accepted.map((r) => r.body.deliveryId)).size >= 10, 20_000);
    } finally {
      await healthy.stop();
      await down.stop();
    }
  });

  it('sends each delivery once while slow sends are in flight, each profile in order', async () => {
    // Every send takes a while: later claims run while earlier rows are in flight and must
    // look past them (on SQLite their lease is the worker's memory, not the table).
    const receiver = new TestReceiver({ delayMs: 300 });
    await receiver.start();
    try {
      const ws = await workspace();
      await ws.webhook(receiver.url);
      const people = Array.from({ length: 12 }, (_, i) => `slow${i}`);
      for (let i = 0; i < 4; i++)
        await ws.send(...people.map((p) => ({ type: 'track', userId: p, event: 'Slow', properties: { i } })));
      await receiver.until(() => receiver.accepted.length >= people.length * 4, 20_000);
      const ids = receiver.received.map((r) => String(r.headers['x-tandem-delivery-id']));
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of people) {
        const seen = receiver.accepted
          .filter((r) => (r.body.event as { userId: string }).userId === p)
          .map((r) => (r.body.event as { payload: { properties: { i: number } } }).payload.properties.i);
        expect(seen).toEqual([0, 1, 2, 3]);
      }
    } finally {
      await receiver.stop();
    }
  });

  it('drains a backlog with at most four sends in flight on SQLite, every delivery once', async () => {
    // On SQLite each claim reads past the rows in flight (leased in memory): a drain keeps few
    // sends in flight whatever the destination's concurrency; PostgreSQL keeps its concurrency.
    const receiver = new TestReceiver({ delayMs: 150 });
    await receiver.start();
    await engine.dispatcher.stop();
    try {
      const ws = await workspace();
      await ws.webhook(receiver.url, {
        config: { url: receiver.url, secret: SECRET, batch: { maxSize: 250 } },
        limits: { concurrency: 16 },
      });
      const people = Array.from({ length: 200 }, (_, i) => `drain${i}`);
      await ws.send(
        ...Array.from({ length: 10 }, (_, i) =>
          people.map((p) => ({ type: 'track', userId: p, event: 'Backlog', properties: { i } })),
        ).flat(),
      );
      const waiting = async () =>
        (await engine.dispatcher.backlog())
          .filter((b) => b.workspaceId === ws.workspaceId && b.status === 'pending')
          .reduce((sum, b) => sum + b.count, 0);
      for (let i = 0; i < 200 && (await waiting()) < 2000; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await waiting()).toBe(2000);
      engine.dispatcher.start();
      const items = () => receiver.accepted.flatMap((r) => r.body.batch as Record<string, unknown>[]);
      await receiver.until(() => items().length >= 2000, 30_000);
      expect(new Set(items().map((item) => item.deliveryId)).size).toBe(2000);
      if (kind === 'sqlite') expect(receiver.mostInFlight).toBeLessThanOrEqual(4);
      expect(receiver.mostInFlight).toBeGreaterThan(1);
    } finally {
      engine.dispatcher.start();
      await receiver.stop();
    }
  });

  it('honours Retry-After', async () => {
    let first = 0;
    const receiver = new TestReceiver({
      answer: ({ n }) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 200),
    });
    await receiver.start();
    try {
      const ws = await workspace();
      await ws.webhook(receiver.url);
      await ws.send({ type: 'track', userId: 'ra', event: 'Once' });
      await receiver.until(() => receiver.accepted.length >= 1, 10_000);
      first = receiver.received[0]?.at ?? 0;
      const second = receiver.accepted[0]?.at ?? 0;
      expect(second - first).toBeGreaterThanOrEqual(950);
    } finally {
      await receiver.stop();
    }
  });

  it('dead-letters after the attempts bound or a 4xx, and replays with the same id', async () => {
    let failing = true;
    const receiver = new TestReceiver({ answer: () => (failing ? 400 : 200) });
    await receiver.start();
    try {
      const ws = await workspace();
      const destination = await ws.webhook(receiver.url);
      await ws.send({ type: 'track', userId: 'dl', event: 'Bad' });
      await receiver.until(() => receiver.received.length >= 1);
      const dead = async () =>
        (await engine.destinations.deliveries(ws.workspaceId, destination.id, { limit: 10, status: 'dead' }))
          .data;
      for (let i = 0; i < 50 && (await dead()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const [letter] = await dead();
      expect(letter).toMatchObject({ attempts: 1, lastStatusCode: 400, status: 'dead' });
      expect(letter?.lastError).toMatch(/400/);
      // No retry of a 400.
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(1);
      failing = false;
      expect(await engine.destinations.replay(ws.workspaceId, destination.id, {})).toEqual({ replayed: 1 });
      await receiver.until(() => receiver.accepted.length >= 1);
      expect(receiver.accepted[0]?.body.deliveryId).toBe(letter?.id);
      const detail = await engine.destinations.delivery(ws.workspaceId, destination.id, letter?.id ?? '');
      expect(detail.body.deliveryId).toBe(letter?.id);
    } finally {
      await receiver.stop();
    }
  });

  it('re-checks consent at send time: a profile that withdrew is skipped', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      const destination = await ws.webhook(receiver.url, { purposes: ['marketing'] });
      await ws.send({ type: 'identify', userId: 'yes' }, { type: 'identify', userId: 'no' });
      await engine.pipeline.catchUp();
      const no = await engine.profiles.lookup(ws.workspaceId, 'user_id', 'no');
      refused.add(no.id);
      await ws.send(
        { type: 'track', userId: 'yes', event: 'E' },
        { type: 'track', userId: 'no', event: 'E' },
      );
      await receiver.until(() => receiver.accepted.length >= 1);
      const skipped = async () =>
        (
          await engine.destinations.deliveries(ws.workspaceId, destination.id, {
            limit: 10,
            status: 'skipped',
          })
        ).data;
      for (let i = 0; i < 50 && (await skipped()).length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect((await skipped()).map((d) => d.profileId)).toEqual([no.id]);
      expect((await skipped())[0]?.lastError).toMatch(/consent/);
      expect(receiver.accepted.map((r) => (r.body.event as { userId: string }).userId)).toEqual(['yes']);
    } finally {
      await receiver.stop();
    }
  });

  it('still sends the exit of a person who withdrew, with identities and no traits, to take them off the list', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      const audience = await engine.audiences.create(ws.workspaceId, {
        name: 'Pros',
        rule: { trait: 'plan', op: 'eq', value: 'pro' },
      });
      if (!audience.ok) throw new Error('audience');
      await ws.webhook(receiver.url, {
        purposes: ['marketing'],
        subscriptions: [{ kind: 'audience', audienceId: audience.value.id, on: ['entered', 'exited'] }],
      });
      await ws.send({
        type: 'identify',
        userId: 'leaver',
        traits: { plan: 'pro', email: 'leaver@example.com' },
      });
      await receiver.until(() => receiver.accepted.length >= 1);
      const leaver = await engine.profiles.lookup(ws.workspaceId, 'user_id', 'leaver');
      // Consent withdrawn, then the person leaves the audience: the exit still goes, traits left out.
      refused.add(leaver.id);
      await ws.send({ type: 'identify', userId: 'leaver', traits: { plan: 'free' } });
      await receiver.until(() => receiver.accepted.length >= 2);
      const [entered, exited] = receiver.accepted.map((r) => r.body);
      expect(entered).toMatchObject({ type: 'audience.entered', profile: { traits: { plan: 'pro' } } });
      expect(exited).toMatchObject({ type: 'audience.exited', profile: { id: leaver.id } });
      const profile = exited?.profile as { traits: unknown; identities: unknown[] } | undefined;
      expect(profile?.traits).toEqual({});
      expect(profile?.identities).toContainEqual({ type: 'user_id', value: 'leaver' });
      // Entering again without consent sends nothing.
      await ws.send({ type: 'identify', userId: 'leaver', traits: { plan: 'pro' } });
      await engine.pipeline.catchUp();
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.accepted).toHaveLength(2);
    } finally {
      await receiver.stop();
    }
  });

  it('delivers audience entered and exited, mapped by JSONata', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      const audience = await engine.audiences.create(ws.workspaceId, {
        name: 'Pros',
        rule: { trait: 'plan', op: 'eq', value: 'pro' },
      });
      if (!audience.ok) throw new Error('audience');
      await ws.webhook(receiver.url, {
        subscriptions: [
          {
            kind: 'audience',
            audienceId: audience.value.id,
            on: ['entered', 'exited'],
            mapping: '{"kind": type, "who": profile.id, "list": audience.name}',
          },
        ],
      });
      await ws.send({ type: 'identify', userId: 'au', traits: { plan: 'pro' } });
      await receiver.until(() => receiver.accepted.length >= 1);
      await ws.send({ type: 'identify', userId: 'au', traits: { plan: 'free' } });
      await receiver.until(() => receiver.accepted.length >= 2);
      expect(receiver.accepted.map((r) => r.body)).toEqual([
        { kind: 'audience.entered', who: expect.stringMatching(/^prof_/), list: 'Pros' },
        { kind: 'audience.exited', who: expect.stringMatching(/^prof_/), list: 'Pros' },
      ]);
    } finally {
      await receiver.stop();
    }
  });

  it('dead-letters by age and forgets finished deliveries after the retention', async () => {
    const ws = await workspace();
    const destination = await ws.webhook('http://127.0.0.1:9/never');
    const old = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const row = (id: string, status: string, createdAt: string) => ({
      workspace_id: ws.workspaceId,
      delivery_id: id,
      destination_id: destination.id,
      profile_id: 'prof_x',
      type: 'event',
      ord: 1,
      body: '{}',
      mapping: null,
      status,
      attempts: 1,
      last_error: null,
      last_status: null,
      latency_ms: null,
      occurred_at: createdAt,
      created_at: createdAt,
      // Not due: only the sweep may touch them.
      next_attempt_at: new Date(Date.now() + 3_600_000).toISOString(),
      delivered_at: null,
      lease_until: null,
    });
    await engine.store.db
      .insertInto('deliveries')
      .values([
        row(`${destination.id}-a`, 'failed', old(4)),
        row(`${destination.id}-b`, 'delivered', old(40)),
        row(`${destination.id}-c`, 'delivered', old(1)),
      ])
      .execute();
    await engine.dispatcher.sweep();
    const left = await engine.store.db
      .selectFrom('deliveries')
      .select(['delivery_id', 'status', 'last_error'])
      .where('destination_id', '=', destination.id)
      .orderBy('delivery_id')
      .execute();
    expect(left.map((r) => [r.delivery_id.slice(-1), r.status])).toEqual([
      ['a', 'dead'],
      ['c', 'delivered'],
    ]);
    expect(left[0]?.last_error).toMatch(/maximum age \(TANDEM_DELIVERY_MAX_AGE_HOURS\)/);
  });

  it('delivers computed-trait changes with the previous value', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      const trait = await engine.computedTraits.create(ws.workspaceId, {
        name: 'orders',
        kind: 'count',
        event: 'Order Completed',
      });
      if (!trait.ok) throw new Error('trait');
      await ws.webhook(receiver.url, { subscriptions: [{ kind: 'trait', traits: ['orders'] }] });
      await ws.send({ type: 'track', userId: 'tc', event: 'Order Completed' });
      await receiver.until(() => receiver.accepted.length >= 1);
      await ws.send({ type: 'track', userId: 'tc', event: 'Page Viewed' });
      await ws.send({ type: 'track', userId: 'tc', event: 'Order Completed' });
      await receiver.until(() => receiver.accepted.length >= 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.accepted.map((r) => r.body.trait)).toEqual([
        { id: trait.value.id, name: 'orders', value: 1, previous: null },
        { id: trait.value.id, name: 'orders', value: 2, previous: 1 },
      ]);
      expect(receiver.accepted[0]?.body.type).toBe('trait.changed');
    } finally {
      await receiver.stop();
    }
  });

  it('batches deliveries in order when the webhook asks for batches', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      await ws.webhook(receiver.url, { config: { url: receiver.url, batch: { maxSize: 10 } } });
      await ws.send(
        ...Array.from({ length: 25 }, (_, i) => ({
          type: 'track',
          userId: 'batcher',
          event: 'B',
          properties: { i },
        })),
      );
      const items = () =>
        receiver.accepted.flatMap(
          (r) => (r.body.batch as { event: { payload: { properties: { i: number } } } }[]) ?? [],
        );
      await receiver.until(() => items().length >= 25);
      expect(items().map((b) => b.event.payload.properties.i)).toEqual(
        Array.from({ length: 25 }, (_, i) => i),
      );
      expect(receiver.accepted.every((r) => Array.isArray(r.body.batch) && r.body.batch.length <= 10)).toBe(
        true,
      );
      // A batch has an id of its own; its items carry theirs.
      expect(String(receiver.accepted[0]?.headers['x-tandem-delivery-id'])).toMatch(/^batch_/);
      expect(new Set(items().map((b) => (b as unknown as { deliveryId: string }).deliveryId)).size).toBe(25);
    } finally {
      await receiver.stop();
    }
  });

  it('lets a batch gather for the webhook maxWaitMs before sending it', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      await ws.webhook(receiver.url, {
        config: { url: receiver.url, batch: { maxSize: 10, maxWaitMs: 4000 } },
      });
      // The destination's sender is running (a first event through), then three events, each in
      // its own request and pipeline batch, a quarter second apart: one batch of them.
      await ws.send({ type: 'track', userId: 'gatherer', event: 'G' });
      await receiver.until(() => receiver.accepted.length >= 1);
      for (const i of [0, 1, 2]) {
        await ws.send({ type: 'track', userId: `gatherer-${i}`, event: 'G' });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await receiver.until(() => receiver.accepted.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.accepted.map((r) => (r.body.batch as unknown[]).length)).toEqual([1, 3]);
    } finally {
      await receiver.stop();
    }
  });

  it('sends a claim of several batches side by side, never splitting a profile between two', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    try {
      const ws = await workspace();
      await ws.webhook(receiver.url, { config: { url: receiver.url, batch: { maxSize: 4 } } });
      const people = Array.from({ length: 6 }, (_, p) => `side-${p}`);
      // Three events each, interleaved: the outbox has them person after person.
      await ws.send(
        ...[0, 1, 2].flatMap((i) =>
          people.map((userId) => ({ type: 'track', userId, event: 'S', properties: { i } })),
        ),
      );
      type Item = { event: { payload: { userId: string; properties: { i: number } } } };
      const batches = () => receiver.accepted.map((r) => (r.body.batch as Item[] | undefined) ?? []);
      await receiver.until(() => batches().flat().length >= 18);
      for (const userId of people) {
        const holding = batches().filter((b) => b.some((item) => item.event.payload.userId === userId));
        expect(holding).toHaveLength(1);
        const mine = (holding[0] ?? []).filter((item) => item.event.payload.userId === userId);
        expect(mine.map((item) => item.event.payload.properties.i)).toEqual([0, 1, 2]);
      }
      expect(batches().every((b) => b.length <= 4)).toBe(true);
    } finally {
      await receiver.stop();
    }
  });
});

describe.runIf(ENGINES.includes('postgres'))('two dispatchers on one PostgreSQL store', () => {
  it('never send the same delivery twice while both run', async () => {
    const { options, dispose } = await isolatedStoreOptions('postgres');
    const delivery = { secretKey: KEY, allowPrivateNetworks: true, pollMs: 50 };
    const first = await Engine.open({ ...options, delivery });
    const second = await Engine.open({ ...options, delivery });
    const receiver = new TestReceiver({ delayMs: 2 });
    await receiver.start();
    try {
      const { id: workspaceId } = await createWorkspace(first.store, 'shared');
      const source = await first.sources.create(workspaceId, { name: 'web' });
      const created = await first.destinations.create(workspaceId, {
        name: 'hook',
        type: 'webhook',
        config: { url: receiver.url },
        subscriptions: [{ kind: 'event' }],
        limits: { concurrency: 4 },
      });
      expect(created.ok).toBe(true);
      first.dispatcher.start();
      second.dispatcher.start();
      for (let b = 0; b < 5; b++) {
        await first.collector.collect({
          source: { workspaceId, sourceId: source.id },
          calls: Array.from({ length: 40 }, (_, i) => ({
            type: 'track',
            userId: `u${i % 7}`,
            event: 'E',
            messageId: `two-${b}-${i}`,
          })),
          request: {},
        });
        // Only the first process runs the pipeline; both send.
        await first.pipeline.catchUp();
      }
      await receiver.until(() => receiver.accepted.length >= 200, 20_000);
      await new Promise((r) => setTimeout(r, 500));
      const ids = receiver.received.map((r) => String(r.headers['x-tandem-delivery-id']));
      expect(ids).toHaveLength(200);
      expect(new Set(ids).size).toBe(200);
    } finally {
      await receiver.stop();
      await first.close();
      await second.close();
      await dispose();
    }
  });
});
