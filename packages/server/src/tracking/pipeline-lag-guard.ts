import { AppError, type Engine } from '@tandem/engine';

const REFRESH_MS = 1000;

/**
 * Backpressure from downstream: when the pipeline falls too far behind the log, the Tracking
 * API refuses new events (429 + Retry-After) rather than let the backlog grow without bound.
 * The lag is read from the store at most once a second, off the request's path.
 */
export class PipelineLagGuard {
  private lagEvents = 0;
  private refreshedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly engine: Engine,
    /** Events of lag past which calls are refused; 0 turns the guard off. */
    private readonly maxLagEvents: number,
  ) {}

  assertWithinBound(): void {
    if (this.maxLagEvents === 0) return;
    if (Date.now() - this.refreshedAt > REFRESH_MS) this.refresh();
    if (this.lagEvents > this.maxLagEvents) {
      throw new AppError(
        'overloaded',
        `The pipeline is ${this.lagEvents} events behind (bound ${this.maxLagEvents}); retry later`,
        { retryAfterSeconds: 5 },
      );
    }
  }

  /** Starts a refresh unless one is running; resolves when it is done. */
  refresh(): Promise<void> {
    this.refreshedAt = Date.now();
    this.refreshing ??= this.engine.pipeline
      .status()
      .then((stages) => {
        this.lagEvents = Math.max(0, ...stages.map((stage) => stage.lagEvents));
      })
      .catch(() => {
        // Storage trouble shows up in /readyz; the guard keeps its last reading.
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
