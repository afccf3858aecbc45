import { ENGINES } from '@tandem/engine/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const auth = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

// A commit stuck behind another connection's lock: only PostgreSQL can hold one while the event
// loop keeps running (SQLite commits of single calls run on the event loop itself).
describe.each(ENGINES.filter((kind) => kind === 'postgres'))('Tracking API answer deadline on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { TANDEM_TRACKING_ANSWER_TIMEOUT_MS: '300' });
  });
  afterAll(() => server.close());

  /** Holds a lock on the events table that every insert waits for, until `release`. */
  async function lockEvents() {
    const client = new pg.Client({ connectionString: process.env.TANDEM_TEST_DATABASE_URL });
    await client.connect();
    await client.query(`SET search_path TO ${server.engine.store.postgresSchema}`);
    await client.query('BEGIN');
    await client.query('LOCK TABLE events IN EXCLUSIVE MODE');
    return async () => {
      await client.query('COMMIT');
      await client.end();
    };
  }

  const track = () =>
    server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: auth,
      payload: { userId: 'u-lock', event: 'Behind A Lock', messageId: 'behind-a-lock' },
    });

  it('answers 503 with Retry-After when the calls cannot be stored in time, and a retry stores them once', async () => {
    const release = await lockEvents();
    try {
      const started = Date.now();
      const stuck = await track();
      expect(stuck.statusCode).toBe(503);
      expect(stuck.headers['retry-after']).toBe('1');
      expect(stuck.json().error).toMatchObject({
        code: 'not_ready',
        message:
          'The calls were not stored within 0.3 s; retry the request (calls with a messageId are stored once)',
      });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await release();
    }
    expect((await track()).statusCode).toBe(200);
    const events = await server.app.inject({
      url: `/api/v1/sources/${server.sourceId}/events?limit=100`,
      headers: server.owner,
    });
    const stored = events.json().data.filter((e: { messageId: string }) => e.messageId === 'behind-a-lock');
    expect(stored).toHaveLength(1);
  });
});
