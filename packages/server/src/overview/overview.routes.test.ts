import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the overview API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it("lets a viewer read today's events, people and top events of the workspace", async () => {
    const now = new Date().toISOString();
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: {
        batch: [
          { type: 'track', userId: 'ada', event: 'Order Completed', timestamp: now },
          { type: 'track', userId: 'ada', event: 'Order Completed', timestamp: now },
          { type: 'track', userId: 'bo', event: 'Page Viewed', timestamp: now },
        ],
      },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    const viewer = await server.tokenFor('viewer');
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/v1/overview?days=7',
      headers: viewer,
    });
    expect(response.statusCode).toBe(200);
    const overview = response.json();
    expect(overview.days).toHaveLength(7);
    expect(overview.days.at(-1)).toMatchObject({
      day: now.slice(0, 10),
      events: 3,
      newPeople: 2,
      activePeople: 2,
    });
    expect(overview.topEvents).toEqual([
      { event: 'Order Completed', count: 2, capped: false },
      { event: 'Page Viewed', count: 1, capped: false },
    ]);
    expect(overview.topSources).toEqual([
      expect.objectContaining({ sourceId: server.sourceId, events: 3, capped: false }),
    ]);
  });

  it('refuses a period outside 7 to 90 days, naming the field', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/v1/overview?days=400',
      headers: server.owner,
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toContain('days');
  });

  it('refuses a request without credentials', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/v1/overview' });
    expect(response.statusCode).toBe(401);
  });
});
