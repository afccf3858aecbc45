import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A real HTTP receiver for delivery tests (and benchmarks): records what arrives, can fail,
// go down, answer slowly or ask for a Retry-After.

export interface Received {
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: Record<string, unknown>;
  /** The status it was answered. */
  readonly status: number;
}

export interface ReceiverBehaviour {
  /** The status to answer this request (default 200). */
  answer?: (request: {
    n: number;
    body: Record<string, unknown>;
  }) => number | { status: number; headers?: Record<string, string> };
  /** Delay before answering. */
  delayMs?: number;
}

export class TestReceiver {
  readonly received: Received[] = [];
  /** The most requests it held at once (answered slowly, `delayMs`). */
  mostInFlight = 0;
  private inFlight = 0;
  private server: Server | undefined;
  private port = 0;
  private count = 0;
  private readonly waiters = new Set<() => void>();

  constructor(public behaviour: ReceiverBehaviour = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Bodies answered 2xx. */
  get accepted(): Received[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300);
  }

  async start(port = this.port): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(raw || '{}') as Record<string, unknown>;
        this.count += 1;
        this.inFlight += 1;
        this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
        const answer = this.behaviour.answer?.({ n: this.count, body }) ?? 200;
        const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
        const finish = () => {
          this.inFlight -= 1;
          this.received.push({ at: Date.now(), headers: request.headers, raw, body, status });
          response.writeHead(status, { 'content-type': 'application/json', ...headers });
          response.end('{}');
          for (const w of this.waiters) w();
        };
        if (this.behaviour.delayMs) setTimeout(finish, this.behaviour.delayMs);
        else finish();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: the port refuses connections until `start()` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `done()` holds (checked at each request), or rejects after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`receiver: condition not met within ${timeoutMs} ms (${this.received.length} requests)`),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}
