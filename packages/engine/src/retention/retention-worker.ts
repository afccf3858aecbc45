import type { RetentionService } from './retention-service.js';

/** Runs retention for every workspace on a schedule (hourly by default), started by the server. */
export class RetentionWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly retention: RetentionService,
    private readonly intervalMs = 3_600_000,
  ) {}

  get started(): boolean {
    return this.timer !== undefined;
  }

  start(onError: (error: unknown) => void = () => undefined): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.retention
        .runAll()
        .then(() => undefined, onError)
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
