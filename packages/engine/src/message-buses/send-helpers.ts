import type { DeliveryMessage, DeliveryOutcome } from '../destinations/index.js';

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
  return Buffer.from(JSON.stringify(message.body), 'utf8');
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

/**
 * Sends each profile's messages one after the other, in the array's order, and different profiles
 * at once. After a failure, the profile's later messages are not sent (their order would break):
 * they answer a retryable outcome. Outcomes come back in the array's order.
 */
export async function sendInProfileOrder(
  messages: readonly DeliveryMessage[],
  signal: AbortSignal,
  sendOne: (message: DeliveryMessage) => Promise<DeliveryOutcome>,
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
          outcome = await sendOne(message);
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
