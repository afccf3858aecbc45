import type { SubscriptionSource } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { newId } from '../ids/index.js';
import type { Database } from '../store/index.js';

/** The topic id of "all marketing email" in the subscription history. */
export const ALL_MARKETING = '*';

/** A person's latest decision about one topic (or all marketing email). */
export interface SubscriptionDecision {
  readonly topicId: string;
  readonly subscribed: boolean;
  readonly source: SubscriptionSource;
  readonly at: string;
}

/**
 * The history of subscription decisions of a person, newest first: rows stay under the profile
 * id they were written for; `profileIds` is a live profile and those merged into it, so a merge
 * gathers both people's decisions and an unmerge gives each their own back.
 */
export async function subscriptionHistory(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<SubscriptionDecision[]> {
  if (profileIds.length === 0) return [];
  const rows = await db
    .selectFrom('email_subscription_changes')
    .select(['topic_id', 'subscribed', 'source', 'at', 'change_id'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', [...profileIds])
    .orderBy('at', 'desc')
    .orderBy('change_id', 'desc')
    .limit(1000)
    .execute();
  return rows.map((row) => ({
    topicId: row.topic_id,
    subscribed: row.subscribed === 1,
    source: row.source as SubscriptionSource, // written from the contract's enum
    at: row.at,
  }));
}

/** The latest decision per topic (the newest wins, whichever merged profile made it). */
export function latestDecisions(history: readonly SubscriptionDecision[]): Map<string, SubscriptionDecision> {
  const latest = new Map<string, SubscriptionDecision>();
  for (const decision of history) if (!latest.has(decision.topicId)) latest.set(decision.topicId, decision);
  return latest;
}

/** Appends decisions (topic → subscribed) for a person, in the caller's transaction. */
export async function recordDecisions(
  db: Kysely<Database>,
  options: {
    readonly workspaceId: string;
    readonly profileId: string;
    readonly decisions: ReadonlyMap<string, boolean>;
    readonly source: SubscriptionSource;
    readonly messageId: string | null;
    readonly at: string;
  },
): Promise<void> {
  if (options.decisions.size === 0) return;
  await db
    .insertInto('email_subscription_changes')
    .values(
      [...options.decisions].map(([topicId, subscribed]) => ({
        workspace_id: options.workspaceId,
        // A bare ULID: decisions made in the same millisecond keep their order.
        change_id: newId('emailTopic').slice('etop_'.length),
        profile_id: options.profileId,
        topic_id: topicId,
        subscribed: subscribed ? 1 : 0,
        source: options.source,
        message_id: options.messageId,
        at: options.at,
      })),
    )
    .execute();
}
