import { describe, expect, it } from 'vitest';
import { FairTurns } from './fair-turns.js';

const tick = (ms = 2) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fair turns', () => {
  it('runs one turn at a time, destinations taking turns round-robin', async () => {
    const turns = new FairTurns(true);
    const order: string[] = [];
    let running = 0;
    const work = (label: string) => async () => {
      running += 1;
      expect(running).toBe(1);
      order.push(label);
      await tick();
      running -= 1;
    };
    // A draining destination queues many turns before a live one asks for one.
    const drain = Array.from({ length: 4 }, (_, i) => turns.run('drain', work(`drain ${i}`)));
    await tick(1);
    const live = [turns.run('live', work('live 0')), turns.run('live', work('live 1'))];
    await Promise.all([...drain, ...live]);
    expect(order).toEqual(['drain 0', 'drain 1', 'live 0', 'drain 2', 'live 1', 'drain 3']);
  });

  it('calls beforeTurn before a background turn, and runs everything at once when not exclusive', async () => {
    const calls: string[] = [];
    const turns = new FairTurns(true, async () => {
      calls.push('before');
    });
    await turns.run('a', async () => calls.push('a'), { background: true });
    await turns.run('b', async () => calls.push('b'));
    expect(calls).toEqual(['before', 'a', 'b']);
    const open = new FairTurns(false);
    let running = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        open.run('a', async () => {
          running += 1;
          most = Math.max(most, running);
          await tick();
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it('passes a turn on when its work fails', async () => {
    const turns = new FairTurns(true);
    await expect(turns.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(turns.run('b', async () => 'next')).resolves.toBe('next');
  });
});
