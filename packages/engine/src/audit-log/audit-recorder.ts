import type { Store } from '../store/index.js';
import { appendAuditRecords } from './audit-append.js';
import type { AuditRecord } from './audit-record.js';

export interface AuditRecorderOptions {
  /** Longest a record waits before its batch is written. Default 250 ms. */
  readonly flushMs?: number | undefined;
  /** A batch this big is written at once. Default 500. */
  readonly maxBatch?: number | undefined;
  /** Records kept waiting while the store fails, at most (the oldest go first). Default 50,000. */
  readonly maxPending?: number | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

/**
 * Takes audit records off the request path: `record` only queues; batches are appended in one
 * transaction each, one batch at a time, so a busy server writes a few transactions a second
 * rather than one per request. A failed batch is put back and tried with the next one.
 */
export class AuditRecorder {
  private pending: AuditRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private onError: (error: unknown) => void;

  constructor(
    private readonly store: Store,
    options: AuditRecorderOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 250;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxPending = options.maxPending ?? 50_000;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Where failed appends are reported (the server's log). */
  reportErrorsTo(onError: (error: unknown) => void): void {
    this.onError = onError;
  }

  record(record: AuditRecord): void {
    this.pending.push(record);
    if (this.pending.length > this.maxPending) this.pending.splice(0, this.pending.length - this.maxPending);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes everything queued so far (tests, shutdown); resolves once it is stored or failed. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.pending.length);
    this.writing = appendAuditRecords(this.store, batch)
      .catch((error: unknown) => {
        this.pending.unshift(...batch);
        this.onError(error);
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }
}
