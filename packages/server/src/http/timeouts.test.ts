import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 1000;

/** Sends `head` on a raw socket, then `trickle` one byte every 100 ms; resolves with what came back. */
function slowClient(port: number, head: string, trickle: string) {
  return new Promise<{ response: string; closedAfterMs: number }>((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let response = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(trickle.charAt(sent++ % trickle.length));
    }, 100);
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      response += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ response, closedAfterMs: Date.now() - started });
    });
  });
}

describe('slow clients', () => {
  let server: TestServer;
  let port: number;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      TANDEM_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      TANDEM_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    url = await server.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(url).port);
  });
  afterAll(() => server.close());

  it('are answered 408 and closed when their headers arrive too slowly', async () => {
    const { response, closedAfterMs } = await slowClient(
      port,
      'GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ',
      'abcdefgh',
    );
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 1500);
  });

  it('are answered 408 and closed when their body arrives too slowly', async () => {
    const basic = Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64');
    const { response, closedAfterMs } = await slowClient(
      port,
      `POST /v1/track HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic ${basic}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"x":"`,
      'aaaaaaaa',
    );
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
  });

  it('keep a live stream open past the request timeout', async () => {
    const abort = new AbortController();
    const response = await fetch(`${url}/api/v1/sources/${server.sourceId}/live`, {
      headers: server.owner,
      signal: abort.signal,
    });
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    let received = '';
    const readUntil = async (text: string) => {
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${text}: ${received}`);
        received += new TextDecoder().decode(value);
      }
    };
    await readUntil('event: ready');
    // Real time must pass here: the server's timeout checks run on its own clock.
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS + 500));
    await server.engine.collector.collect({
      source: { workspaceId: server.workspaceId, sourceId: server.sourceId },
      calls: [{ type: 'track', userId: 'late', event: 'Still Streaming', messageId: 'late-1' }],
      request: {},
    });
    await readUntil('Still Streaming');
    abort.abort();
  });
});
