import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A group commit whose "transaction" records the groups it saw and echoes its requests. */
function recordingCommit(options: { failOn?: string; commitMs?: number; commitsInFlight?: number } = {}) {
  const groups: string[][] = [];
  const started: string[][] = [];
  // Like a writer thread, commits run one after the other in the order handed over.
  let previous: Promise<unknown> = Promise.resolve();
  const writes = new GroupCommit<string, string>(
    (requests) => {
      started.push(requests);
      const commit = previous.then(async () => {
        if (options.commitMs) await delay(options.commitMs);
        if (options.failOn !== undefined && requests.includes(options.failOn))
          throw new Error('disk on fire');
        groups.push(requests);
        return requests.map((request) => `done ${request}`);
      });
      previous = commit.catch(() => undefined);
      return commit;
    },
    { maxQueuedItems: 10, delayMs: 0, commitsInFlight: options.commitsInFlight },
  );
  return { writes, groups, started };
}

describe('GroupCommit', () => {
  it('fails only the request a commit answers with an error (the writer isolated it)', async () => {
    const groups: string[][] = [];
    const writes = new GroupCommit<string, string>(
      async (requests) => {
        groups.push(requests);
        return requests.map((request) => (request === 'bad' ? new Error('bad alone') : `done ${request}`));
      },
      { maxQueuedItems: 10, delayMs: 0 },
    );
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((request) => writes.submit(request, 1)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'done a',
      'bad alone',
      'done c',
    ]);
    // No retry of its own: the one transaction did it all.
    expect(groups).toEqual([['a', 'bad', 'c']]);
    expect(writes.queuedItems).toBe(0);
  });

  it('commits everything submitted in the same turn in one transaction', async () => {
    const { writes, groups } = recordingCommit();
    const outcomes = await Promise.all(['a', 'b', 'c'].map((request) => writes.submit(request, 1)));
    expect(outcomes).toEqual(['done a', 'done b', 'done c']);
    expect(groups).toEqual([['a', 'b', 'c']]);
    expect(writes.transactionsCommitted).toBe(1);
  });

  it('groups what arrives while a commit runs into the next transaction', async () => {
    const { writes, groups } = recordingCommit({ commitMs: 20 });
    const first = writes.submit('a', 1);
    await delay(5);
    const later = ['b', 'c'].map((request) => writes.submit(request, 1));
    await Promise.all([first, ...later]);
    expect(groups).toEqual([['a'], ['b', 'c']]);
  });

  it('isolates a failing request so its neighbours still commit', async () => {
    const { writes, groups } = recordingCommit({ failOn: 'bad' });
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((request) => writes.submit(request, 1)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(groups).toEqual([['a'], ['c']]);
    expect(writes.queuedItems).toBe(0);
  });

  it('has no room past its bound, except for a single request when idle', async () => {
    const { writes } = recordingCommit();
    expect(writes.hasRoomFor(50)).toBe(true);
    const pending = writes.submit('a', 8);
    expect(writes.hasRoomFor(2)).toBe(true);
    expect(writes.hasRoomFor(3)).toBe(false);
    await pending;
    expect(writes.hasRoomFor(3)).toBe(true);
  });

  it('hands a writer that queues commits a large next group while one runs, committed in order', async () => {
    const { writes, groups, started } = recordingCommit({ commitMs: 20, commitsInFlight: 2 });
    const first = writes.submit('a', 1);
    await delay(5);
    const small = writes.submit('s', 1);
    await delay(5);
    // A small group waits for the running commit, to grow.
    expect(started).toEqual([['a']]);
    const large = writes.submit('big', 100);
    await delay(1);
    // With 101 items waiting, the group goes ahead while 'a' still commits.
    expect(started).toEqual([['a'], ['s', 'big']]);
    const later = ['c', 'd'].map((request) => writes.submit(request, 1));
    expect(await Promise.all([first, small, large, ...later])).toEqual([
      'done a',
      'done s',
      'done big',
      'done c',
      'done d',
    ]);
    expect(groups).toEqual([['a'], ['s', 'big'], ['c', 'd']]);
    await writes.flush();
    expect(writes.queuedItems).toBe(0);
  });

  it('flush waits for pending commits', async () => {
    const { writes, groups } = recordingCommit({ commitMs: 10 });
    void writes.submit('a', 1);
    await writes.flush();
    expect(groups).toEqual([['a']]);
    await writes.flush();
  });
});
