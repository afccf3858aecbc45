import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as amqpConnect, type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import { type NatsConnection, connect as natsConnect, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from './audience-files/index.js';
import type { Engine } from './engine.js';
import type { PersonDataHolder, PersonRef } from './person-data/index.js';
import { ENGINES, openTestEngine } from './testing/index.js';
import { openWarehouseConnection, type WarehouseConnection } from './warehouse/index.js';
import { createWorkspace } from './workspaces/index.js';

// The CDP side's person data holders, on data made by the real pipeline: two people go through
// collection, traits, a computed trait, an audience, lead scoring, deliveries to a real webhook,
// Redis stream, NATS subject, RabbitMQ exchange, PostgreSQL and MariaDB warehouses, and audience
// files in the store and on disk. Erasing one leaves the other untouched, tells each destination,
// and is idempotent.

const PG_URL = process.env.TANDEM_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.TANDEM_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
const CDP_DOMAINS = [
  'destinations',
  'audience_files',
  'lead_scoring',
  'audiences',
  'computed_traits',
  'profiles',
];
const suffix = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** The tables holding a profile's rows on the CDP side. */
const PERSON_TABLES = [
  'profile_traits',
  'company_members',
  'computed_trait_values',
  'audience_members',
  'lead_scores',
  'lead_score_history',
  'deliveries',
  'delivery_trait_values',
  'audience_file_rows',
] as const;

async function eventually<T>(read: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error('never happened');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(ENGINES)('the CDP’s person data on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let workspaceId: string;
  let holders: PersonDataHolder[];
  let ada: PersonRef;
  let bob: PersonRef;
  let cy: PersonRef;
  let fullFilePath: string;
  let feedFilePath: string;
  let nats: NatsConnection;
  let redis: Redis;
  let warehouse: WarehouseConnection;
  let mariadb: WarehouseConnection;
  let amqp: ChannelModel;
  let directory: string;
  const webhookBodies: Record<string, unknown>[] = [];
  const natsBodies: Record<string, unknown>[] = [];
  const webhook = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      webhookBodies.push(JSON.parse(text));
      response.writeHead(200).end();
    });
  });
  const names = {
    subject: `tandem.pd.${suffix()}`,
    stream: `tandem:pd:${suffix()}`,
    schema: `tandem_pd_${suffix()}`,
    exchange: `tandem.pd.${suffix()}`,
    queue: `tandem.pd.q.${suffix()}`,
  };

  /** Rows per table of some profiles. */
  const rowsOf = async (profileIds: readonly string[]) => {
    const counts: Record<string, number> = {};
    for (const table of PERSON_TABLES) {
      const row = await engine.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', [...profileIds])
        .executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    return counts;
  };

  /** Every line of every file written to the destinations' directory. */
  const linesOnDisk = async () => {
    const lines: string[] = [];
    for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        lines.push(...(await readFile(join(entry.parentPath, entry.name), 'utf8')).split('\n'));
    }
    return lines;
  };

  const warehouseProfiles = async () =>
    (await warehouse.query(`SELECT profile_id FROM "${names.schema}".profiles ORDER BY profile_id`)).map(
      (row) => row.profile_id,
    );

  const mariadbProfiles = async () =>
    (await mariadb.query(`SELECT profile_id FROM \`${names.schema}\`.profiles ORDER BY profile_id`)).map(
      (row) => row.profile_id,
    );

  const personOf = async (userId: string): Promise<PersonRef> => {
    const profile = await engine.profiles.lookup(workspaceId, 'user_id', userId);
    return { workspaceId, profileIds: [profile.id], identifiers: profile.identities };
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tandem-person-files-'));
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    nats = await natsConnect({ servers: '127.0.0.1:4222' });
    const subscription = nats.subscribe(names.subject);
    void (async () => {
      for await (const message of subscription)
        natsBodies.push(JSON.parse(StringCodec().decode(message.data)));
    })();
    redis = new Redis('redis://127.0.0.1:6379');
    warehouse = openWarehouseConnection({ engine: 'postgres', url: PG_URL, timeoutMs: 5_000 });
    mariadb = openWarehouseConnection({ engine: 'mysql', url: MYSQL_URL, timeoutMs: 5_000 });
    amqp = await amqpConnect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await amqp.createChannel();
    await channel.assertExchange(names.exchange, 'direct', { durable: false });
    await channel.assertQueue(names.queue, { durable: false });
    await channel.bindQueue(names.queue, names.exchange, 'people');
    await channel.close();
    engine = await openTestEngine(kind, {
      delivery: { secretKey: randomBytes(32), allowPrivateNetworks: true, pollMs: 100, baseBackoffMs: 50 },
      pipeline: { pollMs: 50 },
    });
    engine.pipeline.start();
    engine.dispatcher.start();
    holders = engine.personData.filter((holder) => CDP_DOMAINS.includes(holder.domain));
    workspaceId = (await createWorkspace(engine.store, `ws ${suffix()}`)).id;
    const source = await engine.sources.create(workspaceId, { name: 'web' });

    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order',
    });
    const pro = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!orders.ok || !pro.ok) throw new Error('definitions refused');
    const scoring = await engine.leadScoring.update(workspaceId, {
      rules: [
        { name: 'Pro plan', group: 'fit', condition: { trait: 'plan', op: 'eq', value: 'pro' }, points: 30 },
        { name: 'Orders', group: 'engagement', condition: { event: 'Order' }, points: 10, perEvent: true },
      ],
    });
    if (!scoring.ok) throw new Error(JSON.stringify(scoring.error));
    const { port } = webhook.address() as AddressInfo;
    const everyEvent = [{ kind: 'event' as const }, { kind: 'trait' as const }];
    const entered = [{ kind: 'audience' as const, audienceId: pro.value.id, on: ['entered' as const] }];
    const destinations: Record<string, string> = {};
    for (const [name, type, config, subscriptions] of [
      ['hook', 'webhook', { url: `http://127.0.0.1:${port}/hook` }, everyEvent],
      ['redis', 'redis-stream', { url: 'redis://127.0.0.1:6379', stream: names.stream }, everyEvent],
      ['nats', 'nats', { url: 'nats://127.0.0.1:4222', subject: names.subject }, everyEvent],
      ['warehouse', 'warehouse', { engine: 'postgres', url: PG_URL, schema: names.schema }, everyEvent],
      ['mariadb', 'warehouse', { engine: 'mysql', url: MYSQL_URL, schema: names.schema }, everyEvent],
      [
        'amqp',
        'amqp',
        { url: 'amqp://guest:guest@127.0.0.1:5672', exchange: names.exchange, routingKey: 'people' },
        everyEvent,
      ],
      ['lists', 'audience-file', { format: 'csv' }, entered],
      ['ads', 'audience-file', { format: 'google-customer-match', directory }, entered],
      ['feed', 'audience-file', { format: 'ndjson', directory: join(directory, 'feed') }, entered],
    ] as const) {
      const created = await engine.destinations.create(workspaceId, {
        name,
        type,
        config: { ...config },
        subscriptions,
      });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      destinations[name] = created.value.id;
    }

    const calls = ['ada', 'bob', 'cy'].flatMap((userId) => [
      {
        type: 'identify' as const,
        userId,
        anonymousId: `anon-${userId}`,
        traits: { plan: 'pro', email: `${userId}@example.com`, firstName: userId },
      },
      { type: 'group' as const, userId, groupId: 'acme', traits: { name: 'Acme' } },
      { type: 'track' as const, userId, event: 'Order', properties: { total: 10 } },
      { type: 'track' as const, anonymousId: `anon-${userId}`, event: 'Order', properties: { total: 20 } },
    ]);
    const collected = await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls,
      request: {},
    });
    expect(collected.rejected).toEqual([]);
    await engine.pipeline.catchUp();
    ada = await personOf('ada');
    bob = await personOf('bob');
    cy = await personOf('cy');
    // Everything delivered: the webhook, the stream, the subject and the warehouse hold both.
    await eventually(async () => {
      const pending = await engine.store.db
        .selectFrom('deliveries')
        .select('delivery_id')
        .where('workspace_id', '=', workspaceId)
        .where('status', '!=', 'delivered')
        .execute();
      const inMariadb = await mariadb.query(`SELECT count(*) AS n FROM \`${names.schema}\`.profiles`);
      return (
        pending.length === 0 && (await warehouseProfiles()).length === 3 && Number(inMariadb[0]?.n) === 3
      );
    });
    // A full export written to the directory: its lines are on disk only.
    const fullExportOf = async (name: string) => {
      const sync = await engine.syncDestination(workspaceId, destinations[name] as string);
      const path = sync.type === 'audience-file' ? sync.files[0]?.path : undefined;
      if (!path) throw new Error(`no full export of ${name} on disk`);
      return path;
    };
    fullFilePath = await fullExportOf('ads');
    feedFilePath = await fullExportOf('feed');
  }, 60_000);

  afterAll(async () => {
    await engine.dispose();
    await nats.close();
    await redis.del(names.stream);
    redis.disconnect();
    await warehouse.query(`DROP SCHEMA IF EXISTS "${names.schema}" CASCADE`);
    await warehouse.close();
    await mariadb.query(`DROP DATABASE IF EXISTS \`${names.schema}\``);
    await mariadb.close();
    const channel = await amqp.createChannel();
    await channel.deleteQueue(names.queue);
    await channel.deleteExchange(names.exchange);
    await amqp.close();
    await new Promise((resolve) => webhook.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  it('has a holder for each CDP domain, deliveries (with their notices) before the profile', () => {
    expect(holders.map((h) => h.domain)).toEqual(CDP_DOMAINS);
  });

  it('exports the person’s records from every domain and nothing of the other person', async () => {
    const exported = Object.fromEntries(
      await Promise.all(holders.map(async (h) => [h.domain, await h.exportPerson(ada)] as const)),
    );
    expect(exported.profiles).toMatchObject({
      traits: expect.arrayContaining([expect.objectContaining({ name: 'email', value: 'ada@example.com' })]),
      companies: [expect.objectContaining({ groupId: 'acme', name: 'Acme' })],
    });
    expect(exported.computed_traits).toEqual({
      values: [expect.objectContaining({ trait: 'orders', value: 2 })],
    });
    expect(exported.audiences).toMatchObject({ memberships: [{ audience: 'Pro', exitedAt: null }] });
    expect(exported.lead_scoring).toMatchObject({ scores: [{ total: 50, fit: 30, engagement: 20 }] });
    const { deliveries } = exported.destinations as {
      deliveries: { destination: string; payload: unknown }[];
    };
    expect(new Set(deliveries.map((d) => d.destination))).toEqual(
      new Set(['hook', 'redis', 'nats', 'warehouse', 'mariadb', 'amqp', 'lists', 'ads', 'feed']),
    );
    const lines = (exported.audience_files as { lines: { line: string; kind: string }[] }).lines;
    // Each file destination's addition, and the full exports on disk (hashed email, ndjson).
    expect(lines.map((l) => l.kind).sort()).toEqual(['additions', 'additions', 'additions', 'full', 'full']);
    expect(lines.some((l) => l.line.includes(sha256Hex('ada@example.com')))).toBe(true);
    expect(JSON.stringify(exported)).not.toContain('bob');
  });

  it('erases the person everywhere, tells each destination, and leaves the other person untouched', async () => {
    const bobBefore = await rowsOf(bob.profileIds);
    const adaBefore = await rowsOf(ada.profileIds);
    expect(Object.values(adaBefore).every((n) => n > 0)).toBe(true);
    const bobsLines = (lines: string[]) =>
      lines
        .filter(
          (line) => line.includes(sha256Hex('bob@example.com')) || line.includes(bob.profileIds[0] ?? '-'),
        )
        .sort();
    const bobOnDisk = bobsLines(await linesOnDisk());
    expect(bobOnDisk.length).toBe(4);
    webhookBodies.length = 0;
    natsBodies.length = 0;
    const channel = await amqp.createChannel();
    await channel.purgeQueue(names.queue);

    const counts: Record<string, number> = {};
    for (const holder of holders) Object.assign(counts, await holder.erasePerson(ada));
    expect(counts).toMatchObject({
      ...adaBefore,
      audience_file_lines_on_disk: 2,
      deletion_notices_confirmed: 6,
      deletion_notices_not_supported: 3,
    });
    expect(await rowsOf(ada.profileIds)).toEqual(Object.fromEntries(PERSON_TABLES.map((t) => [t, 0])));
    expect(await rowsOf(bob.profileIds)).toEqual(bobBefore);

    // The files on disk: the person's lines gone, the other's kept, the counts follow.
    const onDisk = await linesOnDisk();
    expect(onDisk.some((line) => line.includes(sha256Hex('ada@example.com')))).toBe(false);
    expect(onDisk.some((line) => line.includes(ada.profileIds[0] ?? '-'))).toBe(false);
    expect(bobsLines(onDisk)).toEqual(bobOnDisk);
    expect((await readFile(feedFilePath, 'utf8')).trim().split('\n')).toHaveLength(2);
    const full = await engine.store.db
      .selectFrom('audience_files')
      .select('row_count')
      .where('workspace_id', '=', workspaceId)
      .where('path', '=', fullFilePath)
      .executeTakeFirstOrThrow();
    expect(Number(full.row_count)).toBe(2);
    expect((await readFile(fullFilePath, 'utf8')).trim().split('\n')).toHaveLength(3);

    // Each destination got a deletion notice through its transport.
    const notice = { type: 'delete', userId: 'ada', anonymousIds: ['anon-ada'], profileIds: ada.profileIds };
    expect(webhookBodies).toEqual([notice]);
    await eventually(async () => natsBodies.length === 1);
    expect(natsBodies).toEqual([notice]);
    const stream = await redis.xrange(names.stream, '-', '+');
    const last = stream.at(-1)?.[1] ?? [];
    expect(last[last.indexOf('type') + 1]).toBe('delete');
    expect(JSON.parse(last[last.indexOf('body') + 1] ?? '{}')).toEqual(notice);
    const amqpNotice = await channel.get(names.queue, { noAck: true });
    if (!amqpNotice) throw new Error('no deletion notice in the queue');
    expect(amqpNotice.properties.type).toBe('delete');
    expect(JSON.parse(amqpNotice.content.toString())).toEqual(notice);
    await channel.close();
    const others = [...bob.profileIds, ...cy.profileIds].sort();
    expect(await warehouseProfiles()).toEqual(others);
    expect(await mariadbProfiles()).toEqual(others);
    const events = await warehouse.query(
      `SELECT DISTINCT profile_id FROM "${names.schema}".events ORDER BY profile_id`,
    );
    expect(events.map((row) => row.profile_id)).toEqual(others);

    // Each answer is kept, under a keyed hash of the person: none of their ids in the record.
    const notices = await engine.deletionNotices(ada);
    expect(notices.map((n) => n.status).sort()).toEqual([
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
      'not_supported',
      'not_supported',
      'not_supported',
    ]);
    const stored = await engine.store.db.selectFrom('destination_deletion_notices').selectAll().execute();
    expect(JSON.stringify(stored)).not.toMatch(new RegExp(`anon-ada|"ada"|ada@|${ada.profileIds[0]}`));

    // Idempotent: a second erase finds nothing and sends nothing.
    for (const holder of holders)
      expect(Object.values(await holder.erasePerson(ada)).every((n) => n === 0)).toBe(true);
    expect(webhookBodies).toHaveLength(1);
  });

  it('tells every warehouse to delete a person whose deliveries the log no longer keeps', async () => {
    // The delivery log's retention removed the person's deliveries: warehouses still hold them.
    await engine.store.db
      .deleteFrom('deliveries')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', cy.profileIds)
      .execute();
    const destinations = holders.find((holder) => holder.domain === 'destinations');
    expect(await destinations?.erasePerson(cy)).toEqual({
      deliveries: 0,
      delivery_trait_values: 1,
      deletion_notices_confirmed: 2,
    });
    expect(await warehouseProfiles()).toEqual(bob.profileIds);
    expect(await mariadbProfiles()).toEqual(bob.profileIds);
    expect(webhookBodies).toHaveLength(1);
    // Confirmed once: not asked again.
    expect(await destinations?.erasePerson(cy)).toEqual({ deliveries: 0, delivery_trait_values: 0 });
  });

  it('anonymizes the other person: memberships, score history and delivery counts move to a random id', async () => {
    const anonymousId = `prof_anon_${suffix()}`;
    const before = await rowsOf(bob.profileIds);
    // One delivery still to be retried (much later): anonymized, it is never sent.
    const retried = await engine.store.db
      .selectFrom('deliveries')
      .select('delivery_id')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', bob.profileIds)
      .executeTakeFirstOrThrow();
    await engine.store.db
      .updateTable('deliveries')
      .set({ status: 'failed', next_attempt_at: '2999-01-01T00:00:00.000Z' })
      .where('workspace_id', '=', workspaceId)
      .where('delivery_id', '=', retried.delivery_id)
      .execute();
    const counts: Record<string, number> = {};
    for (const holder of holders)
      Object.assign(counts, await (holder.anonymizePerson ?? holder.erasePerson)(bob, anonymousId));
    expect(counts).toMatchObject({
      audience_members_rekeyed: 1,
      lead_score_history_rekeyed: before.lead_score_history,
      deliveries: 1,
      deliveries_rekeyed: before.deliveries - 1,
    });
    expect(await rowsOf(bob.profileIds)).toEqual(Object.fromEntries(PERSON_TABLES.map((t) => [t, 0])));
    const kept = await rowsOf([anonymousId]);
    expect(kept).toMatchObject({
      audience_members: 1,
      lead_score_history: before.lead_score_history,
      deliveries: before.deliveries - 1,
      profile_traits: 0,
      delivery_trait_values: 0,
    });
    const bodies = await engine.store.db
      .selectFrom('deliveries')
      .select('body')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', anonymousId)
      .execute();
    expect(new Set(bodies.map((b) => b.body))).toEqual(new Set(['{}']));
  });
});
