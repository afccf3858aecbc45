import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
      restartCheckEveryMs: 20,
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

  // Linux keeps a nice value per thread: /proc shows each thread's.
  const niceOf = (tid: string | number) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  };
  const threadNices = () => readdirSync('/proc/self/task').map(niceOf);
  // The main thread's id is the process id (not always the lowest: thread ids wrap at pid_max).
  const mainThreadNice = () => niceOf(process.pid);

  it.runIf(process.platform === 'linux')(
    'copies the WAL back from a thread of lower priority, leaving the rest of the process as it was',
    async () => {
      const { file, sqlite } = openFile();
      const niceBefore = threadNices().filter((nice) => nice === 10).length;
      const checkpointer = startWalCheckpointer(file, new WriteTurn(), {
        everyMs: 20,
        restartCheckEveryMs: 60_000,
        copierNice: 10,
      });
      cleanup.push(() => checkpointer.stop());
      const insert = sqlite.prepare('INSERT INTO t (body) VALUES (?)');
      sqlite.transaction(() => {
        for (let i = 0; i < 500; i++) insert.run('z'.repeat(500));
      })();
      // Copied back by the copier, as the WAL index says (read from its file: a checkpoint of
      // our own would do the copying itself). Its header's mxFrame, its checkpoint info's nBackfill.
      const walIndex = () => readFileSync(`${file}-shm`);
      await until(() => {
        const index = walIndex();
        return index.readUInt32LE(16) > 0 && index.readUInt32LE(96) === index.readUInt32LE(16);
      });
      expect(threadNices().filter((nice) => nice === 10).length).toBe(niceBefore + 1);
      expect(mainThreadNice()).toBe(0);
    },
  );
});
