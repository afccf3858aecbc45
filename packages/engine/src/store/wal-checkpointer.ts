import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { TURN_CELLS, type WriteTurn } from './write-turn.js';

// Runs in threads of their own with their own connections: copying the WAL back into the
// database file then never stalls the event loop that answers HTTP requests (SQLite's automatic
// checkpoint runs inside whichever commit crosses the threshold).
//
// A passive checkpoint copies without blocking anyone, but never shortens the WAL while writers
// keep appending; a RESTART does, and blocks writers while it runs, so it stays short: the
// database file is flushed after each passive checkpoint, the RESTART runs holding the process's
// write turn (no writer of ours is mid-transaction) with no busy handler (whose sleeps block
// writers), and at most every 2 s once past 64 MB (a 1 GB cap aside). A longer WAL costs disk,
// not reads: readers search only frames not yet copied back.
//
// Two threads share the work. The copier, at a lower CPU priority (nice 10), runs the passive
// checkpoints, so its copying does not take the cores from the threads that answer requests.
// The restarter, at normal priority, starts the WAL over: a low-priority thread holding the write
// turn would keep writers waiting while others ran. It checks with a passive checkpoint of its
// own, which copies whatever the copier has not. Figures: docs/architecture.md.
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
if (workerData.nice > 0) {
  try {
    // This thread only (Linux keeps a priority per thread).
    require('node:os').setPriority(workerData.nice);
  } catch {
    // Not permitted here: copy at normal priority.
  }
}
const turn = workerData.turn === undefined ? undefined : new Int32Array(workerData.turn);
const C = workerData.cells;

// The write turn's protocol (write-turn.ts), blocking: this thread has nothing else to do.
function holdingTurn(work) {
  if (turn === undefined) return work();
  Atomics.add(turn, C.PRIORITY_WAITING, 1);
  let held = false;
  const giveUpAt = Date.now() + 1000;
  try {
    while (!held && Date.now() < giveUpAt) {
      const holder = Atomics.compareExchange(turn, C.HOLDER, C.FREE, C.CHECKPOINTER);
      if (holder === C.FREE) held = true;
      else Atomics.wait(turn, C.HOLDER, holder, 50);
    }
  } finally {
    Atomics.sub(turn, C.PRIORITY_WAITING, 1);
    Atomics.notify(turn, C.PRIORITY_WAITING);
  }
  if (!held) return undefined;
  try {
    return work();
  } finally {
    Atomics.store(turn, C.HOLDER, C.FREE);
    Atomics.notify(turn, C.HOLDER);
  }
}

let restartedAt = Date.now();
// SQLite syncs the database file only when a checkpoint catches up with the end of the WAL,
// which under steady writes happens only in the RESTART: it then flushed every page copied
// since the last one (~200 ms of random writes, writers blocked). Flushing after each passive
// checkpoint, here, leaves the RESTART only its own few pages to sync.
const fs = require('node:fs');
const dbFile = fs.openSync(workerData.file, 'r');
let checkpointedBefore = 0;
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result === undefined) return;
    // Only when this checkpoint copied something: an idle database is not synced 10 times a second.
    if (result.checkpointed > 0 && result.checkpointed !== checkpointedBefore) fs.fdatasyncSync(dbFile);
    checkpointedBefore = result.checkpointed;
    const due =
      workerData.restarts &&
      result.checkpointed === result.log &&
      result.log > workerData.restartPages &&
      (Date.now() - restartedAt >= workerData.restartEveryMs || result.log > workerData.maxPages);
    if (due) {
      const [restart] = holdingTurn(() => db.pragma('wal_checkpoint(RESTART)')) ?? [];
      if (restart !== undefined && restart.busy === 0) restartedAt = Date.now();
    }
  } catch {
    // Busy: try again next tick.
  }
}, workerData.everyMs);
// A truncation asked for (privacy deletions: no copy of erased pages may stay in the WAL): copy
// what is left, then start the WAL over at zero bytes holding the write turn; busy readers are
// waited for a few times, then the answer says it did not happen.
function truncate(id, attemptsLeft) {
  let done = false;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    fs.fdatasyncSync(dbFile);
    const [result] = holdingTurn(() => db.pragma('wal_checkpoint(TRUNCATE)')) ?? [];
    done = result !== undefined && result.busy === 0;
  } catch {
    // Busy: tried again below.
  }
  if (done || attemptsLeft <= 1) parentPort.postMessage({ id, done });
  else setTimeout(() => truncate(id, attemptsLeft - 1), 100);
}
parentPort.on('message', (message) => {
  if (message.kind === 'truncate') return truncate(message.id, 50);
  clearInterval(timer);
  fs.closeSync(dbFile);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Copies the WAL into the database and truncates it to zero bytes; false when readers kept it busy. */
  truncate(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** How often the copier checkpoints (ms). Default 100. */
  readonly everyMs?: number;
  /** How often the restarter checks whether to start the WAL over (ms). Default 250. */
  readonly restartCheckEveryMs?: number;
  /** The copier's nice value (0–19; 0: the process's priority). Default 10. */
  readonly copierNice?: number;
  /** WAL length (pages) worth starting over. Default 16,384 (64 MB of 4 KB pages). */
  readonly restartPages?: number;
  /** Least time between two restarts (ms). Default 2,000. */
  readonly restartEveryMs?: number;
  /** WAL length (pages) past which it restarts however recent the last restart. Default 1 GB. */
  readonly maxPages?: number;
}

/** The WAL length past which SQLite's own checkpoint (in a commit) is the safety net. */
export const WAL_SAFETY_NET_PAGES = 4 * 262_144;

/**
 * Starts checkpointing `file` from two worker threads (the copier and the restarter, above);
 * `turn` is the process's write turn (write-turn.ts), taken for the checkpoint that excludes
 * writers.
 */
export function startWalCheckpointer(
  file: string,
  turn: WriteTurn,
  {
    everyMs = 100,
    restartCheckEveryMs = 250,
    copierNice = 10,
    restartPages = 16_384,
    restartEveryMs = 2_000,
    maxPages = 262_144,
  }: WalCheckpointerOptions = {},
): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const shared = {
    driver,
    file,
    restartPages,
    restartEveryMs,
    maxPages,
    turn: turn.buffer,
    cells: TURN_CELLS,
  };
  const threads = [
    { ...shared, everyMs, nice: copierNice, restarts: false },
    { ...shared, everyMs: restartCheckEveryMs, nice: 0, restarts: true },
  ].map((workerData) => {
    const worker = new Worker(CHECKPOINTER, { eval: true, workerData });
    worker.unref();
    return worker;
  });
  const stop = (worker: Worker) =>
    new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.ref(); // keep the process alive until the thread has closed its connection
      worker.postMessage({ kind: 'stop' });
    });
  // The restarter (normal priority) truncates: it already takes the write turn for restarts.
  const restarter = threads[1] as Worker;
  let nextTruncation = 0;
  const truncate = () =>
    new Promise<boolean>((resolve) => {
      const id = nextTruncation++;
      const onAnswer = (answer: { id: number; done: boolean }) => {
        if (answer.id !== id) return;
        restarter.off('message', onAnswer);
        restarter.unref();
        resolve(answer.done);
      };
      restarter.on('message', onAnswer);
      restarter.ref(); // keep the process alive until the answer comes
      restarter.postMessage({ kind: 'truncate', id });
    });
  return {
    truncate,
    stop: async () => {
      await Promise.all(threads.map(stop));
    },
  };
}
