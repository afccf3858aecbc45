import { connect, type Socket } from 'node:net';
import type { StoredEvent } from '@tandem/contract';
import { AccessService, createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  type TestServer,
} from '../testing/test-server.js';
import type { LiveStreamEndReason } from './live-streams.js';

const BUFFER_BYTES = 65_536;
const PER_PRINCIPAL = 2;
const PER_PROCESS = 4;

describe.each(ENGINES)('source debugger live streams on %s', (kind) => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      TANDEM_LIVE_STREAM_BUFFER_BYTES: String(BUFFER_BYTES),
      TANDEM_LIVE_STREAMS_PER_PRINCIPAL: String(PER_PRINCIPAL),
      TANDEM_LIVE_STREAMS_MAX: String(PER_PROCESS),
    });
    url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  const liveUrl = () => `${url}/api/v1/sources/${server.sourceId}/live`;

  /** The reason the next stream to end ended for. */
  function nextEnd(): Promise<LiveStreamEndReason> {
    return new Promise((resolve) => {
      const stop = server.app.liveStreams.onEnd((reason) => {
        stop();
        resolve(reason);
      });
    });
  }

  /** Follows the live stream with these headers, reading as fast as the server sends. */
  async function follow(headers: Record<string, string>) {
    const abort = new AbortController();
    const response = await fetch(liveUrl(), { headers, signal: abort.signal });
    const reader = response.body?.getReader();
    let received = '';
    let ended = false;
    const readUntil = async (text: string) => {
      if (!reader) throw new Error(`no stream: ${response.status}`);
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) {
          ended = true;
          throw new Error(`stream ended before ${text}: ${received.slice(-300)}`);
        }
        // Only the tail is kept: the large-event test streams hundreds of megabytes.
        received = (received + new TextDecoder().decode(value)).slice(-1_000_000);
      }
    };
    return {
      response,
      received: () => received,
      readUntil,
      /** Reads to the end of the stream; resolves with everything received. */
      async readToEnd() {
        if (!reader) throw new Error(`no stream: ${response.status}`);
        while (!ended) {
          const { value, done } = await reader.read();
          if (done) ended = true;
          else received += new TextDecoder().decode(value);
        }
        return received;
      },
      async stop() {
        const ending = nextEnd();
        abort.abort();
        await ending;
      },
    };
  }

  /** A client that opens the stream, then stops reading it. */
  function stalledClient(token: string): Promise<Socket> {
    const { port } = new URL(url);
    return new Promise((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `GET /api/v1/sources/${server.sourceId}/live HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${token}\r\n\r\n`,
        );
      });
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString();
        if (!head.includes('event: ready')) return;
        socket.off('data', onData);
        socket.pause();
        resolve(socket);
      };
      socket.on('data', onData);
    });
  }

  /** Committed events of 64 KB each, handed to the source's followers. */
  function publishLargeEvents(batch: number, count: number) {
    const note = 'x'.repeat(64 * 1024);
    const events: StoredEvent[] = Array.from({ length: count }, (_, i) => ({
      id: `evt_large_${batch}_${i}`,
      seq: batch * 1000 + i + 1,
      sourceId: server.sourceId,
      messageId: `large-${batch}-${i}`,
      type: 'track',
      event: 'Large',
      userId: 'u-large',
      anonymousId: null,
      timestamp: new Date(0).toISOString(),
      originalTimestamp: null,
      sentAt: null,
      receivedAt: new Date(0).toISOString(),
      payload: { properties: { note } },
    }));
    server.engine.collector.publishCommitted(server.sourceId, events);
  }

  async function signIn() {
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    return { cookie, csrfToken: String(login.json().csrfToken) };
  }

  it('drops a stream whose client stops reading, with a last error message, while others keep up', async () => {
    const healthy = await follow(server.owner);
    await healthy.readUntil('event: ready');
    const stalled = await stalledClient(server.owner.authorization);
    const dropped = nextEnd();
    let batch = 0;
    // Enough to fill the loopback socket's buffers and then the stream's bound.
    while (server.app.liveStreams.openCount === 2 && batch < 2000) {
      publishLargeEvents(batch, 4);
      batch += 1;
      await new Promise((resolve) => setImmediate(resolve));
      await healthy.readUntil(`large-${batch - 1}-3`);
    }
    expect(await dropped).toBe('slow');
    expect(server.app.liveStreams.openCount).toBe(1);

    // Once it reads again, the stalled client finds why its stream ended, then the last chunk.
    const rest = await new Promise<string>((resolve) => {
      let tail = '';
      stalled.setEncoding('utf8');
      stalled.on('data', (chunk: string) => {
        tail = (tail + chunk).slice(-100_000);
        if (tail.endsWith('\r\n0\r\n\r\n')) resolve(tail);
      });
      stalled.resume();
    });
    expect(rest).toContain('event: error');
    expect(rest).toContain('"code":"overloaded"');
    expect(rest).toContain('TANDEM_LIVE_STREAM_BUFFER_BYTES');
    stalled.destroy();

    // The healthy stream still follows.
    publishLargeEvents(9999, 1);
    await healthy.readUntil('large-9999-0');
    await healthy.stop();
  });

  it('masks personal fields for a follower whose role lacks pii:read, and only for them', async () => {
    const viewer = await follow(await server.tokenFor('viewer'));
    const owner = await follow(server.owner);
    await Promise.all([viewer.readUntil('event: ready'), owner.readUntil('event: ready')]);
    await server.engine.collector.collect({
      source: { workspaceId: server.workspaceId, sourceId: server.sourceId },
      calls: [
        { type: 'identify', userId: 'u-live-pii', traits: { email: 'live.pii@example.com', plan: 'pro' } },
      ],
      request: {},
    });
    await Promise.all([viewer.readUntil('u-live-pii'), owner.readUntil('u-live-pii')]);
    expect(owner.received()).toContain('live.pii@example.com');
    expect(viewer.received()).not.toContain('live.pii@example.com');
    expect(viewer.received()).toContain('l•••@e•••.com');
    expect(viewer.received()).toContain('"plan":"pro"');
    await Promise.all([viewer.stop(), owner.stop()]);
  });

  it('refuses streams past the cap per token and per process, naming the cap', async () => {
    const first = await follow(server.owner);
    const second = await follow(server.owner);
    const third = await fetch(liveUrl(), { headers: server.owner });
    expect(third.status).toBe(429);
    const refusal = (await third.json()).error;
    expect(refusal.code).toBe('rate_limited');
    expect(refusal.message).toContain(`maximum of ${PER_PRINCIPAL} live streams`);
    expect(refusal.message).toContain('TANDEM_LIVE_STREAMS_PER_PRINCIPAL');

    const others = [
      await follow(await server.tokenFor('viewer')),
      await follow(await server.tokenFor('viewer')),
    ];
    const overProcess = await fetch(liveUrl(), { headers: await server.tokenFor('viewer') });
    expect(overProcess.status).toBe(429);
    expect((await overProcess.json()).error.message).toContain(`maximum of ${PER_PROCESS} live streams`);

    // A closed stream frees its slot.
    await first.stop();
    const again = await follow(server.owner);
    await again.readUntil('event: ready');
    for (const stream of [second, again, ...others]) await stream.stop();
  });

  it('ends a token’s streams when the token is revoked, and only those', async () => {
    const token = await server.engine.access.tokens.create({
      workspaceId: server.workspaceId,
      name: 'revoked soon',
      role: 'viewer',
    });
    const revoked = await follow({ authorization: `Bearer ${token.token}` });
    await revoked.readUntil('event: ready');
    const other = await follow(server.owner);
    await other.readUntil('event: ready');

    await server.engine.access.tokens.revoke(server.workspaceId, token.id);
    const text = await revoked.readToEnd();
    expect(text).toContain('event: error');
    expect(text).toContain('"code":"unauthorized"');
    expect(server.app.liveStreams.openCount).toBe(1);
    await other.stop();
  });

  it('ends a session’s stream on logout', async () => {
    const { cookie, csrfToken } = await signIn();
    const stream = await follow({ cookie });
    await stream.readUntil('event: ready');
    const logout = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(logout.statusCode).toBe(204);
    expect(await stream.readToEnd()).toContain('"code":"unauthorized"');
  });

  it('ends, at the next recheck, a stream whose token another process revoked', async () => {
    const token = await server.engine.access.tokens.create({
      workspaceId: server.workspaceId,
      name: 'revoked elsewhere',
      role: 'viewer',
    });
    const stream = await follow({ authorization: `Bearer ${token.token}` });
    await stream.readUntil('event: ready');
    // Another process's access service: no revocation is announced in this one.
    await new AccessService(server.engine.store).tokens.revoke(server.workspaceId, token.id);
    expect(server.app.liveStreams.openCount).toBe(1);
    await server.app.liveStreams.recheckAll();
    expect(await stream.readToEnd()).toContain('"code":"unauthorized"');
  });

  it('ends, at the next recheck, a session’s stream once the session acts in another workspace', async () => {
    const { cookie, csrfToken } = await signIn();
    const stream = await follow({ cookie });
    await stream.readUntil('event: ready');
    const elsewhere = await createWorkspace(server.engine.store, 'Elsewhere');
    const session = await server.app.inject({ url: '/api/v1/auth/session', headers: { cookie } });
    await server.engine.access.members.add(elsewhere.id, session.json().user.id, 'owner');
    const switched = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/workspace',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: { workspaceId: elsewhere.id },
    });
    expect(switched.statusCode).toBe(200);
    await server.app.liveStreams.recheckAll();
    const text = await stream.readToEnd();
    expect(text).toContain('"code":"forbidden"');
    expect(text).toContain('another workspace');
  });
});
