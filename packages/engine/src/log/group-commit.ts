export interface GroupCommitOptions {
  /** Bound on the items queued or being committed; `hasRoomFor` says when it would be passed. */
  readonly maxQueuedItems: number;
  /** Extra wait before a commit so more requests join it; 0 waits only for the current turn. */
  readonly delayMs: number;
}

interface Waiter<TRequest, TOutcome> {
  readonly request: TRequest;
  readonly items: number;
  resolve(outcome: TOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit: requests queued while a commit runs (or during the current event-loop turn)
 * all go into the next commit, one transaction for many callers; each caller's promise settles
 * once that transaction is over.
 */
export class GroupCommit<TRequest, TOutcome> {
  private waiting: Waiter<TRequest, TOutcome>[] = [];
  private pendingItems = 0;
  private scheduled = false;
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private committed = 0;

  constructor(
    private readonly commitAll: (requests: TRequest[]) => Promise<TOutcome[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Transactions committed so far (proof of grouping for tests and metrics). */
  get transactionsCommitted(): number {
    return this.committed;
  }

  /** Items queued or in the running commit. */
  get queuedItems(): number {
    return this.pendingItems;
  }

  hasRoomFor(items: number): boolean {
    // When idle, even an oversized request goes through: otherwise it could never be stored.
    return this.pendingItems === 0 || this.pendingItems + items <= this.options.maxQueuedItems;
  }

  submit(request: TRequest, items: number): Promise<TOutcome> {
    return new Promise<TOutcome>((resolve, reject) => {
      this.waiting.push({ request, items, resolve, reject });
      this.pendingItems += items;
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  flush(): Promise<void> {
    if (!this.running && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    const drain = () => void this.drain();
    if (this.options.delayMs > 0) setTimeout(drain, this.options.delayMs);
    else setImmediate(drain);
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    try {
      // What queued while a commit ran forms the next group.
      while (this.waiting.length > 0) {
        const group = this.waiting;
        this.waiting = [];
        await this.commitGroup(group);
      }
    } finally {
      this.running = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async commitGroup(group: Waiter<TRequest, TOutcome>[]): Promise<void> {
    let outcomes: TOutcome[];
    try {
      outcomes = await this.commitAll(group.map((waiter) => waiter.request));
    } catch (error) {
      if (group.length === 1) return this.settle(group[0]!, (waiter) => waiter.reject(error));
      // One bad request must not fail its neighbours: retry each alone to isolate it.
      for (const waiter of group) await this.commitGroup([waiter]);
      return;
    }
    this.committed++;
    group.forEach((waiter, i) => {
      this.settle(waiter, (w) => w.resolve(outcomes[i]!));
    });
  }

  private settle(waiter: Waiter<TRequest, TOutcome>, settle: (w: Waiter<TRequest, TOutcome>) => void): void {
    this.pendingItems -= waiter.items;
    settle(waiter);
  }
}
