import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const WRITE_KEY = 'wk_ingest_threads_key';
const OWNER = { authorization: 'Bearer tdm_ingest_threads_owner_token' };
const METRICS_TOKEN = 'ingest-threads-metrics-token';
const basic = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

// Bodies of 4 KB and more are parsed and validated on ingest threads, which only run from the
// built files: this suite runs the built CLI and checks they answer as the event loop would.
describe('Tracking API bodies prepared on ingest threads', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-ingest-threads-'));
  let child: ChildProcess;
  let url: string;
  let output: () => string;
  let sourceId: string;

  beforeAll(async () => {
    ({ child, url, output } = await startTandem({
      TANDEM_DATA_DIR: dataDir,
      TANDEM_WRITE_KEY: WRITE_KEY,
      TANDEM_ADMIN_TOKEN: OWNER.authorization.slice('Bearer '.length),
      TANDEM_INGEST_THREADS: '2',
      TANDEM_MAX_PROPERTIES_PER_EVENT: '50',
      TANDEM_MAX_CALL_DEPTH: '8',
      TANDEM_MAX_TRAITS_PER_PROFILE: '5',
      TANDEM_METRICS_TOKEN: METRICS_TOKEN,
    }));
    const sources = await (await fetch(`${url}/api/v1/sources`, { headers: OWNER })).json();
    sourceId = sources.data[0].id;
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json', ...headers },
      body,
    });
  /** Padding that takes a body past the threshold without changing what is checked. */
  const padding = { note: 'x'.repeat(5000) };
  const storedEvents = async () =>
    (await (await fetch(`${url}/api/v1/sources/${sourceId}/events?limit=1000`, { headers: OWNER })).json())
      .data as { messageId: string; type: string; payload: Record<string, unknown> }[];
  /** A counter of /metrics, by its name and labels as Prometheus prints them. */
  const counter = async (series: string) => {
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    const line = metrics.split('\n').find((text) => text.startsWith(`${series} `));
    return Number(line?.slice(series.length + 1));
  };
  const checkedAsPrepared = () => counter('tandem_tracking_plan_requests_checked_total{where="as-prepared"}');
  const preparedOnThreads = () => counter('tandem_collect_bodies_prepared_total{on="ingest-thread"}');

  it('stores the valid calls of a large batch and lists the others, as the event loop does', async () => {
    const before = await preparedOnThreads();
    const response = await post(
      '/v1/batch',
      JSON.stringify({
        context: { locale: 'de' },
        batch: [
          { type: 'track', userId: 'u-1', event: 'Big Batch', messageId: 'big-1', properties: padding },
          { type: 'track', userId: 'u-1', messageId: 'big-no-event' },
          { type: 'identify', anonymousId: 'a-1', messageId: 'big-2', traits: { plan: 'pro' } },
          'not a call',
        ],
      }),
      { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Firefox/120.0' },
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, 'missing_field'],
      [3, 'invalid_call'],
    ]);
    expect(await preparedOnThreads()).toBe(before + 1);

    const events = await storedEvents();
    const track = events.find((e) => e.messageId === 'big-1');
    expect(track?.payload).toMatchObject({
      event: 'Big Batch',
      properties: padding,
      context: { locale: 'de', ip: '127.0.0.1', browser: { name: 'Firefox' } },
    });
    expect(events.find((e) => e.messageId === 'big-2')?.payload).toMatchObject({ traits: { plan: 'pro' } });
    const rejections = await (
      await fetch(`${url}/api/v1/sources/${sourceId}/rejections`, { headers: OWNER })
    ).json();
    expect(rejections.data.map((r: { code: string }) => r.code).sort()).toEqual([
      'invalid_call',
      'missing_field',
    ]);
  });

  it('stores the same event from a thread as from the event loop', async () => {
    const call = {
      type: 'track',
      userId: 'u-2',
      event: 'Same Either Way',
      properties: { sku: 'A-1', price: 9.5 },
      context: { page: { url: 'https://shop.example/?utm_source=news&utm_campaign=winter' } },
      timestamp: '2026-03-01T12:00:00.000Z',
    };
    expect((await post('/v1/track', JSON.stringify({ ...call, messageId: 'small' }))).status).toBe(200);
    const large = { batch: [{ ...call, messageId: 'large' }], padding };
    expect((await post('/v1/batch', JSON.stringify(large))).status).toBe(200);

    const events = await storedEvents();
    const comparable = (messageId: string) => {
      const event = events.find((e) => e.messageId === messageId);
      if (!event) throw new Error(`${messageId} was not stored`);
      const { messageId: _id, receivedAt: _at, ...rest } = event.payload;
      return rest;
    };
    expect(comparable('large')).toEqual(comparable('small'));
    expect(comparable('large')).toMatchObject({ context: { campaign: { source: 'news', name: 'winter' } } });
  });

  it('reads the write key from a large body, and gzip bodies', async () => {
    const keyed = JSON.stringify({
      writeKey: WRITE_KEY,
      batch: [{ type: 'track', anonymousId: 'a-3', event: 'Keyed', messageId: 'keyed', properties: padding }],
    });
    expect((await post('/v1/batch', keyed, { authorization: '' })).status).toBe(200);
    const unknownKey = keyed.replace(WRITE_KEY, 'wk_nobody_has_this');
    expect((await post('/v1/batch', unknownKey, { authorization: '' })).status).toBe(401);

    const gzipped = gzipSync(
      JSON.stringify({
        batch: [
          { type: 'track', anonymousId: 'a-3', event: 'Zipped', messageId: 'zipped', properties: padding },
        ],
      }),
    );
    expect((await post('/v1/batch', gzipped, { 'content-encoding': 'gzip' })).status).toBe(200);
    const ids = (await storedEvents()).map((e) => e.messageId);
    expect(ids).toEqual(expect.arrayContaining(['keyed', 'zipped']));
  });

  it('streams to a live debugger the calls whose bytes went on to the log writer thread', async () => {
    const abort = new AbortController();
    const live = await fetch(`${url}/api/v1/sources/${sourceId}/live`, {
      headers: OWNER,
      signal: abort.signal,
    });
    const reader = live.body?.getReader();
    if (!reader) throw new Error('no body');
    let received = '';
    const readUntil = async (predicate: () => boolean) => {
      while (!predicate()) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the live stream ended');
        received += new TextDecoder().decode(value);
      }
    };
    await readUntil(() => received.includes('event: ready'));
    // 150 calls: prepared on an ingest thread and committed on the log writer thread (>= 100).
    const batch = Array.from({ length: 150 }, (_, i) => ({
      type: 'track',
      userId: 'u-live',
      event: 'Followed Live',
      messageId: `live-${i}`,
      properties: { i, note: 'ü'.repeat(40) },
    }));
    expect((await post('/v1/batch', JSON.stringify({ batch }))).status).toBe(200);
    const eventsReceived = () => received.split('event: event\n').length - 1;
    await readUntil(() => eventsReceived() >= 150);
    abort.abort();
    const last = received
      .split('\n')
      .filter((line) => line.startsWith('data: ') && line.includes('"live-149"'))
      .map((line) => JSON.parse(line.slice('data: '.length)));
    expect(last[0]).toMatchObject({
      messageId: 'live-149',
      event: 'Followed Live',
      payload: { properties: { i: 149, note: 'ü'.repeat(40) } },
    });
  });

  it('rejects calls over the configured payload limits on a thread as on the event loop', async () => {
    const wide = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } };
    const calls = [
      { type: 'track', userId: 'u-4', event: 'Wide', messageId: 'wide', properties: wide },
      { type: 'track', userId: 'u-4', event: 'Deep', messageId: 'deep', context: deep },
      { type: 'track', userId: 'u-4', event: 'Fine', messageId: 'fine', properties: padding },
    ];
    const before = await preparedOnThreads();
    const batch = await post('/v1/batch', JSON.stringify({ batch: calls }));
    expect(await preparedOnThreads()).toBe(before + 1);
    const onThread = (await batch.json()).rejected;
    expect(onThread).toEqual([
      {
        index: 0,
        code: 'limit_exceeded',
        message:
          '`properties` holds 51 keys (nested keys count); the limit is 50 (TANDEM_MAX_PROPERTIES_PER_EVENT)',
      },
      {
        index: 1,
        code: 'limit_exceeded',
        message:
          '`context` nests objects and arrays deeper than the limit of 8 levels (TANDEM_MAX_CALL_DEPTH)',
      },
    ]);
    for (const [index, call] of calls.slice(0, 2).entries()) {
      const single = await post('/v1/track', JSON.stringify(call));
      expect(single.status).toBe(400);
      expect((await single.json()).error.message).toBe(onThread[index].message);
    }
    const ids = (await storedEvents()).map((e) => e.messageId);
    expect(ids).toContain('fine');
    expect(ids).not.toContain('wide');
  });

  it('bounds the traits of a profile in the pipeline thread, and logs what it dropped', async () => {
    const traits = Object.fromEntries(['h', 'g', 'f', 'e', 'd', 'c', 'b', 'a'].map((name) => [name, name]));
    expect((await post('/v1/identify', JSON.stringify({ userId: 'u-5', traits }))).status).toBe(200);
    const lookup = `${url}/api/v1/profiles/lookup?type=user_id&value=u-5`;
    let profile = await fetch(lookup, { headers: OWNER });
    for (let tries = 0; profile.status === 404 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      profile = await fetch(lookup, { headers: OWNER });
    }
    expect((await profile.json()).traits).toEqual({ a: 'a', b: 'b', c: 'c', d: 'd', e: 'e' });
    // The pipeline thread logs after its commit: the line may reach the output a little later.
    const warningLine = () =>
      output()
        .split('\n')
        .find((line) => line.includes('TANDEM_MAX_TRAITS_PER_PROFILE'));
    for (let tries = 0; warningLine() === undefined && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const warning = warningLine();
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 40, profiles: 1, traits: 3, limit: 5 });
  });

  it('refuses unusable large bodies as a whole, with the same errors', async () => {
    const broken = await post('/v1/batch', `{"batch": [${'{"type":"track"},'.repeat(400)}`);
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe('invalid_json');

    const tooMany = { batch: Array.from({ length: 2501 }, () => ({ type: 'track' })) };
    const refused = await post('/v1/batch', JSON.stringify(tooMany));
    expect(refused.status).toBe(413);
    expect((await refused.json()).error.message).toContain('2501 calls');

    const notABatch = await post('/v1/batch', JSON.stringify({ batch: 'nope', padding }));
    expect(notABatch.status).toBe(400);
    expect((await notABatch.json()).error.code).toBe('validation_failed');

    const proto = `{"batch":[{"type":"track","event":"E","userId":"u","__proto__":{"x":1}}],"padding":"${'x'.repeat(5000)}"}`;
    const poisoned = await post('/v1/batch', proto);
    expect(poisoned.status).toBe(400);
    expect((await poisoned.json()).error.code).toBe('invalid_json');
  });

  it('checks calls against the source’s tracking plan on the thread, and follows its changes', async () => {
    const planPath = `${url}/api/v1/sources/${sourceId}/tracking-plan`;
    const putPlan = async (plan: Record<string, unknown>) => {
      const response = await fetch(planPath, {
        method: 'PUT',
        headers: { ...OWNER, 'content-type': 'application/json' },
        body: JSON.stringify({ forwardViolations: false, identify: null, ...plan }),
      });
      expect(response.status).toBe(200);
    };
    const planned = (name: string) => ({
      name,
      schema: { type: 'object', properties: { note: { type: 'string' }, size: { type: 'number' } } },
    });
    await putPlan({ mode: 'block_unplanned_events', events: [planned('Planned Big')] });
    const before = await preparedOnThreads();
    const sendBig = async (prefix: string) => {
      const response = await post(
        '/v1/batch',
        JSON.stringify({
          batch: [
            {
              type: 'track',
              userId: 'p-1',
              event: 'Planned Big',
              messageId: `${prefix}-1`,
              properties: padding,
            },
            { type: 'track', userId: 'p-1', messageId: `${prefix}-invalid` },
            {
              type: 'track',
              userId: 'p-1',
              event: 'Unplanned Big',
              messageId: `${prefix}-2`,
              properties: { ...padding, extra: true },
            },
          ],
        }),
      );
      expect(response.status).toBe(200);
      return ((await response.json()).rejected ?? []).map((r: { index: number; code: string }) => [
        r.index,
        r.code,
      ]);
    };
    expect(await sendBig('plan-block')).toEqual([
      [1, 'missing_field'],
      [2, 'tracking_plan'],
    ]);
    expect(await preparedOnThreads()).toBe(before + 1);
    expect(await checkedAsPrepared()).toBe(1);

    // The changed plan reaches the threads before the next body: the event is planned, and in
    // omit mode its unplanned property leaves the payload.
    await putPlan({
      mode: 'omit_unplanned_properties',
      events: [planned('Planned Big'), planned('Unplanned Big')],
    });
    expect(await sendBig('plan-omit')).toEqual([[1, 'missing_field']]);
    expect(await checkedAsPrepared()).toBe(2);
    const events = await storedEvents();
    expect(events.find((e) => e.messageId === 'plan-block-2')).toBeUndefined();
    expect(events.find((e) => e.messageId === 'plan-omit-2')?.payload.properties).toEqual(padding);
    const violations = await (await fetch(`${planPath}/violations`, { headers: OWNER })).json();
    expect(
      violations.data.map((v: { event: string; type: string; count: number }) => [v.event, v.type, v.count]),
    ).toEqual(
      expect.arrayContaining([
        ['Unplanned Big', 'unplanned_event', 1],
        ['Unplanned Big', 'extra_property', 1],
      ]),
    );
    expect((await fetch(planPath, { method: 'DELETE', headers: OWNER })).status).toBe(204);
  });
});
