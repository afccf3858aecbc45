export interface GroupCommitOptions {
  /** Bound on the items queued or being committed; `hasRoomFor` says when it would be passed. */
  readonly maxQueuedItems: number;
  /** Extra wait before a commit so more requests join it; 0 waits only for the current turn. */
  readonly delayMs: number;
  /**
   * Largest group, in items: a SQLite commit blocks the event loop, so an unbounded group under
   * a burst would hold every other request (and the p99) hostage. Default 2,000.
   */
  readonly maxItemsPerCommit?: number;
  /**
   * Commits handed to the writer before the first of them is over. Default 1. A writer that
   * runs its commits in order elsewhere (a thread) takes 2, so it starts the next group the
   * moment one ends instead of waiting for this thread to hand it over. A group goes ahead of
   * the end of the one before only from `minItemsAhead` items (default 100): small ones are
   * better off waiting and growing, one transaction costing about as much as a hundred rows.
   */
  readonly commitsInFlight?: number;
  readonly minItemsAhead?: number;
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
 * once that transaction is over. Groups go to the writer in the order they were formed.
 */
export class GroupCommit<TRequest, TOutcome> {
  private waiting: Waiter<TRequest, TOutcome>[] = [];
  private pendingItems = 0;
  private scheduled = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private committed = 0;

  constructor(
    // An Error in place of an outcome fails that request alone: the commit isolated it.
    private readonly commitAll: (requests: TRequest[]) => Promise<readonly (TOutcome | Error)[]>,
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
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private idle(): boolean {
    return !this.scheduled && this.inFlight === 0 && this.waiting.length === 0;
  }

  private schedule(): void {
    // A commit that ends schedules the next group itself.
    if (this.scheduled || !this.mayCommitNow()) return;
    this.scheduled = true;
    const drain = () => this.drain();
    if (this.options.delayMs > 0) setTimeout(drain, this.options.delayMs);
    else setImmediate(drain);
  }

  /**
   * Hands what queued to the writer as groups. Between two groups of an in-thread writer the
   * event loop gets a turn (the next drain is a setImmediate), so responses go out and new
   * requests come in.
   */
  private drain(): void {
    this.scheduled = false;
    while (this.waiting.length > 0 && this.mayCommitNow()) {
      this.inFlight++;
      void this.commitGroup(this.takeGroup()).finally(() => {
        this.inFlight--;
        if (this.waiting.length > 0) this.schedule();
        else if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  /** Whether a group may go to the writer now (waiting ones are assumed). */
  private mayCommitNow(): boolean {
    if (this.inFlight === 0) return true;
    if (this.inFlight >= (this.options.commitsInFlight ?? 1)) return false;
    let waitingItems = 0;
    for (const waiter of this.waiting) waitingItems += waiter.items;
    return waitingItems >= (this.options.minItemsAhead ?? 100);
  }

  private takeGroup(): Waiter<TRequest, TOutcome>[] {
    const limit = this.options.maxItemsPerCommit ?? 2000;
    let items = 0;
    let count = 0;
    // Always at least one request, however large.
    while (count < this.waiting.length && (count === 0 || items + this.waiting[count]!.items <= limit)) {
      items += this.waiting[count]!.items;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }

  private async commitGroup(group: Waiter<TRequest, TOutcome>[]): Promise<void> {
    let outcomes: readonly (TOutcome | Error)[];
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
      const outcome = outcomes[i]!;
      this.settle(waiter, (w) => (outcome instanceof Error ? w.reject(outcome) : w.resolve(outcome)));
    });
  }

  private settle(waiter: Waiter<TRequest, TOutcome>, settle: (w: Waiter<TRequest, TOutcome>) => void): void {
    this.pendingItems -= waiter.items;
    settle(waiter);
  }
}
