/**
 * Turns at the database between the dispatcher's destination workers: one claim or record at a
 * time on SQLite (a single connection and a single writer shared with ingestion), handed out
 * round-robin by destination, with the event loop let through between turns. A destination
 * draining a backlog thus never queues more than one transaction ahead of a live destination's
 * claim, and requests, answers and the pipeline's wake-ups are handled between its batches.
 * Before a background turn (a drain's), `beforeTurn` lets the pipeline thread have the write
 * lock first when it waits for it (SQLite's write turn gives the main thread priority; the
 * outbox rows of a live destination come from the pipeline); a live destination's turns do not
 * wait for it. PostgreSQL (a pool, row locks) runs every turn at once.
 */
export class FairTurns {
  private readonly waiting = new Map<string, (() => void)[]>();
  private busy = false;

  constructor(
    private readonly exclusive: boolean,
    private readonly beforeTurn: () => Promise<void> = async () => {},
  ) {}

  async run<T>(key: string, work: () => Promise<T>, { background = false } = {}): Promise<T> {
    if (!this.exclusive) return work();
    await this.acquire(key);
    try {
      if (background) await this.beforeTurn();
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(key: string): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key);
      if (queue) queue.push(resolve);
      else this.waiting.set(key, [resolve]);
    });
  }

  private release(): void {
    // The destination waiting longest goes next; a destination served goes to the back of the line.
    const next = this.waiting.entries().next();
    if (next.done) {
      this.busy = false;
      return;
    }
    const [key, queue] = next.value;
    const resolve = queue.shift() as () => void;
    this.waiting.delete(key);
    if (queue.length > 0) this.waiting.set(key, queue);
    setImmediate(resolve);
  }
}
