import type {
  EmailTopic,
  EmailTopicInput,
  FrequencyCap,
  PersonEmailPreferences,
  SubscriptionSource,
  Suppression,
  SuppressionReason,
  UpdateEmailSubscriptions,
} from '@tandem/contract';
import { FrequencyCapSchema, UpdateEmailSubscriptionsSchema } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { consentedProfiles } from '../consent/index.js';
import type { OutgoingEmail, SendDecision } from '../email/index.js';
import { AppError, Readers, type ReadersOf } from '../errors/index.js';
import type { IdentityService } from '../identity/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { createTopic, deleteTopic, getTopic, listTopics, updateTopic } from './email-topics.js';
import {
  logSent,
  nextRoomUnderCap,
  readFrequencyCap,
  type SentEmail,
  sentEmailOf,
  writeFrequencyCap,
} from './frequency-cap.js';
import { ALL_MARKETING, latestDecisions, recordDecisions, subscriptionHistory } from './subscriptions.js';
import {
  isSuppressed,
  listSuppressions,
  normalizeAddress,
  suppress,
  suppressionsOf,
  unsuppress,
} from './suppressions.js';

/** The consent purpose every marketing email requires (transactional email needs none). */
const MARKETING_PURPOSE = 'marketing';

export interface EmailPreferencesDeps {
  readonly store: Store;
  readonly identity: IdentityService;
  readonly clock?: (() => number) | undefined;
}

/** What changed when a person's subscriptions were saved (the caller appends `Unsubscribed`). */
export interface SubscriptionChange {
  readonly profileId: string;
  /** Topics newly unsubscribed from, `*` for all marketing email. */
  readonly unsubscribed: string[];
  readonly resubscribed: string[];
}

/**
 * Subscriptions, consent, suppression and frequency caps: topics per workspace, each person's
 * decisions (a history that follows merges), suppressed addresses, and the cap over every
 * marketing email a person was sent, whatever sent it. `decide` is the send policy's gate.
 */
export class EmailPreferencesService {
  private readonly clock: () => number;
  /** Templates of a topic (registered by the engine). */
  private readonly topicReaders = new Readers();

  constructor(private readonly deps: EmailPreferencesDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  private get db() {
    return this.deps.store.db;
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  listTopics(workspaceId: string): Promise<EmailTopic[]> {
    return listTopics(this.db, workspaceId);
  }
  getTopic(workspaceId: string, topicId: string): Promise<EmailTopic> {
    return getTopic(this.db, workspaceId, topicId);
  }
  createTopic(workspaceId: string, input: EmailTopicInput): Promise<EmailTopic> {
    return writeTransaction(this.deps.store, (trx) => createTopic(trx, workspaceId, input, this.nowIso()));
  }
  updateTopic(workspaceId: string, topicId: string, patch: Partial<EmailTopicInput>): Promise<EmailTopic> {
    return writeTransaction(this.deps.store, (trx) =>
      updateTopic(trx, workspaceId, topicId, patch, this.nowIso()),
    );
  }
  /** Templates of a topic keep it: their unsubscribe link and preference page name it. */
  onTopicReaders(readersOf: ReadersOf): void {
    this.topicReaders.add(readersOf);
  }

  /** Deletes a topic no template belongs to (409 naming them otherwise). */
  async deleteTopic(workspaceId: string, topicId: string): Promise<void> {
    const topic = await getTopic(this.deps.store.db, workspaceId, topicId);
    await this.topicReaders.refuseDeletingWhileUsed(workspaceId, topicId, `The topic "${topic.name}"`);
    await writeTransaction(this.deps.store, (trx) => deleteTopic(trx, workspaceId, topicId));
  }

  listSuppressions(
    workspaceId: string,
    query: { q?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<{ data: Suppression[]; nextCursor: string | null }> {
    return listSuppressions(this.db, this.deps.store.kind, workspaceId, query);
  }

  /** Suppresses an address (by hand, or a bounce or complaint in the caller's transaction). */
  async suppress(
    workspaceId: string,
    entry: {
      address: string;
      reason: SuppressionReason;
      note?: string | undefined;
      profileId?: string | null;
    },
    db: Kysely<Database> = this.db,
  ): Promise<Suppression> {
    const profileId =
      entry.profileId === undefined
        ? ((await this.deps.identity.profileIdOf(workspaceId, 'email', normalizeAddress(entry.address))) ??
          null)
        : entry.profileId;
    return suppress(db, { workspaceId, ...entry, profileId, at: this.nowIso() });
  }

  unsuppress(workspaceId: string, address: string): Promise<void> {
    return unsuppress(this.db, workspaceId, address);
  }

  frequencyCap(workspaceId: string): Promise<FrequencyCap> {
    return readFrequencyCap(this.db, workspaceId);
  }

  async setFrequencyCap(workspaceId: string, cap: FrequencyCap): Promise<FrequencyCap> {
    const parsed = FrequencyCapSchema.parse(cap);
    await writeFrequencyCap(this.db, workspaceId, parsed, this.nowIso());
    return parsed;
  }

  /** A person's subscriptions (per topic, defaults applied), suppressions and decision history. */
  async personPreferences(
    workspaceId: string,
    profileId: string,
    db: Kysely<Database> = this.db,
  ): Promise<PersonEmailPreferences> {
    const { liveId, ids } = await this.profileIdsOf(db, workspaceId, profileId);
    const [topics, history, identities] = await Promise.all([
      listTopics(db, workspaceId),
      subscriptionHistory(db, workspaceId, ids),
      this.deps.identity.identitiesOf(workspaceId, ids, db),
    ]);
    const latest = latestDecisions(history);
    const addresses = [...identities.values()]
      .flat()
      .filter((i) => i.type === 'email')
      .map((i) => i.value);
    return {
      profileId: liveId,
      unsubscribedAll: latest.get(ALL_MARKETING)?.subscribed === false,
      topics: topics.map((topic) => {
        const decision = latest.get(topic.id);
        return {
          topicId: topic.id,
          name: topic.name,
          subscribed: decision ? decision.subscribed : topic.defaultSubscribed,
          source: decision?.source ?? null,
          changedAt: decision?.at ?? null,
        };
      }),
      suppressions: await suppressionsOf(db, workspaceId, ids, addresses),
      history: history.slice(0, 100),
    };
  }

  /**
   * Saves a person's choices (topics, all marketing email) where they differ from the current
   * state, in the caller's transaction; returns what changed.
   */
  async updateSubscriptions(
    db: Kysely<Database>,
    options: {
      workspaceId: string;
      profileId: string;
      update: UpdateEmailSubscriptions;
      source: SubscriptionSource;
      messageId?: string | null | undefined;
    },
  ): Promise<SubscriptionChange> {
    const update = UpdateEmailSubscriptionsSchema.parse(options.update);
    const current = await this.personPreferences(options.workspaceId, options.profileId, db);
    const wanted = new Map<string, boolean>();
    for (const [topicId, subscribed] of Object.entries(update.topics)) {
      const topic = current.topics.find((t) => t.topicId === topicId);
      if (!topic) continue; // a topic deleted since the page was shown
      if (topic.subscribed !== subscribed) wanted.set(topicId, subscribed);
    }
    if (update.unsubscribedAll !== undefined && update.unsubscribedAll !== current.unsubscribedAll)
      wanted.set(ALL_MARKETING, !update.unsubscribedAll);
    await recordDecisions(db, {
      workspaceId: options.workspaceId,
      profileId: current.profileId,
      decisions: wanted,
      source: options.source,
      messageId: options.messageId ?? null,
      at: this.nowIso(),
    });
    return {
      profileId: current.profileId,
      unsubscribed: [...wanted].filter(([, subscribed]) => !subscribed).map(([topicId]) => topicId),
      resubscribed: [...wanted].filter(([, subscribed]) => subscribed).map(([topicId]) => topicId),
    };
  }

  /** Marketing email requires the marketing purpose: removing that purpose stops all of it. */
  readersOfPurpose(_workspaceId: string, key: string): Promise<string[]> {
    return Promise.resolve(key === MARKETING_PURPOSE ? ['every marketing email'] : []);
  }

  /**
   * Whether an email may go now: suppression first (every email), then for marketing email the
   * marketing purpose, all-marketing and topic subscriptions, and the frequency cap.
   */
  async decide(db: Kysely<Database>, email: OutgoingEmail, now: number): Promise<SendDecision> {
    if (!email.to) return { action: 'skip', reason: 'no_address' };
    if (await isSuppressed(db, email.workspaceId, email.to)) return { action: 'skip', reason: 'suppressed' };
    if (email.category === 'transactional') return { action: 'send' };
    const person = await this.profileIdsOf(db, email.workspaceId, email.profileId).catch(() => null);
    // A profile deleted since the email was queued has no address to send to.
    if (!person) return { action: 'skip', reason: 'no_address' };
    const { liveId, ids } = person;
    const consented = await consentedProfiles(db, email.workspaceId, [liveId], [MARKETING_PURPOSE]);
    if (!consented.has(liveId)) return { action: 'skip', reason: 'no_consent' };
    const latest = latestDecisions(await subscriptionHistory(db, email.workspaceId, ids));
    if (latest.get(ALL_MARKETING)?.subscribed === false) return { action: 'skip', reason: 'unsubscribed' };
    if (email.topicId !== null) {
      const decision = latest.get(email.topicId);
      const subscribed =
        decision?.subscribed ??
        (await getTopic(db, email.workspaceId, email.topicId).then(
          (topic) => topic.defaultSubscribed,
          // A template naming a deleted topic: nobody is subscribed to it any more.
          () => false,
        ));
      if (!subscribed) return { action: 'skip', reason: 'unsubscribed' };
    }
    const cap = await readFrequencyCap(db, email.workspaceId);
    const until = await nextRoomUnderCap(db, email.workspaceId, ids, cap, now);
    if (until === null) return { action: 'send' };
    return email.overCap === 'skip' ? { action: 'skip', reason: 'frequency_cap' } : { action: 'wait', until };
  }

  /** Logs a sent email: marketing ones count towards the cap; any one's bounce is matched to it. */
  recordSent(db: Kysely<Database>, email: OutgoingEmail, now: number): Promise<void> {
    return logSent(db, {
      workspaceId: email.workspaceId,
      messageId: email.messageId,
      profileId: email.profileId,
      address: normalizeAddress(email.to),
      category: email.category,
      sentAt: new Date(now).toISOString(),
    });
  }

  /** A sent email by its message id (bounces and complaints name only that). */
  sentEmail(messageId: string, db: Kysely<Database> = this.db): Promise<SentEmail | undefined> {
    return sentEmailOf(db, messageId);
  }

  /** The live profile an id resolves to (itself, or the survivor of its merge). */
  async liveProfileId(db: Kysely<Database>, workspaceId: string, profileId: string): Promise<string> {
    return (await this.deps.identity.resolveProfileId(workspaceId, profileId, db)) ?? profileId;
  }

  /** Saves a person's subscriptions on their behalf (the admin API, the person page). */
  async saveForPerson(
    workspaceId: string,
    profileId: string,
    update: UpdateEmailSubscriptions,
    source: SubscriptionSource,
  ): Promise<PersonEmailPreferences> {
    await writeTransaction(this.deps.store, (trx) =>
      this.updateSubscriptions(trx, { workspaceId, profileId, update, source }),
    );
    return this.personPreferences(workspaceId, profileId);
  }

  private async profileIdsOf(db: Kysely<Database>, workspaceId: string, profileId: string) {
    const liveId = await this.deps.identity.resolveProfileId(workspaceId, profileId, db);
    if (liveId === undefined) throw new AppError('not_found', `Profile ${profileId} not found`);
    return { liveId, ids: await this.deps.identity.mergedIdsOf(workspaceId, liveId, db) };
  }
}
