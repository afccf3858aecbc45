import { type Kysely, sql } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';

/** What a recorded outcome sets on its delivery row. */
export interface RowValues {
  readonly status?: 'delivered' | 'failed' | 'dead' | 'skipped';
  /** A count, or `next`: one more than the row's. */
  readonly attempts?: number | 'next';
  readonly last_status?: number | null;
  readonly last_error?: string | null;
  readonly latency_ms?: number;
  readonly delivered_at?: string;
  readonly next_attempt_at: string | null;
  readonly lease_until: null;
}

/**
 * Outcomes of a send, grouped by the values they set: rows given the same values are updated in
 * one statement (per 1,000), so a batch of 500 deliveries costs a few statements, not 500.
 */
export class RowUpdates {
  private readonly groups = new Map<string, { values: RowValues; ids: string[] }>();

  add(values: RowValues, deliveryId: string): void {
    const key = JSON.stringify(values);
    const group = this.groups.get(key);
    if (group) group.ids.push(deliveryId);
    else this.groups.set(key, { values, ids: [deliveryId] });
  }

  async apply(trx: Kysely<Database>, workspaceId: string): Promise<void> {
    for (const { values, ids } of this.groups.values()) {
      const { attempts, ...rest } = values;
      const set =
        attempts === undefined
          ? rest
          : { ...rest, attempts: attempts === 'next' ? sql<number>`attempts + 1` : attempts };
      for (const chunk of chunksOf(ids)) {
        await trx
          .updateTable('deliveries')
          .set(set)
          .where('workspace_id', '=', workspaceId)
          .where('delivery_id', 'in', chunk)
          .execute();
      }
    }
    this.groups.clear();
  }
}

/** Profiles per parking statement: each brings a CASE branch (two parameters) and an IN item. */
const PARK_CHUNK = 500;

/**
 * Makes the given profiles' rows still to send wait until each profile's time, in one statement
 * per 500 profiles whatever their times. A claim's (`dueBy`): the rows due by then, behind an
 * earlier row of their profile. A failure's: the rows not in flight due before that time, behind
 * the retried one. Both conditions repeat the partial index's, so only unsent rows are read.
 */
export async function parkProfiles(
  trx: Kysely<Database>,
  destinationId: string,
  untilByProfile: ReadonlyMap<string, string>,
  { dueBy }: { dueBy?: string } = {},
): Promise<void> {
  for (const chunk of chunksOf([...untilByProfile], PARK_CHUNK)) {
    const untilOf = sql<string>`(CASE profile_id ${sql.join(
      chunk.map(([profileId, until]) => sql`WHEN ${profileId} THEN ${until}`),
      sql` `,
    )} END)`;
    let update = trx
      .updateTable('deliveries')
      .set({ next_attempt_at: untilOf })
      .where('destination_id', '=', destinationId)
      .where(
        'profile_id',
        'in',
        chunk.map(([profileId]) => profileId),
      )
      .where(sql<boolean>`status IN ('pending', 'failed')`);
    update =
      dueBy === undefined
        ? update.where('lease_until', 'is', null).where('next_attempt_at', '<', untilOf)
        : update.where('next_attempt_at', '<=', dueBy);
    await update.execute();
  }
}
