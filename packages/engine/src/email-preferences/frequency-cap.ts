import type { FrequencyCap } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type Database, fromJson, toJson } from '../store/index.js';

/** Off until a workspace turns it on; 3 a week is a common starting point. */
export const DEFAULT_FREQUENCY_CAP: FrequencyCap = { enabled: false, max: 3, period: '7d' };

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30s`, `15m`, `3h`, `2d`, `1w` in milliseconds. */
export function durationMs(duration: string): number {
  const unit = duration.at(-1) as keyof typeof UNIT_MS; // the contract's pattern ends in one of these
  return Number(duration.slice(0, -1)) * (UNIT_MS[unit] ?? Number.NaN);
}

export async function readFrequencyCap(db: Kysely<Database>, workspaceId: string): Promise<FrequencyCap> {
  const row = await db
    .selectFrom('email_preference_settings')
    .select('frequency_cap')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row
    ? { ...DEFAULT_FREQUENCY_CAP, ...fromJson<Partial<FrequencyCap>>(row.frequency_cap) }
    : DEFAULT_FREQUENCY_CAP;
}

export async function writeFrequencyCap(
  db: Kysely<Database>,
  workspaceId: string,
  cap: FrequencyCap,
  at: string,
): Promise<void> {
  await db
    .insertInto('email_preference_settings')
    .values({ workspace_id: workspaceId, frequency_cap: toJson(cap), updated_at: at })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ frequency_cap: toJson(cap), updated_at: at }))
    .execute();
}

/** One sent email, as the cap and bounce matching know it. */
export interface SentEmail {
  readonly workspaceId: string;
  readonly messageId: string;
  readonly profileId: string;
  readonly address: string;
  readonly category: string;
  readonly sentAt: string;
}

/** Logs a sent email (idempotent: a retried send records it once). */
export async function logSent(db: Kysely<Database>, sent: SentEmail): Promise<void> {
  await db
    .insertInto('email_sends')
    .values({
      workspace_id: sent.workspaceId,
      message_id: sent.messageId,
      profile_id: sent.profileId,
      address: sent.address,
      category: sent.category,
      sent_at: sent.sentAt,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
    .execute();
}

/** A sent email by its message id alone (a returned email names nothing else). */
export async function sentEmailOf(db: Kysely<Database>, messageId: string): Promise<SentEmail | undefined> {
  const row = await db
    .selectFrom('email_sends')
    .selectAll()
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row
    ? {
        workspaceId: row.workspace_id,
        messageId: row.message_id,
        profileId: row.profile_id,
        address: row.address,
        category: row.category,
        sentAt: row.sent_at,
      }
    : undefined;
}

/**
 * When a person may get their next marketing email under the cap: now (null) when fewer than
 * `max` were sent to them (any of their merged profiles) in the last `period`, else the moment
 * enough of those age out of the window.
 */
export async function nextRoomUnderCap(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
  cap: FrequencyCap,
  now: number,
): Promise<number | null> {
  if (!cap.enabled || profileIds.length === 0) return null;
  const period = durationMs(cap.period);
  const rows = await db
    .selectFrom('email_sends')
    .select('sent_at')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', [...profileIds])
    .where('category', '=', 'marketing')
    .where('sent_at', '>', new Date(now - period).toISOString())
    .orderBy('sent_at')
    .execute();
  if (rows.length < cap.max) return null;
  // The oldest sends past the cap's room must leave the window: the (n - max)th oldest decides.
  const decisive = rows[rows.length - cap.max];
  return decisive ? Date.parse(decisive.sent_at) + period : null;
}
