import { afterEach, describe, expect, it } from 'vitest';
import { PreparationPool } from '../dist/collect/preparation-pool.js';
// The built pool: its threads run the compiled worker (under vitest, sources prepare in-process).
import { AppError } from '../dist/errors/index.js';

const request = { ip: '127.0.0.1', userAgent: undefined };
const call = (i: number) => ({ type: 'track', userId: `u-${i}`, event: 'Prepared', messageId: `m-${i}` });
const body = (text: string) => new TextEncoder().encode(text);
/** A batch of one call, padded past the threshold so it goes to a thread. */
const small = (i: number) => body(JSON.stringify({ batch: [call(i)], padding: 'x'.repeat(5000) }));

describe('ingest threads that fail answer every request they held', () => {
  let pool: PreparationPool | undefined;
  afterEach(async () => {
    await pool?.stop();
    pool = undefined;
  });

  it('answers the jobs of a thread that dies, and prepares the next body on a new thread', async () => {
    pool = new PreparationPool({ threads: 1, maxThreadHeapMb: 48 });
    expect((await pool.prepare({ route: 'batch', body: small(1), request, receivedAtMs: 0 })).calls).toBe(1);

    // Two million objects do not fit a 48 MB heap: the thread runs out of memory and ends. (One
    // allocation past the limit, a huge string, would abort the whole process instead.)
    const huge = body(`{"batch":[],"padding":[${'{"a":1},'.repeat(2_000_000)}0]}`);
    const killer = pool.prepare({ route: 'batch', body: huge, request, receivedAtMs: 0 });
    const queued = pool.prepare({ route: 'batch', body: small(2), request, receivedAtMs: 0 });
    for (const answer of [killer, queued]) {
      const error = await answer.then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'internal' });
      expect((error as AppError).message).toMatch(/^The ingest thread preparing this request .*; retry/);
    }

    const after = await pool.prepare({ route: 'batch', body: small(3), request, receivedAtMs: 0 });
    expect(after).toMatchObject({ calls: 1, rejected: [] });
    expect(pool.prepared.threaded).toBe(4);
  });

  it('ends a thread that answers nothing within the stall timeout, answering its jobs', async () => {
    // A thread takes far longer than 1 ms to load: its first job finds it stalled.
    pool = new PreparationPool({ threads: 1, stallTimeoutMs: 1 });
    await expect(pool.prepare({ route: 'batch', body: small(1), request, receivedAtMs: 0 })).rejects.toThrow(
      'The ingest thread preparing this request answered nothing for 1 ms; retry the request',
    );
  });

  it('answers the jobs still held when the pool stops', async () => {
    pool = new PreparationPool({ threads: 1 });
    const held = pool.prepare({ route: 'batch', body: small(1), request, receivedAtMs: 0 });
    const answered = expect(held).rejects.toThrow(
      'The ingest thread preparing this request was stopped; retry the request',
    );
    await pool.stop();
    await answered;
  });
});
