import type { EmailCategory } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { EmailOrigin } from './email-queue.js';

/** An email about to be sent, as the send policy sees it. */
export interface OutgoingEmail {
  readonly workspaceId: string;
  /** `em_…`: the message's id (tracking tokens and unsubscribe links carry it). */
  readonly messageId: string;
  readonly profileId: string;
  /** The recipient's address, normalized (lower-case). */
  readonly to: string;
  readonly category: EmailCategory;
  readonly topicId: string | null;
  readonly origin: EmailOrigin;
  readonly overCap: 'wait' | 'skip';
}

/** Whether to send now, later, or never. */
export type SendDecision =
  | { readonly action: 'send' }
  | { readonly action: 'wait'; readonly until: number }
  | {
      readonly action: 'skip';
      readonly reason: 'suppressed' | 'unsubscribed' | 'no_consent' | 'frequency_cap' | 'no_address';
    };

/** What the sender renders, before the policy decorates it. */
export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Subscriptions, consent, suppression, frequency caps and tracking, as the sender needs them
 * (implemented by email-preferences/ and email-engagement/; the sender works without it:
 * everything is sent, nothing is tracked).
 */
export interface EmailSendPolicy {
  /** Consent (marketing purpose), suppression, topic subscription, frequency cap. */
  decide(db: Kysely<Database>, email: OutgoingEmail, now: number): Promise<SendDecision>;
  /** Counts a sent marketing email towards the person's frequency cap (same transaction as the send record). */
  recordSent(db: Kysely<Database>, email: OutgoingEmail, now: number): Promise<void>;
  /** Tracking pixel, rewritten links, `List-Unsubscribe` + `List-Unsubscribe-Post` headers, bounce address. */
  decorate(email: OutgoingEmail, rendered: RenderedEmail): RenderedEmail & { readonly envelopeFrom?: string };
  /** The relay refused the recipient (5xx: hard bounce, suppress; 4xx: soft). */
  onRelayRejected(
    db: Kysely<Database>,
    email: OutgoingEmail,
    rejection: { readonly code: number; readonly response: string },
    now: number,
  ): Promise<void>;
}

/** The policy of a sender with none plugged in: sends everything, decorates nothing. */
export const SEND_EVERYTHING: EmailSendPolicy = {
  decide: async () => ({ action: 'send' }),
  recordSent: async () => undefined,
  decorate: (_email, rendered) => rendered,
  onRelayRejected: async () => undefined,
};
