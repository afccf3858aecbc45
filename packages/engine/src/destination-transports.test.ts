import { randomBytes } from 'node:crypto';
import { connect as amqpConnect, type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import { type NatsConnection, connect as natsConnect, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { ENGINES, openTestEngine } from './testing/index.js';
import { openWarehouseConnection, type WarehouseConnection } from './warehouse/index.js';
import { createWorkspace } from './workspaces/index.js';

// From an event collected to the systems themselves: the pipeline writes the outbox, the
// dispatcher sends through each transport, and what arrives is read back from the real NATS
// JetStream, RabbitMQ, Redis, PostgreSQL and the store's audience files.

const PG_URL = process.env.TANDEM_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const suffix = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

async function eventually<T>(read: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('never arrived');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(ENGINES)('deliveries through every transport on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let nc: NatsConnection;
  let amqp: ChannelModel;
  let redis: Redis;
  let warehouse: WarehouseConnection;
  const names = {
    subject: `tandem.e2e.${suffix()}`,
    stream: `TANDEM_E2E_${suffix()}`,
    exchange: `tandem.e2e.${suffix()}`,
    queue: `tandem.e2e.q.${suffix()}`,
    redisStream: `tandem:e2e:${suffix()}`,
    schema: `tandem_e2e_${suffix()}`,
  };

  beforeAll(async () => {
    nc = await natsConnect({ servers: '127.0.0.1:4222' });
    await (await nc.jetstreamManager()).streams.add({ name: names.stream, subjects: [names.subject] });
    amqp = await amqpConnect('amqp://guest:guest@127.0.0.1:5672');
    const ch = await amqp.createChannel();
    await ch.assertExchange(names.exchange, 'direct', { durable: false });
    await ch.assertQueue(names.queue, { durable: false });
    await ch.bindQueue(names.queue, names.exchange, 'events');
    await ch.close();
    redis = new Redis('redis://127.0.0.1:6379');
    warehouse = openWarehouseConnection({ engine: 'postgres', url: PG_URL, timeoutMs: 5_000 });
    engine = await openTestEngine(kind, {
      delivery: { secretKey: randomBytes(32), allowPrivateNetworks: true, pollMs: 100, baseBackoffMs: 50 },
      pipeline: { pollMs: 50 },
    });
    engine.pipeline.start();
    engine.dispatcher.start();
  });
  afterAll(async () => {
    await engine.dispose();
    await (await nc.jetstreamManager()).streams.delete(names.stream).catch(() => undefined);
    await nc.close();
    const ch = await amqp.createChannel();
    await ch.deleteQueue(names.queue);
    await ch.deleteExchange(names.exchange);
    await amqp.close();
    await redis.del(names.redisStream);
    redis.disconnect();
    await warehouse.query(`DROP SCHEMA IF EXISTS "${names.schema}" CASCADE`);
    await warehouse.close();
  });

  it('delivers an event and an audience entry to each destination type', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${suffix()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const audience = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!audience.ok) throw new Error(JSON.stringify(audience.error));
    const events = [{ kind: 'event' as const, filter: { type: 'track' as const } }];
    const destinations: Record<string, string> = {};
    for (const [name, type, config, subscriptions] of [
      ['nats', 'nats', { url: 'nats://127.0.0.1:4222', subject: names.subject }, events],
      [
        'amqp',
        'amqp',
        { url: 'amqp://guest:guest@127.0.0.1:5672', exchange: names.exchange, routingKey: 'events' },
        events,
      ],
      ['redis', 'redis-stream', { url: 'redis://127.0.0.1:6379', stream: names.redisStream }, events],
      ['warehouse', 'warehouse', { engine: 'postgres', url: PG_URL, schema: names.schema }, events],
      [
        'files',
        'audience-file',
        { format: 'ndjson' },
        [{ kind: 'audience' as const, audienceId: audience.value.id, on: ['entered' as const] }],
      ],
    ] as const) {
      const created = await engine.destinations.create(workspaceId, {
        name,
        type,
        config: { ...config },
        subscriptions: [...subscriptions],
      });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      destinations[name] = created.value.id;
    }

    const collected = await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [
        {
          type: 'identify',
          userId: 'ada',
          messageId: 'm1',
          traits: { plan: 'pro', email: 'ada@example.com' },
        },
        {
          type: 'track',
          userId: 'ada',
          messageId: 'm2',
          event: 'Order Completed',
          properties: { total: 42 },
        },
      ],
      request: {},
    });
    expect(collected.rejected).toEqual([]);

    const natsMessage = await eventually(async () => {
      const info = await (await nc.jetstreamManager()).streams.info(names.stream);
      if (info.state.messages < 1) return undefined;
      return (await nc.jetstreamManager()).streams.getMessage(names.stream, { seq: 1 });
    });
    const natsBody = JSON.parse(StringCodec().decode(natsMessage.data));
    expect(natsBody).toMatchObject({ type: 'event', event: { event: 'Order Completed' } });
    expect(natsMessage.header.get('Nats-Msg-Id')).toBe(natsBody.deliveryId);

    const amqpMessage = await eventually(async () => {
      const ch = await amqp.createChannel();
      const got = await ch.get(names.queue, { noAck: true });
      await ch.close();
      return got || undefined;
    });
    const amqpBody = JSON.parse(amqpMessage.content.toString('utf8'));
    expect(amqpBody).toMatchObject({ type: 'event', event: { event: 'Order Completed' } });
    expect(amqpMessage.properties.messageId).toBe(amqpBody.deliveryId);

    const [entry] = await eventually(async () => {
      const entries = await redis.xrange(names.redisStream, '-', '+');
      return entries.length > 0 ? entries : undefined;
    });
    const fields = entry![1];
    expect(JSON.parse(fields[5]!)).toMatchObject({ type: 'event', deliveryId: fields[1] });

    const row = await eventually(async () => {
      const rows = await warehouse.query(`SELECT * FROM "${names.schema}".events`);
      return rows[0];
    });
    expect(row).toMatchObject({ type: 'track', event: 'Order Completed', properties: { total: 42 } });
    const [profile] = await warehouse.query(`SELECT plan, email FROM "${names.schema}".profiles`);
    // A warehouse gets personal fields masked unless the PII settings let it have them.
    expect(profile).toEqual({ plan: 'pro', email: 'a•••@e•••.com' });

    const file = await eventually(async () => {
      const page = await engine.audienceFiles.list(workspaceId, destinations.files!, {
        limit: 10,
        kind: 'additions',
        audienceId: undefined,
      });
      return page.data[0];
    });
    let text = '';
    for await (const chunk of await engine.audienceFiles.content(workspaceId, destinations.files!, file.id))
      text += chunk.toString();
    expect(JSON.parse(text.trim())).toMatchObject({
      audience: { id: audience.value.id, name: 'Pro' },
      traits: { plan: 'pro', email: 'ada@example.com' },
    });
  });
});
