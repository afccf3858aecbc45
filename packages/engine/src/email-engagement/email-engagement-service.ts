import { randomUUID } from 'node:crypto';
import { EMAIL_EVENTS, type EmailTopic, type UpdateEmailSubscriptions } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { CrmEvent } from '../crm/index.js';
import type { OutgoingEmail, RenderedEmail } from '../email/index.js';
import { ALL_MARKETING, type EmailPreferencesService } from '../email-preferences/index.js';
import { AppError } from '../errors/index.js';
import { parseMail } from '../mail/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { decorateEmail } from './email-decoration.js';
import { type MachineDetectionOptions, machineReasonOf } from './machine-detection.js';
import { returnedMailOf } from './returned-mail.js';
import { TrackingKeys } from './tracking-keys.js';
import {
  bounceTokenMatches,
  messageOfBounceToken,
  signToken,
  type TrackingClaims,
  verifyToken,
  workspaceOfToken,
} from './tracking-token.js';

/** What a message's row in the email domain records of it (its report counts people, not machines). */
export type EngagementKind =
  | 'opened'
  | 'clicked'
  | 'unsubscribed'
  | 'bounced'
  | 'complained'
  | 'machine_open';

/** The email domain's `markEngagement` (injected: engine.ts wires it). */
export type MarkEngagement = (
  db: Kysely<Database>,
  workspaceId: string,
  messageId: string,
  kind: EngagementKind,
  at: string,
) => Promise<void>;

export interface EmailEngagementDeps {
  readonly store: Store;
  readonly preferences: EmailPreferencesService;
  /** Appends `Email Opened`, `Unsubscribed`, … on the person, in the caller's transaction. */
  readonly events: { appendWithin(db: Kysely<Database>, events: readonly CrmEvent[]): Promise<void> };
  /** Tells the pipeline events were committed. */
  readonly wake: () => void;
  readonly markEngagement?: MarkEngagement | undefined;
  /** `TANDEM_PUBLIC_URL`: where the tracking and preference endpoints are. */
  readonly publicUrl: string;
  /** The domain of bounce addresses (`bounce+<token>@…`); default: the public URL's host. */
  readonly mailDomain?: string | undefined;
  readonly machineDetection?: MachineDetectionOptions | undefined;
  readonly clock?: (() => number) | undefined;
}

/** A request to a tracking endpoint. */
export interface TrackingRequest {
  readonly method: string;
  readonly userAgent: string | undefined;
}

/** What the public preference page shows and saves. */
export interface PreferencePage {
  readonly unsubscribedAll: boolean;
  readonly topics: readonly { topicId: string; name: string; description: string; subscribed: boolean }[];
}

/**
 * Email engagement: the tracking links and pixel of every email and what comes back through
 * them (opens, clicks: machine ones flagged), one-click unsubscribe and the preference page,
 * and returned mail (bounces, complaints) — each an event on the person.
 */
export class EmailEngagementService {
  readonly keys = new TrackingKeys();
  readonly publicUrl: string;
  readonly mailDomain: string;
  private readonly clock: () => number;

  constructor(private readonly deps: EmailEngagementDeps) {
    this.publicUrl = deps.publicUrl.replace(/\/+$/, '');
    this.mailDomain = (deps.mailDomain ?? new URL(this.publicUrl).hostname).toLowerCase();
    this.clock = deps.clock ?? Date.now;
  }

  /** See EmailSendPolicy.decorate; the workspace's key must have been loaded (`keys.load`). */
  decorate(email: OutgoingEmail, rendered: RenderedEmail): RenderedEmail & { readonly envelopeFrom: string } {
    return decorateEmail(email, rendered, {
      key: this.keys.cached(email.workspaceId),
      publicUrl: this.publicUrl,
      mailDomain: this.mailDomain,
      sentAt: this.clock(),
    });
  }

  /** The open pixel was fetched. */
  async open(token: string, request: TrackingRequest): Promise<void> {
    const claims = await this.claimsOf(token, ['o']);
    if (claims) await this.recordEngagement(claims, request);
  }

  /** A tracked link was followed: where to send the browser, or null (unknown or honeypot link). */
  async click(token: string, request: TrackingRequest): Promise<string | null> {
    const claims = await this.claimsOf(token, ['c', 'h']);
    if (!claims) return null;
    await this.recordEngagement(claims, request);
    return claims.kind === 'c' && claims.url ? claims.url : null;
  }

  /** The topic an unsubscribe link is for (null: all marketing email), or undefined for a bad token. */
  async unsubscribeTarget(
    token: string,
  ): Promise<{ topic: EmailTopic | null; preferencesUrl: string } | undefined> {
    const claims = await this.claimsOf(token, ['u']);
    if (!claims) return undefined;
    const topic = claims.topicId
      ? await this.deps.preferences.getTopic(claims.workspaceId, claims.topicId).catch(() => null)
      : null;
    return { topic, preferencesUrl: this.preferencesUrlOf(claims) };
  }

  /**
   * Unsubscribes the person of an unsubscribe link (RFC 8058 one-click, or the confirm page):
   * from the email's topic, or from all marketing email when it has none. False for a bad token.
   */
  async unsubscribe(token: string, source: 'one_click' | 'link'): Promise<boolean> {
    const claims = await this.claimsOf(token, ['u']);
    if (!claims) return false;
    const topic = claims.topicId
      ? await this.deps.preferences.getTopic(claims.workspaceId, claims.topicId).catch(() => null)
      : null;
    const update: UpdateEmailSubscriptions = topic
      ? { topics: { [topic.id]: false } }
      : { unsubscribedAll: true };
    await this.saveSubscriptions(claims, update, source);
    return true;
  }

  /** The public preference page's content, or undefined for a bad token. */
  async preferencePage(token: string): Promise<PreferencePage | undefined> {
    const claims = await this.claimsOf(token, ['p']);
    if (!claims) return undefined;
    const [preferences, topics] = await Promise.all([
      this.deps.preferences
        .personPreferences(claims.workspaceId, claims.profileId)
        .catch(whenProfileGone(null)),
      this.deps.preferences.listTopics(claims.workspaceId),
    ]);
    if (!preferences) return undefined;
    return {
      unsubscribedAll: preferences.unsubscribedAll,
      topics: preferences.topics.map((t) => ({
        ...t,
        description: topics.find((topic) => topic.id === t.topicId)?.description ?? '',
      })),
    };
  }

  /** Whose preference page a link opens (the consent purposes it shows are theirs), or undefined. */
  async personOfPreferenceLink(
    token: string,
  ): Promise<{ workspaceId: string; profileId: string } | undefined> {
    const claims = await this.claimsOf(token, ['p']);
    return claims ? { workspaceId: claims.workspaceId, profileId: claims.profileId } : undefined;
  }

  /**
   * A preference page link for a person, outside any email (a privacy officer sends it, or a site
   * links to it): signed like an email's, with no message.
   */
  async preferenceLinkFor(workspaceId: string, profileId: string): Promise<string> {
    await this.keys.load(this.deps.store.db, workspaceId);
    return this.preferencesUrlOf({ kind: 'p', workspaceId, messageId: '', profileId, sentAt: this.clock() });
  }

  /** Saves the preference page (false for a bad token). */
  async savePreferences(token: string, update: UpdateEmailSubscriptions): Promise<boolean> {
    const claims = await this.claimsOf(token, ['p']);
    if (!claims) return false;
    return this.saveSubscriptions(claims, update, 'preference_page').then(() => true, whenProfileGone(false));
  }

  /**
   * Takes returned mail to a bounce or mailto-unsubscribe address: a DSN (hard bounce: the
   * address is suppressed; soft: only the event), an ARF complaint (suppressed), or a mail to
   * `unsubscribe+…` (all marketing email).
   */
  async receiveReturned(raw: Buffer | string, recipients: readonly string[]): Promise<void> {
    let parsed: Promise<ReturnType<typeof returnedMailOf>> | undefined;
    for (const recipient of recipients) {
      const match = /^(bounce|unsubscribe)\+([0-9a-z]+)@/i.exec(recipient.trim());
      const token = match?.[2]?.toLowerCase() ?? '';
      const messageId = messageOfBounceToken(token);
      if (!match || !messageId) continue;
      const sent = await this.deps.preferences.sentEmail(messageId);
      if (!sent) continue;
      const key = await this.keys.find(this.deps.store.db, sent.workspaceId);
      if (!key || !bounceTokenMatches(key, token, messageId)) continue;
      const claims: TrackingClaims = {
        kind: 'u',
        workspaceId: sent.workspaceId,
        messageId,
        profileId: sent.profileId,
        sentAt: Date.parse(sent.sentAt),
      };
      if (match[1]?.toLowerCase() === 'unsubscribe') {
        await this.saveSubscriptions(claims, { unsubscribedAll: true }, 'mailto');
        continue;
      }
      parsed ??= parseMail(raw).then(returnedMailOf);
      const returned = await parsed;
      const at = this.clock();
      await writeTransaction(this.deps.store, async (trx) => {
        const profileId = await this.deps.preferences.liveProfileId(trx, sent.workspaceId, sent.profileId);
        const suppressed =
          returned.kind === 'complaint' ? 'complaint' : returned.bounceType === 'hard' ? 'hard_bounce' : null;
        if (suppressed)
          await this.deps.preferences.suppress(
            sent.workspaceId,
            { address: sent.address, reason: suppressed, profileId, note: `message ${messageId}` },
            trx,
          );
        const kind = returned.kind === 'complaint' ? 'complained' : 'bounced';
        // A soft bounce (a delay notice) may still be delivered: the event only, the message
        // keeps its status and reports do not count it.
        const soft = returned.kind === 'bounce' && returned.bounceType === 'soft';
        const engagementId = soft
          ? randomUUID()
          : await this.insertEngagement(trx, { ...claims, profileId }, { kind, machine: null, at });
        await this.deps.events.appendWithin(trx, [
          {
            workspaceId: sent.workspaceId,
            profileId,
            event: returned.kind === 'complaint' ? EMAIL_EVENTS.complained : EMAIL_EVENTS.bounced,
            properties:
              returned.kind === 'complaint'
                ? { messageId, feedbackType: returned.feedbackType }
                : {
                    messageId,
                    bounceType: returned.bounceType,
                    status: returned.status,
                    reason: returned.reason,
                  },
            actorId: null,
            at: new Date(at).toISOString(),
            messageId: `email-${kind}-${engagementId}`,
          },
        ]);
        if (!soft)
          await this.deps.markEngagement?.(
            trx,
            sent.workspaceId,
            messageId,
            kind,
            new Date(at).toISOString(),
          );
      });
      this.deps.wake();
    }
  }

  /**
   * The relay refused the recipient: a 5xx suppresses the address (the sender appends the
   * `Email Bounced` event and marks the message); a 4xx is retried by the sender.
   */
  async onRelayRejected(
    db: Kysely<Database>,
    email: OutgoingEmail,
    rejection: { readonly code: number; readonly response: string },
    now: number,
  ): Promise<void> {
    if (rejection.code < 500) return;
    const profileId = await this.deps.preferences.liveProfileId(db, email.workspaceId, email.profileId);
    await this.deps.preferences.suppress(
      email.workspaceId,
      { address: email.to, reason: 'hard_bounce', profileId, note: rejection.response.slice(0, 300) },
      db,
    );
    await this.insertEngagement(
      db,
      { workspaceId: email.workspaceId, messageId: email.messageId, profileId },
      { kind: 'bounced', machine: null, at: now },
    );
  }

  private async recordEngagement(claims: TrackingClaims, request: TrackingRequest): Promise<void> {
    const at = this.clock();
    const kind = claims.kind === 'o' ? 'opened' : 'clicked';
    await writeTransaction(this.deps.store, async (trx) => {
      const recent =
        kind === 'clicked'
          ? await trx
              .selectFrom('email_engagements')
              .select('link_index')
              .distinct()
              .where('workspace_id', '=', claims.workspaceId)
              .where('message_id', '=', claims.messageId)
              .where('kind', '=', 'clicked')
              .where('at', '>', new Date(at - 1000).toISOString())
              .execute()
          : [];
      const links = new Set(recent.map((row) => row.link_index));
      links.add(claims.linkIndex ?? null);
      const machine = machineReasonOf(
        {
          kind: kind === 'opened' ? 'open' : 'click',
          method: request.method.toUpperCase(),
          userAgent: request.userAgent,
          sentAt: claims.sentAt,
          at,
          honeypot: claims.kind === 'h',
          linkCount: claims.linkCount ?? 0,
          linksClickedWithinSecond: [...links].filter((index) => index !== null && index >= 0).length,
        },
        this.deps.machineDetection,
      );
      const profileId = await this.deps.preferences.liveProfileId(trx, claims.workspaceId, claims.profileId);
      const engagementId = await this.insertEngagement(
        trx,
        { ...claims, profileId },
        { kind, machine, at, userAgent: request.userAgent },
      );
      await this.deps.events.appendWithin(trx, [
        {
          workspaceId: claims.workspaceId,
          profileId,
          event: kind === 'opened' ? EMAIL_EVENTS.opened : EMAIL_EVENTS.clicked,
          properties: {
            messageId: claims.messageId,
            machine: machine !== null,
            ...(machine ? { machineReason: machine } : {}),
            ...(kind === 'clicked' ? { url: claims.url ?? null, linkIndex: claims.linkIndex ?? null } : {}),
            ...(request.userAgent ? { userAgent: request.userAgent.slice(0, 300) } : {}),
          },
          actorId: null,
          at: new Date(at).toISOString(),
          messageId: `email-${kind}-${engagementId}`,
        },
      ]);
      const marked = machine === null ? kind : kind === 'opened' ? 'machine_open' : null;
      if (marked)
        await this.deps.markEngagement?.(
          trx,
          claims.workspaceId,
          claims.messageId,
          marked,
          new Date(at).toISOString(),
        );
    });
    this.deps.wake();
  }

  private async saveSubscriptions(
    claims: TrackingClaims,
    update: UpdateEmailSubscriptions,
    source: 'one_click' | 'link' | 'mailto' | 'preference_page',
  ): Promise<void> {
    const at = new Date(this.clock()).toISOString();
    const changed = await writeTransaction(this.deps.store, async (trx) => {
      const change = await this.deps.preferences.updateSubscriptions(trx, {
        workspaceId: claims.workspaceId,
        profileId: claims.profileId,
        update,
        source,
        messageId: claims.messageId,
      });
      if (change.unsubscribed.length === 0) return false;
      const engagementId = await this.insertEngagement(
        trx,
        { ...claims, profileId: change.profileId },
        { kind: 'unsubscribed', machine: null, at: Date.parse(at) },
      );
      await this.deps.events.appendWithin(trx, [
        {
          workspaceId: claims.workspaceId,
          profileId: change.profileId,
          event: EMAIL_EVENTS.unsubscribed,
          properties: {
            messageId: claims.messageId,
            all: change.unsubscribed.includes(ALL_MARKETING),
            topicIds: change.unsubscribed.filter((id) => id !== ALL_MARKETING),
            source,
          },
          actorId: null,
          at,
          messageId: `email-unsubscribed-${engagementId}`,
        },
      ]);
      await this.deps.markEngagement?.(trx, claims.workspaceId, claims.messageId, 'unsubscribed', at);
      return true;
    });
    if (changed) this.deps.wake();
  }

  private async insertEngagement(
    db: Kysely<Database>,
    claims: Pick<TrackingClaims, 'workspaceId' | 'messageId' | 'profileId' | 'linkIndex' | 'url'>,
    what: { kind: string; machine: string | null; at: number; userAgent?: string | undefined },
  ): Promise<string> {
    const engagementId = randomUUID();
    await db
      .insertInto('email_engagements')
      .values({
        workspace_id: claims.workspaceId,
        engagement_id: engagementId,
        message_id: claims.messageId,
        profile_id: claims.profileId,
        kind: what.kind,
        link_index: claims.linkIndex ?? null,
        url: claims.url ?? null,
        machine: what.machine === null ? 0 : 1,
        machine_reason: what.machine,
        user_agent: what.userAgent?.slice(0, 300) ?? null,
        at: new Date(what.at).toISOString(),
      })
      .execute();
    return engagementId;
  }

  private preferencesUrlOf(claims: TrackingClaims): string {
    const key = this.keys.cached(claims.workspaceId);
    return `${this.publicUrl}/email/preferences/${signToken(key, { ...claims, kind: 'p' })}`;
  }

  /** A token's claims when its signature holds and its kind is one of `kinds`. */
  private async claimsOf(
    token: string,
    kinds: readonly TrackingClaims['kind'][],
  ): Promise<TrackingClaims | null> {
    const workspaceId = workspaceOfToken(token);
    if (!workspaceId) return null;
    // Only an existing key: a made-up workspace id creates nothing.
    const key = await this.keys.find(this.deps.store.db, workspaceId);
    const claims = key ? verifyToken(key, token) : null;
    return claims && kinds.includes(claims.kind) ? claims : null;
  }
}

/** A link of a profile deleted since the email was sent leads nowhere (other failures stay failures). */
function whenProfileGone<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof AppError && error.code === 'not_found') return value;
    throw error;
  };
}
