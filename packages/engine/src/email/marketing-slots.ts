import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database, Store } from '../store/index.js';

// The frequency cap counts recorded sends, so a person's marketing emails must be decided one at
// a time: whoever decides one holds the person's slot until its settlement is recorded, and a
// second email to them waits. The slot is per live profile (merged-away profiles' mail takes
// their survivor's), and ends on its own after a while, so that a killed holder blocks no one
// for good.

/** A marketing email about to be decided: its message and the live profile it goes to. */
export interface MarketingSlotClaim {
  readonly profileId: string;
  readonly messageId: string;
}

/** Who is deciding a marketing email for whom, as every sender sharing the slots sees it. */
export interface MarketingSlots {
  /**
   * Takes the slots of a workspace's people for these messages where free, expired or already
   * the same message's, and holds them until `now + holdMs`. Only a person's first claim is
   * tried. Answers the messages that got their person's slot.
   */
  take(workspaceId: string, claims: readonly MarketingSlotClaim[], now: number): Promise<ReadonlySet<string>>;
  /** Frees the slots these messages hold, in the transaction recording their settlement. */
  release(db: Kysely<Database>, workspaceId: string, held: readonly MarketingSlotClaim[]): Promise<void>;
}

/** How long a slot outlives a holder that never settles (a process killed mid-send). */
export const MARKETING_SLOT_MS = 300_000;

/**
 * The slots for the store's senders: in memory on SQLite (one process sends, and a broadcast
 * sends thousands a second there: no write per email), in the store on PostgreSQL (several
 * processes send from one database).
 */
export function marketingSlotsFor(store: Store, holdMs = MARKETING_SLOT_MS): MarketingSlots {
  return store.kind === 'postgres'
    ? new StoreMarketingSlots(store, holdMs)
    : new MemoryMarketingSlots(holdMs);
}

/** The slots of one process's senders. */
export class MemoryMarketingSlots implements MarketingSlots {
  private readonly holders = new Map<string, { messageId: string; until: number }>();

  constructor(private readonly holdMs = MARKETING_SLOT_MS) {}

  async take(workspaceId: string, claims: readonly MarketingSlotClaim[], now: number) {
    const granted = new Set<string>();
    for (const [profileId, messageId] of firstClaims(claims)) {
      const key = `${workspaceId}/${profileId}`;
      const holder = this.holders.get(key);
      if (holder && holder.until > now && holder.messageId !== messageId) continue;
      this.holders.set(key, { messageId, until: now + this.holdMs });
      granted.add(messageId);
    }
    return granted;
  }

  async release(_db: Kysely<Database>, workspaceId: string, held: readonly MarketingSlotClaim[]) {
    for (const { profileId, messageId } of held) {
      const key = `${workspaceId}/${profileId}`;
      if (this.holders.get(key)?.messageId === messageId) this.holders.delete(key);
    }
  }
}

/** The slots in `email_marketing_slots`, shared by every process sending from the store. */
export class StoreMarketingSlots implements MarketingSlots {
  constructor(
    private readonly store: Store,
    private readonly holdMs = MARKETING_SLOT_MS,
  ) {}

  /** One statement for all the claims: an upsert that overwrites only an expired or own slot. */
  async take(workspaceId: string, claims: readonly MarketingSlotClaim[], now: number) {
    // One claim per person (one statement may not upsert a row twice), in profile order: every
    // process locks the rows in the same order, so two takes never deadlock.
    const byPerson = firstClaims(claims);
    if (byPerson.size === 0) return new Set<string>();
    const nowText = new Date(now).toISOString();
    const until = new Date(now + this.holdMs).toISOString();
    const taken = await this.store.db
      .insertInto('email_marketing_slots')
      .values(
        [...byPerson]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([profileId, messageId]) => ({
            workspace_id: workspaceId,
            profile_id: profileId,
            message_id: messageId,
            expires_at: until,
          })),
      )
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'profile_id'])
          .doUpdateSet((eb) => ({
            message_id: eb.ref('excluded.message_id'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) =>
            eb.or([
              eb('email_marketing_slots.expires_at', '<=', nowText),
              eb('email_marketing_slots.message_id', '=', eb.ref('excluded.message_id')),
            ]),
          ),
      )
      .returning('message_id')
      .execute();
    return new Set(taken.map((slot) => slot.message_id));
  }

  async release(db: Kysely<Database>, workspaceId: string, held: readonly MarketingSlotClaim[]) {
    if (held.length === 0) return;
    const ours = (eb: ExpressionBuilder<Database, 'email_marketing_slots'>) =>
      eb(
        eb.refTuple('profile_id', 'message_id'),
        'in',
        held.map((slot) => eb.tuple(slot.profileId, slot.messageId)),
      );
    // Locked first, in the takes' order ("C": byte order, the code-unit order of ASCII ids): a
    // delete locks rows in whatever order it finds them, and a take holding one of them while
    // waiting for another would deadlock with it.
    if (this.store.kind === 'postgres')
      await db
        .selectFrom('email_marketing_slots')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where(ours)
        .orderBy(sql`profile_id collate "C"`)
        .forUpdate()
        .execute();
    await db
      .deleteFrom('email_marketing_slots')
      .where('workspace_id', '=', workspaceId)
      .where(ours)
      .execute();
  }
}

/** Each person's first claim: profile id → message id. */
function firstClaims(claims: readonly MarketingSlotClaim[]): Map<string, string> {
  const byPerson = new Map<string, string>();
  for (const { profileId, messageId } of claims)
    if (!byPerson.has(profileId)) byPerson.set(profileId, messageId);
  return byPerson;
}
