import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { TURN_CELLS, WriteTurn } from './write-turn.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WAL checkpointer', () => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  function openFile() {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-wal-'));
    const file = join(dir, 'test.db');
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    cleanup.push(async () => {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return { file, sqlite };
  }

  async function until(condition: () => boolean, ms = 3000) {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await sleep(5);
    }
  }

  it('waits for the write turn to start a long WAL over, ahead of the pipeline, and gives it back', async () => {
    const { file, sqlite } = openFile();
    const insert = sqlite.prepare('INSERT INTO t (body) VALUES (?)');
    sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('y'.repeat(500));
    })();
    const main = new WriteTurn();
    const pipeline = new WriteTurn(main.buffer, 'pipeline');
    const cells = new Int32Array(main.buffer);
    const { HOLDER, PRIORITY_WAITING, MAIN, FREE } = TURN_CELLS;

    // A main-thread writer mid-transaction: the checkpointer asks for the turn and waits.
    await main.acquire();
    const checkpointer = startWalCheckpointer(file, main, {
      everyMs: 20,
      restartPages: 10,
      restartEveryMs: 0,
    });
    cleanup.push(() => checkpointer.stop());
    await until(() => Atomics.load(cells, PRIORITY_WAITING) === 1);
    expect(Atomics.load(cells, HOLDER)).toBe(MAIN);

    // The pipeline asks meanwhile: it gives way to the waiting checkpointer.
    const order: string[] = [];
    const pipelineTurn = pipeline.hold(() => order.push('pipeline'));
    await sleep(30);
    expect(order).toEqual([]);
    order.push('main releases');
    main.release();
    await pipelineTurn;
    expect(order).toEqual(['main releases', 'pipeline']);
    await until(() => Atomics.load(cells, HOLDER) === FREE);
  });
});
