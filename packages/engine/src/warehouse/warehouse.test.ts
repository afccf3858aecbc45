import { randomBytes } from 'node:crypto';
import type { DeliveryType } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryMessage, DestinationTransport } from '../destinations/index.js';
import { PersonalMask } from '../pii/index.js';
import {
  kindOf,
  openWarehouseConnection,
  syncWarehouse,
  traitColumn,
  type WarehouseConnection,
  type WarehouseEngine,
  warehouseTransportKind,
} from './index.js';

// Against the real PostgreSQL (5432, db test) and MariaDB (3306, root, db test) running locally.

const URLS: Record<WarehouseEngine, string> = {
  postgres: process.env.TANDEM_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env.TANDEM_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test',
};
const suffix = () => `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const ok = (n: number) => Array.from({ length: n }, () => ({ ok: true }));
const signal = () => new AbortController().signal;
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

let sequence = 0;
function delivery(
  type: DeliveryType,
  profile: { id: string; traits: Record<string, unknown>; identities?: { type: string; value: string }[] },
  extra: Record<string, unknown> = {},
  occurredAt = '2026-12-03T08:00:00.000Z',
): DeliveryMessage {
  sequence += 1;
  return {
    deliveryId: `dlv_${sequence}`,
    workspaceId: 'ws_1',
    destinationId: 'dst_1',
    profileId: profile.id,
    type,
    occurredAt,
    body: { type, profile: { identities: [], ...profile }, ...extra, deliveryId: `dlv_${sequence}` },
    attempt: 1,
  };
}

function trackEvent(id: string, properties: Record<string, unknown>) {
  return {
    event: {
      id,
      type: 'track',
      event: 'Order Completed',
      timestamp: '2026-12-03T07:59:00.000Z',
      payload: { type: 'track', event: 'Order Completed', properties },
    },
  };
}

describe('trait columns', () => {
  it('are snake_case names, a value’s kind their type', () => {
    expect(traitColumn('firstName')).toBe('first_name');
    expect(traitColumn('Plan Name!')).toBe('plan_name');
    expect(traitColumn('profile_id')).toBe('trait_profile_id');
    expect(traitColumn('3d')).toBe('trait_3d');
    expect(traitColumn('***')).toBeUndefined();
    expect([1.5, true, '2026-01-02T03:04:05Z', '2026-01-02', 'hello', { a: 1 }, null].map(kindOf)).toEqual([
      'number',
      'boolean',
      'timestamp',
      'timestamp',
      'text',
      'text',
      undefined,
    ]);
    // A local time without its zone is not an instant: text.
    expect(kindOf('2026-01-02T03:04:05')).toBe('text');
  });
});

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`warehouse sync into ${engine}`, () => {
    const schema = `tandem_wh_${suffix()}`;
    let admin: WarehouseConnection;
    let transport: DestinationTransport;
    const config = { engine, url: URLS[engine], schema };
    const table = (name: string) =>
      engine === 'postgres' ? `"${schema}"."${name}"` : `\`${schema}\`.\`${name}\``;

    beforeAll(async () => {
      admin = openWarehouseConnection({ engine, url: URLS[engine], timeoutMs: 5_000 });
      transport = await warehouseTransportKind().open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config,
        allowPrivateNetworks: true,
        log: () => undefined,
      });
    });
    afterAll(async () => {
      await transport?.close();
      await admin.query(
        engine === 'postgres'
          ? `DROP SCHEMA IF EXISTS "${schema}" CASCADE`
          : `DROP DATABASE IF EXISTS \`${schema}\``,
      );
      await admin.close();
    });

    const columnTypes = async () => {
      const rows = await admin.query(
        'SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = ? AND table_name = ?',
        [schema, 'profiles'],
      );
      return Object.fromEntries(rows.map((r) => [String(r.name), String(r.type).toLowerCase()]));
    };
    const profileRow = async (id: string) =>
      (await admin.query(`SELECT * FROM ${table('profiles')} WHERE profile_id = ?`, [id]))[0];
    const count = async (name: string) =>
      Number((await admin.query(`SELECT count(*) AS n FROM ${table(name)}`))[0]?.n);
    const everything = async () => ({
      profiles: await admin.query(`SELECT * FROM ${table('profiles')} ORDER BY profile_id`),
      identities: await admin.query(`SELECT * FROM ${table('identities')} ORDER BY profile_id, type, value`),
      memberships: await admin.query(
        `SELECT * FROM ${table('audience_memberships')} ORDER BY audience_id, profile_id`,
      ),
      events: await admin.query(`SELECT * FROM ${table('events')} ORDER BY event_id`),
    });

    it('creates the schema and writes a profile with typed trait columns, its identities and the event', async () => {
      const message = delivery(
        'event',
        {
          id: 'prof_a',
          traits: {
            plan: 'pro',
            age: 31,
            vip: true,
            signedUpAt: '2026-01-02T03:04:05Z',
            address: { city: 'Paris' },
          },
          identities: [
            { type: 'email', value: 'ada@example.com' },
            { type: 'user_id', value: 'u1' },
          ],
        },
        trackEvent('evt_1', { total: 42.5, currency: 'EUR' }),
      );
      expect(await transport.send([message], signal())).toEqual(ok(1));
      const types = await columnTypes();
      expect(types).toMatchObject(
        engine === 'postgres'
          ? {
              plan: 'text',
              age: 'double precision',
              vip: 'boolean',
              signed_up_at: 'timestamp with time zone',
              address: 'text',
            }
          : { plan: 'text', age: 'double', vip: 'tinyint', signed_up_at: 'datetime', address: 'text' },
      );
      const row = await profileRow('prof_a');
      expect(row).toMatchObject({ plan: 'pro', age: 31, address: '{"city":"Paris"}' });
      expect(Boolean(row?.vip)).toBe(true);
      expect(iso(row?.signed_up_at)).toBe('2026-01-02T03:04:05.000Z');
      expect(await count('identities')).toBe(2);
      const [event] = await admin.query(`SELECT * FROM ${table('events')}`);
      expect(event).toMatchObject({
        event_id: 'evt_1',
        type: 'track',
        event: 'Order Completed',
        profile_id: 'prof_a',
      });
      const properties =
        typeof event?.properties === 'string' ? JSON.parse(event.properties) : event?.properties;
      expect(properties).toEqual({ total: 42.5, currency: 'EUR' });
      expect(iso(event?.timestamp)).toBe('2026-12-03T07:59:00.000Z');
    });

    it('changes nothing when a delivery is retried', async () => {
      const message = delivery(
        'event',
        {
          id: 'prof_b',
          traits: { plan: 'free', age: 20 },
          identities: [{ type: 'email', value: 'b@example.com' }],
        },
        trackEvent('evt_2', { total: 1 }),
      );
      expect(await transport.send([message], signal())).toEqual(ok(1));
      const before = await everything();
      expect(
        await transport.send(
          [
            { ...message, attempt: 2 },
            { ...message, attempt: 3 },
          ],
          signal(),
        ),
      ).toEqual(ok(2));
      expect(await everything()).toEqual(before);
    });

    it('adds a column for a new trait, and turns a clashing column into text', async () => {
      const later = delivery(
        'trait.changed',
        { id: 'prof_a', traits: { plan: 'pro', score: 7 } },
        {
          changes: { score: { from: null, to: 7 }, churnRisk: { from: null, to: 0.25 } },
        },
      );
      expect(await transport.send([later], signal())).toEqual(ok(1));
      expect(await columnTypes()).toMatchObject(
        engine === 'postgres'
          ? { score: 'double precision', churn_risk: 'double precision' }
          : { score: 'double' },
      );
      expect(await profileRow('prof_a')).toMatchObject({ score: 7, churn_risk: 0.25, age: 31 });
      // The same change in the shape `trait: {id, name, value, previous}`.
      const named = delivery(
        'trait.changed',
        { id: 'prof_a', traits: {} },
        {
          trait: { id: 'ctr_1', name: 'orders_30d', value: 3, previous: 2 },
        },
      );
      expect(await transport.send([named], signal())).toEqual(ok(1));
      expect((await profileRow('prof_a'))?.orders_30d).toBe(3);
      expect((await profileRow('prof_b'))?.score).toBeNull();

      // "age" was a number; a string for it turns the column into text, old values kept as text.
      const clash = delivery('event', { id: 'prof_c', traits: { age: 'thirty' } }, trackEvent('evt_3', {}));
      expect(await transport.send([clash], signal())).toEqual(ok(1));
      expect((await columnTypes()).age).toBe('text');
      expect((await profileRow('prof_c'))?.age).toBe('thirty');
      expect((await profileRow('prof_b'))?.age).toBe('20');
      // A number into the text column is written as text.
      expect(
        await transport.send(
          [delivery('event', { id: 'prof_d', traits: { age: 5 } }, trackEvent('evt_4', {}))],
          signal(),
        ),
      ).toEqual(ok(1));
      expect((await profileRow('prof_d'))?.age).toBe('5');
    });

    it('adds the columns of many profiles written at once', async () => {
      const batch = Array.from({ length: 12 }, (_, i) =>
        delivery(
          'event',
          { id: `prof_p${i}`, traits: { [`burst_${i % 4}`]: i, shared_flag: i % 2 === 0 } },
          trackEvent(`evt_p${i}`, {}),
        ),
      );
      expect(await transport.send(batch, signal())).toEqual(ok(12));
      expect(await columnTypes()).toMatchObject({
        burst_0: expect.any(String),
        burst_3: expect.any(String),
        shared_flag: expect.any(String),
      });
      expect((await profileRow('prof_p7'))?.burst_3).toBe(7);
    });

    it('keeps audience memberships; a replayed old change does not undo a newer one', async () => {
      const audience = { audience: { id: 'aud_1', name: 'Big spenders' } };
      const entered = delivery(
        'audience.entered',
        { id: 'prof_a', traits: {} },
        { ...audience, occurredAt: '2026-12-03T08:00:00.000Z' },
        '2026-12-03T08:00:00.000Z',
      );
      const exited = delivery(
        'audience.exited',
        { id: 'prof_a', traits: {} },
        { ...audience, occurredAt: '2026-12-03T09:00:00.000Z' },
        '2026-12-03T09:00:00.000Z',
      );
      expect(await transport.send([entered], signal())).toEqual(ok(1));
      let [row] = await admin.query(
        `SELECT * FROM ${table('audience_memberships')} WHERE audience_id = 'aud_1'`,
      );
      expect(Boolean(row?.member)).toBe(true);
      expect(iso(row?.entered_at)).toBe('2026-12-03T08:00:00.000Z');
      expect(row?.audience_name).toBe('Big spenders');

      expect(await transport.send([exited, { ...entered, attempt: 2 }], signal())).toEqual(ok(2));
      [row] = await admin.query(`SELECT * FROM ${table('audience_memberships')} WHERE audience_id = 'aud_1'`);
      expect(Boolean(row?.member)).toBe(false);
      expect(iso(row?.exited_at)).toBe('2026-12-03T09:00:00.000Z');
      expect(iso(row?.entered_at)).toBe('2026-12-03T08:00:00.000Z');
    });

    it('recreates its tables after they were dropped behind its back', async () => {
      await admin.query(`DROP TABLE ${table('identities')}`);
      const message = delivery(
        'event',
        { id: 'prof_r', traits: {}, identities: [{ type: 'email', value: 'r@example.com' }] },
        trackEvent('evt_r', {}),
      );
      const [first] = await transport.send([message], signal());
      expect(first).toMatchObject({ ok: false, retryable: true });
      expect(await transport.send([{ ...message, attempt: 2 }], signal())).toEqual(ok(1));
      expect(await count('identities')).toBe(1);
    });

    it('refuses, without retry, a body that is not the contract’s', async () => {
      const mapped = { ...delivery('event', { id: 'prof_x', traits: {} }), body: { whatever: 1 } };
      const [outcome] = await transport.send([mapped], signal());
      expect(outcome).toMatchObject({ ok: false, retryable: false });
    });

    it('writes the personal fields of an event’s call masked, as they arrive in the stored payload', async () => {
      const masked = await warehouseTransportKind({
        maskOf: async () => new PersonalMask(['email', 'name']),
      }).open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config,
        allowPrivateNetworks: true,
        log: () => undefined,
      });
      try {
        const profile = { id: 'prof_pii', traits: { email: 'ann@example.com' } };
        // As the delivery stage writes them: the stored event with the call in `payload`.
        const identify = delivery('event', profile, {
          event: {
            id: 'evt_pii_1',
            type: 'identify',
            event: null,
            timestamp: '2026-12-03T07:59:00.000Z',
            payload: { type: 'identify', traits: { email: 'ann@example.com', name: 'Ann', plan: 'pro' } },
          },
        });
        const track = delivery(
          'event',
          profile,
          trackEvent('evt_pii_2', { total: 3, email: 'ann@example.com' }),
        );
        expect(await masked.send([identify, track], signal())).toEqual(ok(2));
        const rows = await admin.query(
          `SELECT event_id, properties FROM ${table('events')} WHERE profile_id = ? ORDER BY event_id`,
          ['prof_pii'],
        );
        const properties = rows.map((row) =>
          typeof row.properties === 'string' ? JSON.parse(row.properties) : row.properties,
        );
        expect(properties).toEqual([
          { email: 'a•••@e•••.com', name: '•••', plan: 'pro' },
          { total: 3, email: 'a•••@e•••.com' },
        ]);
        expect((await profileRow('prof_pii'))?.email).toBe('a•••@e•••.com');
      } finally {
        await masked.close();
      }
    });

    it('syncs every profile at first, marking memberships the profile no longer has as exited', async () => {
      async function* profiles() {
        yield {
          id: 'prof_a',
          traits: { plan: 'enterprise' },
          identities: [],
          audiences: [{ id: 'aud_2', name: 'New' }],
        };
        for (let i = 0; i < 250; i++)
          yield {
            id: `prof_s${i}`,
            traits: { rank: i },
            identities: [{ type: 'user_id', value: `s${i}` }],
            audiences: [],
          };
      }
      expect(await syncWarehouse(config, profiles(), { allowPrivateNetworks: true })).toBe(251);
      expect((await profileRow('prof_a'))?.plan).toBe('enterprise');
      expect((await profileRow('prof_s249'))?.rank).toBe(249);
      const memberships = await admin.query(
        `SELECT audience_id, member FROM ${table('audience_memberships')} WHERE profile_id = 'prof_a' ORDER BY audience_id`,
      );
      expect(memberships.map((m) => [m.audience_id, Boolean(m.member)])).toEqual([
        ['aud_1', false],
        ['aud_2', true],
      ]);
      // Run again: the same tables (idempotent, apart from the sync's own time).
      const before = await count('identities');
      await syncWarehouse(config, profiles(), { allowPrivateNetworks: true });
      // Without TANDEM_ALLOW_PRIVATE_DESTINATIONS a loopback warehouse is refused.
      await expect(syncWarehouse(config, profiles())).rejects.toThrow(/loopback or private/);
      expect(await count('identities')).toBe(before);
    });

    it('refuses a loopback warehouse without TANDEM_ALLOW_PRIVATE_DESTINATIONS, without retry', async () => {
      const guarded = await warehouseTransportKind().open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config,
        allowPrivateNetworks: false,
        log: () => undefined,
      });
      const [outcome] = await guarded.send(
        [delivery('event', { id: 'prof_g', traits: {} }, trackEvent('evt_g', {}))],
        signal(),
      );
      expect(outcome).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringMatching(/loopback or private/),
      });
      await guarded.close();
    });

    it('checks, for a test, that it may write in the schema, writing no row', async () => {
      const fresh = { ...config, schema: `${schema}_check` };
      const tested = await warehouseTransportKind().open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config: fresh,
        allowPrivateNetworks: true,
        log: () => undefined,
      });
      try {
        const found = await tested.check?.(signal());
        expect(found).toEqual({ ok: true, checked: expect.stringMatching(/no row was written/) });
        for (const name of ['profiles', 'identities', 'audience_memberships', 'events']) {
          const rows = await admin.query(
            `SELECT count(*) AS n FROM ${engine === 'postgres' ? `"${fresh.schema}"."${name}"` : `\`${fresh.schema}\`.\`${name}\``}`,
          );
          expect(Number(rows[0]?.n), name).toBe(0);
        }
      } finally {
        await tested.close();
        await admin.query(
          engine === 'postgres'
            ? `DROP SCHEMA IF EXISTS "${fresh.schema}" CASCADE`
            : `DROP DATABASE IF EXISTS \`${fresh.schema}\``,
        );
      }
    });

    it('fails the check of a login that may create the tables but not write in them', async () => {
      const login = `tandem_ro_${suffix()}`;
      // The tables exist (a delivery above made them); the login may read and create, not write.
      const grants =
        engine === 'postgres'
          ? [
              `CREATE ROLE ${login} LOGIN`,
              `GRANT CREATE ON DATABASE test TO ${login}`,
              `GRANT USAGE, CREATE ON SCHEMA "${schema}" TO ${login}`,
              `GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO ${login}`,
            ]
          : [`CREATE USER '${login}'@'%'`, `GRANT SELECT, CREATE ON \`${schema}\`.* TO '${login}'@'%'`];
      for (const statement of grants) await admin.query(statement);
      const url = new URL(URLS[engine]);
      url.username = login;
      // MySQL: the login may use the schema's database only.
      if (engine === 'mysql') url.pathname = `/${schema}`;
      const readOnly = await warehouseTransportKind().open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config: { ...config, url: url.toString() },
        allowPrivateNetworks: true,
        log: () => undefined,
      });
      try {
        expect(await readOnly.check?.(signal())).toMatchObject({
          ok: false,
          error: expect.stringMatching(
            engine === 'postgres'
              ? /^Warehouse check failed: permission denied for table profiles/
              : /^Warehouse check failed: INSERT command denied/,
          ),
        });
      } finally {
        await readOnly.close();
        const revokes =
          engine === 'postgres'
            ? [`REVOKE CREATE ON DATABASE test FROM ${login}`, `DROP OWNED BY ${login}`, `DROP ROLE ${login}`]
            : [`DROP USER '${login}'@'%'`];
        for (const statement of revokes) await admin.query(statement);
      }
    });

    it('answers a retryable outcome fast when the warehouse is down', async () => {
      const down = await warehouseTransportKind({ timeoutMs: 1_000 }).open({
        workspaceId: 'ws_1',
        destinationId: 'dst_1',
        config: {
          ...config,
          url:
            engine === 'postgres' ? 'postgres://postgres@127.0.0.1:1/test' : 'mysql://root@127.0.0.1:1/test',
        },
        allowPrivateNetworks: true,
        log: () => undefined,
      });
      const started = Date.now();
      const [outcome] = await down.send(
        [delivery('event', { id: 'prof_z', traits: {} }, trackEvent('evt_z', {}))],
        signal(),
      );
      expect(outcome).toMatchObject({ ok: false, retryable: true });
      expect(Date.now() - started).toBeLessThan(4_500);
      await down.close();
    });

    it('fails a full sync saying why: the warehouse’s failure refused, a failure reading profiles as it is', async () => {
      async function* one() {
        yield { id: 'prof_1', traits: {}, identities: [] };
      }
      const downUrl =
        engine === 'postgres' ? 'postgres://postgres@127.0.0.1:1/test' : 'mysql://root@127.0.0.1:1/test';
      await expect(
        syncWarehouse({ ...config, url: downUrl }, one(), { allowPrivateNetworks: true, timeoutMs: 1_000 }),
      ).rejects.toMatchObject({
        code: 'unprocessable',
        message: expect.stringMatching(new RegExp(`^The ${engine} warehouse could not be written: `)),
      });
      const broken = new Error('the store is gone');
      async function* failing() {
        yield { id: 'prof_1', traits: {}, identities: [] };
        throw broken;
      }
      await expect(syncWarehouse(config, failing(), { allowPrivateNetworks: true })).rejects.toBe(broken);
    });
  });
}
