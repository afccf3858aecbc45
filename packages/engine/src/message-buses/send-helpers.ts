import { lookup } from 'node:dns/promises';
import { setMaxListeners } from 'node:events';
import { isIP } from 'node:net';
import { addressRefusal, type DeliveryMessage, type DeliveryOutcome } from '../destinations/index.js';

// What every transport of this folder shares: a bound on each send, per-profile order, and the
// sentence a failure becomes.

/** Default bound of one send (connect included): a down server answers within it, never hangs. */
export const DEFAULT_SEND_TIMEOUT_MS = 5_000;

/** Thrown when a bound elapses or the dispatcher aborts. */
export class SendTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'SendTimeout';
  }
}

/**
 * `promise`, or a rejection when `ms` elapses or `signal` aborts first. The promise keeps running:
 * the caller decides what its late result means.
 */
export function withinBound<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SendTimeout(what, 0));
      promise.catch(() => undefined);
      return;
    }
    const timer = setTimeout(() => finish(() => reject(new SendTimeout(what, ms))), ms);
    const onAbort = () => finish(() => reject(new Error(`${what}: the send was aborted at its deadline`)));
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/** The message's body as sent on the wire. */
export function bodyBytes(message: DeliveryMessage): Buffer {
  return Buffer.from(message.rawBody ?? JSON.stringify(message.body), 'utf8');
}

/** A failure's sentence for the delivery log. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = error.message || error.name;
    return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
  }
  return String(error);
}

export function retryable(error: string): DeliveryOutcome {
  return { ok: false, retryable: true, error };
}

/** A destination's host that may not be connected to: retrying cannot help. */
export class RefusedAddress extends Error {
  override name = 'RefusedAddress';
}

/** The outcome of a failed send: retryable, except for a refused address. */
export function failure(what: string, error: unknown): DeliveryOutcome {
  return {
    ok: false,
    retryable: !(error instanceof RefusedAddress),
    error: `${what}: ${describeError(error)}`,
  };
}

/** How long a host's addresses, once checked, are trusted before being looked up again. */
const HOST_CHECK_TTL_MS = 60_000;

/**
 * The SSRF guard of the buses and warehouses (the webhook's rules): a host whose address is
 * link-local or a cloud metadata service is refused, one that is loopback or private unless
 * TANDEM_ALLOW_PRIVATE_DESTINATIONS. A host without a name (a local socket) counts as loopback.
 * Checked before connecting; the client library then resolves the name again, so a DNS answer
 * that changes in between is not caught.
 */
export class HostGuard {
  private checkedAt = -Infinity;

  constructor(
    private readonly hostname: string,
    private readonly allowPrivate: boolean,
  ) {}

  async check(): Promise<void> {
    if (Date.now() - this.checkedAt < HOST_CHECK_TTL_MS) return;
    const host = this.hostname.startsWith('[') ? this.hostname.slice(1, -1) : this.hostname;
    const addresses =
      host === ''
        ? ['127.0.0.1']
        : isIP(host)
          ? [host]
          : (await lookup(host, { all: true })).map((a) => a.address);
    for (const address of addresses) {
      const refusal = addressRefusal(address, this.allowPrivate);
      if (refusal) throw new RefusedAddress(host === address ? refusal : `${host} resolves to ${refusal}`);
    }
    this.checkedAt = Date.now();
  }
}

/**
 * Sends each profile's messages one after the other, in the array's order, and different profiles
 * at once. After a failure, the profile's later messages are not sent (their order would break):
 * they answer a retryable outcome. Outcomes come back in the array's order.
 */
export async function sendInProfileOrder(
  messages: readonly DeliveryMessage[],
  signal: AbortSignal,
  sendOne: (message: DeliveryMessage, signal: AbortSignal) => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome[]> {
  // One listener on the caller's signal; the sends (one listener each, many at once) listen to
  // this one, which may have any number.
  const scoped = new AbortController();
  setMaxListeners(0, scoped.signal);
  const abort = () => scoped.abort();
  if (signal.aborted) scoped.abort();
  else signal.addEventListener('abort', abort, { once: true });
  try {
    return await sendEach(messages, scoped.signal, sendOne);
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

async function sendEach(
  messages: readonly DeliveryMessage[],
  signal: AbortSignal,
  sendOne: (message: DeliveryMessage, signal: AbortSignal) => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = new Array(messages.length);
  const byProfile = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const indexes = byProfile.get(message.profileId) ?? [];
    indexes.push(index);
    byProfile.set(message.profileId, indexes);
  });
  await Promise.all(
    [...byProfile.values()].map(async (indexes) => {
      let failed: string | undefined;
      for (const index of indexes) {
        const message = messages[index]!;
        if (failed !== undefined) {
          outcomes[index] = retryable(`Not sent: an earlier delivery of this profile failed (${failed})`);
          continue;
        }
        if (signal.aborted) {
          outcomes[index] = retryable('Not sent: the send was aborted at its deadline');
          failed = 'aborted';
          continue;
        }
        let outcome: DeliveryOutcome;
        try {
          outcome = await sendOne(message, signal);
        } catch (error) {
          outcome = retryable(describeError(error));
        }
        outcomes[index] = outcome;
        if (!outcome.ok) failed = outcome.error;
      }
    }),
  );
  return outcomes;
}

/**
 * One connection opened on first use and reused; dropped when it breaks (`forget`) so that the next
 * send opens a new one. Concurrent first uses share one attempt.
 */
export class SharedConnection<C> {
  private current: Promise<C> | undefined;
  private closed = false;

  constructor(
    private readonly openOne: () => Promise<C>,
    private readonly closeOne: (connection: C) => Promise<void>,
  ) {}

  get(): Promise<C> {
    if (this.closed) return Promise.reject(new Error('The transport is closed'));
    if (!this.current) {
      const attempt = this.openOne();
      this.current = attempt;
      // A failed attempt is forgotten so that the next send tries again.
      attempt.catch(() => {
        if (this.current === attempt) this.current = undefined;
      });
    }
    return this.current;
  }

  /** Forgets `connection` (it broke); closes it quietly. */
  forget(connection?: C): void {
    const current = this.current;
    if (!current) return;
    void current.then(
      (open) => {
        if (connection !== undefined && open !== connection) return;
        if (this.current === current) this.current = undefined;
        this.closeOne(open).catch(() => undefined);
      },
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    const open = await current.catch(() => undefined);
    if (open !== undefined) await this.closeOne(open).catch(() => undefined);
  }
}
