import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { connect as amqpConnect } from 'amqplib';
import { Redis } from 'ioredis';
import { type NatsConnection, connect as natsConnect, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryMessage, DestinationTransport, TransportLog } from '../destinations/index.js';
import {
  amqpTransportKind,
  natsTransportKind,
  redisStreamTransportKind,
  sendInProfileOrder,
  withinBound,
} from './index.js';

// Against the real servers running locally (NATS JetStream 4222, RabbitMQ 5672, Redis 6379).
// A TCP proxy in front of each plays "the server went down and came back" without touching it.

const suffix = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const log: TransportLog = () => undefined;
const signal = () => new AbortController().signal;
/** A port nothing listens on. */
const DEAD_PORT = 1;

function message(n: number, profileId = 'prof_1', deliveryId = `dlv_${suffix()}_${n}`): DeliveryMessage {
  return {
    deliveryId,
    workspaceId: 'ws_1',
    destinationId: 'dst_1',
    profileId,
    type: 'event',
    occurredAt: '2026-12-03T08:00:00.000Z',
    body: { type: 'event', n, deliveryId, profile: { id: profileId, traits: {}, identities: [] } },
    attempt: 1,
  };
}

/** A TCP proxy to `targetPort` that can go down (refusing, connections cut) and come back. */
class FlakyProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly targetPort: number) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

/** Sends until one succeeds (the client reconnecting in the background), at most `ms`. */
async function sendUntilOk(transport: DestinationTransport, make: () => DeliveryMessage, ms = 15_000) {
  const until = Date.now() + ms;
  for (;;) {
    const [outcome] = await transport.send([make()], signal());
    if (outcome?.ok || Date.now() > until) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('sending in profile order', () => {
  it('sends each profile in order, profiles at once, and stops at the deadline', async () => {
    const sent: string[] = [];
    const controller = new AbortController();
    const slow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const messages = [message(1, 'a'), message(2, 'b'), message(3, 'a'), message(4, 'a')];
    setTimeout(() => controller.abort(), 150);
    const outcomes = await sendInProfileOrder(messages, controller.signal, async (m, signal) => {
      await withinBound(slow(m.profileId === 'a' ? 100 : 10), 1_000, 'test', signal);
      sent.push(String(m.body.n));
      return { ok: true };
    });
    expect(sent).toEqual(['2', '1']);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, false]);
    expect(outcomes[2]).toMatchObject({ retryable: true, error: expect.stringMatching(/aborted/) });
    expect(outcomes[3]).toMatchObject({ retryable: true, error: expect.stringMatching(/earlier delivery/) });
  });
});

describe('nats transport', () => {
  let nc: NatsConnection;
  const subject = `tandem.test.${suffix()}`;
  const streamName = `TANDEM_TEST_${suffix()}`;
  beforeAll(async () => {
    nc = await natsConnect({ servers: '127.0.0.1:4222' });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({
      name: streamName,
      subjects: [`${subject}.stream.>`],
      duplicate_window: 60_000_000_000,
    });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(streamName).catch(() => undefined);
    await nc.close();
  });

  it('publishes to a stream with the delivery id as Nats-Msg-Id, deduplicating a retried delivery', async () => {
    const streamSubject = `${subject}.stream.events`;
    const transport = await natsTransportKind().open({
      workspaceId: 'ws_1',
      destinationId: 'dst_1',
      config: { url: 'nats://127.0.0.1:4222', subject: streamSubject },
      allowPrivateNetworks: true,
      log,
    });
    try {
      const first = message(1);
      const second = message(2);
      expect(await transport.send([first, second], signal())).toEqual([{ ok: true }, { ok: true }]);
      // The same delivery again (a retry): the stream keeps one copy.
      expect(await transport.send([{ ...first, attempt: 2 }], signal())).toEqual([{ ok: true }]);
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(streamName);
      expect(info.state.messages).toBe(2);
      const stored = await jsm.streams.getMessage(streamName, { seq: 1 });
      expect(stored.header.get('Nats-Msg-Id')).toBe(first.deliveryId);
      expect(stored.header.get('Tandem-Delivery-Id')).toBe(first.deliveryId);
      expect(JSON.parse(StringCodec().decode(stored.data))).toEqual(first.body);
    } finally {
      await transport.close();
    }
  });

  it('publishes plainly to a subject no stream captures', async () => {
    const plainSubject = `${subject}.plain`;
    const received: { id: string | undefined; body: unknown }[] = [];
    const sub = nc.subscribe(plainSubject);
    const reading = (async () => {
      for await (const m of sub) {
        received.push({
          id: m.headers?.get('Tandem-Delivery-Id'),
          body: JSON.parse(StringCodec().decode(m.data)),
        });
        if (received.length === 2) break;
      }
    })();
    await nc.flush();
    const transport = await natsTransportKind().open({
      workspaceId: 'ws_1',
      destinationId: 'dst_1',
      config: { url: '127.0.0.1:4222', subject: plainSubject },
      allowPrivateNetworks: true,
      log,
    });
    try {
      const sent = [message(1), message(2)];
      expect(await transport.send(sent, signal())).toEqual([{ ok: true }, { ok: true }]);
      await reading;
      expect(received).toEqual(sent.map((m) => ({ id: m.deliveryId, body: m.body })));
    } finally {
      await transport.close();
    }
  });

  it('answers a retryable outcome fast when the server is down, and reconnects when it is back', async () => {
    const proxy = new FlakyProxy(4222);
    await proxy.up();
    const transport = await natsTransportKind({ timeoutMs: 1_500 }).open({
      workspaceId: 'ws_1',
      destinationId: 'dst_1',
      config: { url: `nats://127.0.0.1:${proxy.port}`, subject: `${subject}.stream.reconnect` },
      allowPrivateNetworks: true,
      log,
    });
    try {
      expect(await transport.send([message(1)], signal())).toEqual([{ ok: true }]);
      await proxy.down();
      const { value, ms } = await timed(transport.send([message(2), message(3)], signal()));
      expect(value[0]).toMatchObject({ ok: false, retryable: true });
      // The profile's later message is held back: sending it would break the order.
      expect(value[1]).toMatchObject({
        ok: false,
        retryable: true,
        error: expect.stringMatching(/earlier delivery/),
      });
      expect(ms).toBeLessThan(3_000);
      await proxy.up();
      expect(await sendUntilOk(transport, () => message(4))).toEqual({ ok: true });
    } finally {
      await transport.close();
      await proxy.down();
    }
  });

  it('answers a retryable outcome fast for a server that was never there', async () => {
    const transport = await natsTransportKind({ timeoutMs: 1_500 }).open({
      workspaceId: 'ws_1',
      destinationId: 'dst_1',
      config: { url: `nats://127.0.0.1:${DEAD_PORT}`, subject: 'x' },
      allowPrivateNetworks: true,
      log,
    });
    const { value, ms } = await timed(transport.send([message(1)], signal()));
    expect(value[0]).toMatchObject({ ok: false, retryable: true });
    expect(ms).toBeLessThan(2_000);
    await transport.close();
  });
});

describe('amqp transport', () => {
  const exchange = `tandem.test.${suffix()}`;
  const queue = `tandem.test.q.${suffix()}`;
  let admin: Awaited<ReturnType<typeof amqpConnect>>;
  beforeAll(async () => {
    admin = await amqpConnect('amqp://guest:guest@127.0.0.1:5672');
    const ch = await admin.createChannel();
    await ch.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
    await ch.assertQueue(queue, { durable: false });
    await ch.bindQueue(queue, exchange, 'tandem');
    await ch.close();
  });
  afterAll(async () => {
    const ch = await admin.createChannel();
    await ch.deleteQueue(queue);
    await ch.deleteExchange(exchange);
    await admin.close();
  });

  const open = (url = 'amqp://guest:guest@127.0.0.1:5672', routingKey = 'tandem', timeoutMs = 5_000) =>
    amqpTransportKind({ timeoutMs }).open({
      workspaceId: 'ws_1',
      destinationId: 'dst_1',
      config: { url, exchange, routingKey },
      allowPrivateNetworks: true,
      log,
    });

  it('publishes persistent messages with the delivery id as messageId and header', async () => {
    const transport = await open();
    try {
      const sent = [message(1), message(2), message(3)];
      expect(await transport.send(sent, signal())).toEqual(sent.map(() => ({ ok: true })));
      const ch = await admin.createChannel();
      const got = [];
      for (let i = 0; i < 3; i++) {
        const m = await ch.get(queue, { noAck: true });
        if (!m) break;
        got.push(m);
      }
      await ch.close();
      expect(got.map((m) => m.properties.messageId)).toEqual(sent.map((m) => m.deliveryId));
      expect(got[0]!.properties.deliveryMode).toBe(2);
      expect(got[0]!.properties.headers?.['x-tandem-delivery-id']).toBe(sent[0]!.deliveryId);
      expect(JSON.parse(got[0]!.content.toString('utf8'))).toEqual(sent[0]!.body);
    } finally {
      await transport.close();
    }
  });

  it('fails a message no queue receives instead of losing it', async () => {
    const transport = await open(undefined, 'nobody-listens');
    try {
      const [outcome] = await transport.send([message(1)], signal());
      expect(outcome).toMatchObject({
        ok: false,
        retryable: true,
        error: expect.stringMatching(/No queue is bound/),
      });
    } finally {
      await transport.close();
    }
  });

  it('fails retryably on a missing exchange, and sends again once it exists', async () => {
    const missing = `tandem.test.missing.${suffix()}`;
    const transport = await amqpTransportKind({ timeoutMs: 2_000 }).open({
      workspaceId: 'ws_1',
      destinationId: 'dst_1',
      config: { url: 'amqp://guest:guest@127.0.0.1:5672', exchange: missing, routingKey: 'tandem' },
      allowPrivateNetworks: true,
      log,
    });
    const ch = await admin.createChannel();
    try {
      const [outcome] = await transport.send([message(1)], signal());
      expect(outcome).toMatchObject({
        ok: false,
        retryable: true,
        error: expect.stringMatching(/NOT_FOUND|404/),
      });
      await ch.assertExchange(missing, 'direct', { durable: false });
      await ch.bindQueue(queue, missing, 'tandem');
      expect(await sendUntilOk(transport, () => message(2))).toEqual({ ok: true });
      await ch.purgeQueue(queue);
    } finally {
      await ch.deleteExchange(missing).catch(() => undefined);
      await ch.close();
      await transport.close();
    }
  });

  it('answers a retryable outcome fast when the broker is down, and reconnects when it is back', async () => {
    const proxy = new FlakyProxy(5672);
    await proxy.up();
    const transport = await open(`amqp://guest:guest@127.0.0.1:${proxy.port}`, 'tandem', 1_500);
    try {
      expect(await transport.send([message(1)], signal())).toEqual([{ ok: true }]);
      await proxy.down();
      const { value, ms } = await timed(transport.send([message(2)], signal()));
      expect(value[0]).toMatchObject({ ok: false, retryable: true });
      expect(ms).toBeLessThan(3_000);
      await proxy.up();
      expect(await sendUntilOk(transport, () => message(3))).toEqual({ ok: true });
      const ch = await admin.createChannel();
      await ch.purgeQueue(queue);
      await ch.close();
    } finally {
      await transport.close();
      await proxy.down();
    }
  });

  it('answers a retryable outcome fast for a broker that was never there', async () => {
    const transport = await open(`amqp://guest:guest@127.0.0.1:${DEAD_PORT}`, 'tandem', 1_500);
    const { value, ms } = await timed(transport.send([message(1)], signal()));
    expect(value[0]).toMatchObject({ ok: false, retryable: true });
    expect(ms).toBeLessThan(2_000);
    await transport.close();
  });
});

describe('redis stream transport', () => {
  const stream = `tandem:test:${suffix()}`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis('redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await redis.del(stream);
    redis.disconnect();
  });

  const open = (url = 'redis://127.0.0.1:6379', timeoutMs = 5_000, maxLength?: number) =>
    redisStreamTransportKind({ timeoutMs }).open({
      workspaceId: 'ws_1',
      destinationId: 'dst_1',
      config: { url, stream, ...(maxLength ? { maxLength } : {}) },
      allowPrivateNetworks: true,
      log,
    });

  it('adds entries with deliveryId, type and body', async () => {
    const transport = await open();
    try {
      const sent = [message(1), message(2)];
      expect(await transport.send(sent, signal())).toEqual([{ ok: true }, { ok: true }]);
      const entries = await redis.xrange(stream, '-', '+');
      expect(entries.map(([, fields]) => fields)).toEqual(
        sent.map((m) => ['deliveryId', m.deliveryId, 'type', 'event', 'body', JSON.stringify(m.body)]),
      );
    } finally {
      await transport.close();
    }
  });

  it('caps the stream near maxLength', async () => {
    const transport = await open(undefined, 5_000, 10);
    try {
      const sent = Array.from({ length: 300 }, (_, i) => message(i, `prof_${i}`));
      const outcomes = await transport.send(sent, signal());
      expect(outcomes.every((o) => o.ok)).toBe(true);
      // MAXLEN ~ trims whole macro nodes: near the cap, far below what was added.
      expect(await redis.xlen(stream)).toBeLessThan(300);
    } finally {
      await transport.close();
    }
  });

  it('answers a retryable outcome fast when the server is down, and reconnects when it is back', async () => {
    const proxy = new FlakyProxy(6379);
    await proxy.up();
    const transport = await open(`redis://127.0.0.1:${proxy.port}`, 1_500);
    try {
      expect(await transport.send([message(1)], signal())).toEqual([{ ok: true }]);
      await proxy.down();
      const { value, ms } = await timed(transport.send([message(2)], signal()));
      expect(value[0]).toMatchObject({ ok: false, retryable: true });
      expect(ms).toBeLessThan(3_000);
      await proxy.up();
      expect(await sendUntilOk(transport, () => message(3))).toEqual({ ok: true });
    } finally {
      await transport.close();
      await proxy.down();
    }
  });

  it('answers a retryable outcome fast for a server that was never there', async () => {
    const transport = await open(`redis://127.0.0.1:${DEAD_PORT}`, 1_500);
    const { value, ms } = await timed(transport.send([message(1)], signal()));
    expect(value[0]).toMatchObject({ ok: false, retryable: true });
    expect(ms).toBeLessThan(2_000);
    await transport.close();
  });
});

describe('the address guard of the buses', () => {
  const open = {
    nats: (url: string, allowPrivateNetworks: boolean) =>
      natsTransportKind({ timeoutMs: 1_500 }).open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config: { url, subject: 's' },
        allowPrivateNetworks,
        log,
      }),
    amqp: (url: string, allowPrivateNetworks: boolean) =>
      amqpTransportKind({ timeoutMs: 1_500 }).open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config: { url, exchange: '', routingKey: 'q' },
        allowPrivateNetworks,
        log,
      }),
    redis: (url: string, allowPrivateNetworks: boolean) =>
      redisStreamTransportKind({ timeoutMs: 1_500 }).open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config: { url, stream: 's' },
        allowPrivateNetworks,
        log,
      }),
  };
  const urls = {
    nats: ['nats://127.0.0.1:4222', 'nats://169.254.169.254:4222'],
    amqp: ['amqp://guest:guest@127.0.0.1:5672', 'amqp://guest:guest@169.254.169.254:5672'],
    redis: ['redis://127.0.0.1:6379', 'redis://169.254.169.254:6379'],
  } as const;

  for (const kind of ['nats', 'amqp', 'redis'] as const) {
    it(`refuses loopback without TANDEM_ALLOW_PRIVATE_DESTINATIONS and metadata addresses always (${kind})`, async () => {
      const [loopback, metadata] = urls[kind];
      for (const [url, allow, pattern] of [
        [loopback, false, /loopback or private/],
        [metadata, true, /link-local, metadata/],
      ] as const) {
        const transport = await open[kind](url, allow);
        const [outcome] = await transport.send([message(1)], signal());
        expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(pattern) });
        await transport.close();
      }
    });
  }
});
