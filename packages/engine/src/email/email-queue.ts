import type { EmailCategory } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** What sent an email: journeys, broadcasts and sequences each name themselves (reports group by it). */
export interface EmailOrigin {
  readonly kind: 'journey' | 'broadcast' | 'sequence' | 'api';
  /** The journey, broadcast or sequence id. */
  readonly id: string;
  /** A journey's or sequence's step. */
  readonly stepId?: string | undefined;
  /** A journey run or sequence enrollment (one person's way through it). */
  readonly runId?: string | undefined;
}

/** One email to render and send to one person, queued in the caller's transaction. */
export interface QueuedEmail {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly templateId: string;
  readonly origin: EmailOrigin;
  /** The triggering event, seen by the template as `event`. */
  readonly event?: Readonly<Record<string, unknown>> | undefined;
  /** Over the frequency cap: wait for room (default) or skip (recorded as `Email Skipped`). */
  readonly overCap?: 'wait' | 'skip' | undefined;
  /** Not before this time (ms since epoch): a broadcast's send time, throttling. */
  readonly notBefore?: number | undefined;
  /** Overrides the template's category (a sales sequence's mail is its own kind of marketing). */
  readonly category?: EmailCategory | undefined;
  /** Extra headers (a sequence's Reply-To, threading). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * The email domain's queue: journeys, broadcasts and sequences add to it in their own
 * transaction (so a step and its email commit together); its sender renders and sends in the
 * background, at the workspace's rate, and appends each email's events to the person's timeline.
 */
export interface EmailQueue {
  /** Returns the new messages' ids (`em_…`), in order. */
  enqueue(db: Kysely<Database>, emails: readonly QueuedEmail[]): Promise<string[]>;
}
