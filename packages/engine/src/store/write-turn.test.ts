import { describe, expect, it } from 'vitest';
import { WriteTurn } from './write-turn.js';

// Both sides in one thread: the cells are the same whichever thread reads them.
function sides() {
  const main = new WriteTurn();
  return { main, pipeline: new WriteTurn(main.buffer, 'pipeline') };
}

describe('write turn', () => {
  it('lets one side hold it at a time', async () => {
    const { main, pipeline } = sides();
    const order: string[] = [];
    await pipeline.acquire();
    const mainTurn = main.hold(() => order.push('main'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('pipeline releases');
    pipeline.release();
    await mainTurn;
    expect(order).toEqual(['pipeline releases', 'main']);
  });

  it('lets background work of the main thread give way to a waiting pipeline', async () => {
    const { main, pipeline } = sides();
    const order: string[] = [];
    // Nobody waits: at once.
    await main.giveWay();
    await main.acquire();
    const pipelineTurn = pipeline.hold(() => order.push('pipeline'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const background = (async () => {
      await main.giveWay();
      await main.hold(() => order.push('main again'));
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    main.release();
    await Promise.all([pipelineTurn, background]);
    expect(order).toEqual(['pipeline', 'main again']);
  });

  it('gives way for a bounded time only', async () => {
    const { main, pipeline } = sides();
    await main.acquire();
    const pipelineTurn = pipeline.hold(() => undefined);
    const started = performance.now();
    await main.giveWay(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    main.release();
    await pipelineTurn;
  });

  it('makes the pipeline give way while the main thread waits', async () => {
    const { main, pipeline } = sides();
    const order: string[] = [];
    await pipeline.acquire();
    const mainTurn = main.hold(async () => {
      order.push('main');
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    // Asked for while the main thread is waiting: comes after it, though asked first on release.
    const pipelineTurn = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await pipeline.hold(() => order.push('pipeline again'));
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    pipeline.release();
    await Promise.all([mainTurn, pipelineTurn]);
    expect(order).toEqual(['main', 'pipeline again']);
  });

  it('is released when the work throws', async () => {
    const { main, pipeline } = sides();
    await expect(
      main.hold(() => {
        throw new Error('failed write');
      }),
    ).rejects.toThrow('failed write');
    await pipeline.hold(() => undefined);
  });
});
