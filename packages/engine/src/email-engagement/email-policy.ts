import type { Kysely } from 'kysely';
import type { EmailSendPolicy, OutgoingEmail, RenderedEmail, SendDecision } from '../email/index.js';
import type { EmailPreferencesService } from '../email-preferences/index.js';
import type { Database } from '../store/index.js';
import type { EmailEngagementService } from './email-engagement-service.js';

/**
 * The send policy the sender is given: preferences decide (suppression, consent, topics, the
 * frequency cap) and count what was sent; engagement decorates (tracking, unsubscribe headers,
 * bounce address) and handles the relay's refusals.
 */
export class EmailPolicy implements EmailSendPolicy {
  constructor(
    private readonly preferences: EmailPreferencesService,
    private readonly engagement: EmailEngagementService,
  ) {}

  async decide(db: Kysely<Database>, email: OutgoingEmail, now: number): Promise<SendDecision> {
    // decorate is synchronous: the workspace's tracking key is loaded here, before it.
    await this.engagement.keys.load(db, email.workspaceId);
    return this.preferences.decide(db, email, now);
  }

  recordSent(db: Kysely<Database>, email: OutgoingEmail, now: number): Promise<void> {
    return this.preferences.recordSent(db, email, now);
  }

  decorate(
    email: OutgoingEmail,
    rendered: RenderedEmail,
  ): RenderedEmail & { readonly envelopeFrom?: string } {
    return this.engagement.decorate(email, rendered);
  }

  onRelayRejected(
    db: Kysely<Database>,
    email: OutgoingEmail,
    rejection: { readonly code: number; readonly response: string },
    now: number,
  ): Promise<void> {
    return this.engagement.onRelayRejected(db, email, rejection, now);
  }
}
