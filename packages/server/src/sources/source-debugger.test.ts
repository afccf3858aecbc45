import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the source debugger on %s', (kind) => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  /** Follows a source's live stream (SSE): what arrived so far, and a wait for some text. */
  async function followLive(sourceId: string) {
    const abort = new AbortController();
    const response = await fetch(`${url}/api/v1/sources/${sourceId}/live`, {
      headers: server.owner,
      signal: abort.signal,
    });
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    let received = '';
    return {
      contentType: response.headers.get('content-type'),
      received: () => received,
      async readUntil(text: string) {
        while (!received.includes(text)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${text}`);
          received += new TextDecoder().decode(value);
        }
      },
      stop: () => abort.abort(),
    };
  }

  it('streams events and rejections live as they are committed', async () => {
    const live = await followLive(server.sourceId);
    expect(live.contentType).toContain('text/event-stream');
    await live.readUntil('event: ready');
    await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { ...writeKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        batch: [
          { type: 'track', userId: 'live-1', event: 'Live Event', messageId: 'live-msg-1' },
          { type: 'track', userId: 'live-1' },
        ],
      }),
    });
    await live.readUntil('event: rejection');
    expect(live.received()).toContain('event: event');
    expect(live.received()).toContain('live-msg-1');
    live.stop();
  });

  it('streams the Audience Entered events the pipeline appends to the audiences source', async () => {
    const { engine, workspaceId } = server;
    const settle = async () => {
      await engine.pipeline.catchUp();
      await engine.segment.catchUp();
    };
    // A source of its own: the other tests count the bootstrap source's events.
    const signups = await engine.sources.create(workspaceId, { name: 'signups' });
    const signUp = (userId: string) =>
      engine.collector.collect({
        source: { workspaceId, sourceId: signups.id },
        calls: [{ type: 'track', userId, event: 'Signed Up', messageId: `signup-${userId}` }],
        request: {},
      });
    const created = await engine.audiences.create(workspaceId, {
      name: 'Signed up',
      rule: { event: 'Signed Up' },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    // The first member creates the internal source the audience events are appended under.
    await signUp('first-member');
    await settle();
    const sources = await engine.sources.list(workspaceId, { limit: 50 });
    const audiencesSource = sources.data.find((source) => source.name === 'Tandem audiences');
    if (!audiencesSource) throw new Error('no audiences source');

    const live = await followLive(audiencesSource.id);
    await live.readUntil('event: ready');
    await signUp('second-member');
    await settle();
    await live.readUntil('second-member');
    expect(live.received()).toContain('Audience Entered');
    expect(live.received()).not.toContain('first-member');
    live.stop();
  });

  it('lists recent events, rejections and counters of a source', async () => {
    const events = await server.app.inject({
      url: `/api/v1/sources/${server.sourceId}/events?limit=5`,
      headers: server.owner,
    });
    expect(events.json().data[0]).toMatchObject({ messageId: 'live-msg-1', event: 'Live Event' });
    const rejections = await server.app.inject({
      url: `/api/v1/sources/${server.sourceId}/rejections`,
      headers: server.owner,
    });
    expect(rejections.json().data[0]).toMatchObject({ code: 'missing_field' });
    const stats = await server.app.inject({
      url: `/api/v1/sources/${server.sourceId}/stats`,
      headers: server.owner,
    });
    expect(stats.json()).toMatchObject({ events: 1, rejections: 1, lastEventAt: expect.any(String) });
  });

  it('hides a source from another workspace', async () => {
    const workspace = await createWorkspace(server.engine.store, 'Elsewhere');
    const outsider = await server.tokenFor('owner', workspace.id);
    for (const path of ['events', 'rejections', 'stats', 'live']) {
      const response = await server.app.inject({
        url: `/api/v1/sources/${server.sourceId}/${path}`,
        headers: outsider,
      });
      expect(response.statusCode, path).toBe(404);
    }
  });
});
