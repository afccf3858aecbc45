import type { PredictionsService } from './predictions-service.js';

/**
 * Checks every workspace with predictions on, on a timer (every 15 minutes by default), and
 * refreshes those whose interval has passed; started by the server.
 */
export class PredictionsWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly predictions: PredictionsService,
    private readonly intervalMs = 15 * 60_000,
  ) {}

  get started(): boolean {
    return this.timer !== undefined;
  }

  /** One pass now (the timer's job; tests call it with an injected clock). */
  tick(onError: (error: unknown) => void = () => undefined): Promise<void> {
    if (!this.running)
      this.running = this.predictions
        .runAll()
        .then(() => undefined, onError)
        .finally(() => {
          this.running = undefined;
        });
    return this.running;
  }

  start(onError: (error: unknown) => void = () => undefined): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(onError), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
