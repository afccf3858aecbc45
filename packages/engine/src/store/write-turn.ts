/**
 * Turns at SQLite's single write lock between the threads of one process: the main thread
 * (API writes), the log writer thread (ingestion) and the pipeline thread. Left to SQLite, a
 * waiting connection sleeps in its busy handler — blocking its event loop — and a busy thread
 * can take the lock again and again ahead of it. Here a waiting thread awaits without blocking,
 * and the pipeline thread gives way to the main and log writer threads between its
 * transactions, so acknowledging events never waits for more than one pipeline transaction. The
 * WAL checkpointer's restarter thread takes a turn too, with the main thread's priority, for the
 * one checkpoint that must exclude writers (wal-checkpointer.ts). Background work of the main
 * thread (the dispatcher sending a backlog) gives way to a waiting pipeline before it asks
 * (`giveWay`), so that the two alternate instead of the pipeline waiting for all of it. Other
 * processes (a CLI import) still meet SQLite's busy handler.
 */
export class WriteTurn {
  private readonly cells: Int32Array;

  /** `buffer` is shared by every thread of the process; `side` says which one this is. */
  constructor(
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT),
    private readonly side: 'main' | 'log' | 'pipeline' = 'main',
  ) {
    this.cells = new Int32Array(buffer);
  }

  /** Resolves once this thread holds the turn; `release()` gives it back. */
  async acquire(): Promise<void> {
    const { cells } = this;
    const me = this.side === 'main' ? MAIN : this.side === 'log' ? LOG_WRITER : PIPELINE;
    const priority = me !== PIPELINE;
    Atomics.add(cells, priority ? PRIORITY_WAITING : PIPELINE_WAITING, 1);
    try {
      for (;;) {
        if (me === PIPELINE) {
          const waiting = Atomics.load(cells, PRIORITY_WAITING);
          if (waiting > 0) {
            await waitUntilChanged(cells, PRIORITY_WAITING, waiting);
            continue;
          }
        }
        const holder = Atomics.compareExchange(cells, HOLDER, FREE, me);
        if (holder === FREE) return;
        await waitUntilChanged(cells, HOLDER, holder);
      }
    } finally {
      const waiting = priority ? PRIORITY_WAITING : PIPELINE_WAITING;
      Atomics.sub(cells, waiting, 1);
      Atomics.notify(cells, waiting);
    }
  }

  /**
   * Resolves once the pipeline thread is not waiting for the turn (it got it, or gave up), or
   * after `maxMs`: what background work calls before it asks, to take turns with the pipeline.
   */
  async giveWay(maxMs = 50): Promise<void> {
    const { cells } = this;
    const deadline = performance.now() + maxMs;
    for (;;) {
      const waiting = Atomics.load(cells, PIPELINE_WAITING);
      if (waiting === 0 || performance.now() >= deadline) return;
      await waitUntilChanged(cells, PIPELINE_WAITING, waiting);
    }
  }

  release(): void {
    Atomics.store(this.cells, HOLDER, FREE);
    Atomics.notify(this.cells, HOLDER);
  }

  /** Runs `work` holding the turn. */
  async hold<T>(work: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}

/**
 * The shared cells: who holds the turn, how many threads the pipeline must give way to are
 * waiting, and whether the pipeline waits. Exported for the checkpointer threads'
 * plain-JavaScript side of the protocol.
 */
export const TURN_CELLS = {
  HOLDER: 0,
  PRIORITY_WAITING: 1,
  PIPELINE_WAITING: 2,
  FREE: 0,
  MAIN: 1,
  PIPELINE: 2,
  CHECKPOINTER: 3,
  LOG_WRITER: 4,
} as const;
const { HOLDER, PRIORITY_WAITING, PIPELINE_WAITING, FREE, MAIN, PIPELINE, LOG_WRITER } = TURN_CELLS;

/** Waits (without blocking the thread) for `cells[index]` to leave `value`; re-checks every 50 ms. */
async function waitUntilChanged(cells: Int32Array, index: number, value: number): Promise<void> {
  const result = Atomics.waitAsync(cells, index, value, 50);
  if (result.async) await result.value;
}
