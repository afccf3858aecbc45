import type { FastifyReply } from 'fastify';
import { sendError } from './error-handler.js';

/**
 * Answers requests still unanswered after `ms` with 503 and Retry-After, so a client is never
 * left waiting on work stuck elsewhere (a commit behind a lock). One sweep for all requests rather than a
 * timer per request (cheaper on the hot path). A request is answered between `ms` and
 * `ms` plus a quarter of it.
 */
export class AnswerDeadline {
  // Insertion order is arrival order, so a sweep stops at the first request still in time.
  private readonly open = new Map<FastifyReply, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly message: string,
  ) {}

  /**
   * Runs `work` for the request; past the deadline its outcome is dropped and this resolves
   * undefined, which Fastify takes for "already answered" (the 503 went out).
   */
  async run<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | undefined> {
    this.open.set(reply, Date.now());
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(25, this.ms / 4)).unref();
    try {
      const outcome = await work();
      return reply.sent ? undefined : outcome;
    } catch (error) {
      if (reply.sent) return undefined;
      throw error;
    } finally {
      this.open.delete(reply);
    }
  }

  private sweep(): void {
    const due = Date.now() - this.ms;
    for (const [reply, openedAt] of this.open) {
      if (openedAt > due) return;
      this.open.delete(reply);
      if (reply.sent) continue;
      reply.log.warn({ answerWithinMs: this.ms }, 'answered 503: the request could not finish in time');
      sendError(reply, 'not_ready', this.message, { retryAfterSeconds: 1 });
    }
    if (this.open.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
