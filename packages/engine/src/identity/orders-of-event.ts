import { type Kysely, sql } from 'kysely';
import { type Database, jsonValueSql, type StoreKind } from '../store/index.js';

/** One logged event of a name, as the profile identity attributes it to: who, when, what value. */
export interface ValuedEvent {
  readonly profileId: string;
  readonly timestamp: string;
  /** The numeric value of `valueProperty` in the event's properties; 0 when absent or not a number. */
  readonly value: number;
}

/**
 * Every event of this name in a workspace up to `until` (ISO, inclusive), with its live profile
 * and a numeric property: the orders predictions are fitted on. Read in pages along the
 * (workspace, event, timestamp) index so a large log never sits in one result.
 */
export async function valuedEventsNamed(
  db: Kysely<Database>,
  workspaceId: string,
  options: {
    kind: StoreKind;
    event: string;
    valueProperty?: string | undefined;
    until?: string | undefined;
    pageSize?: number;
  },
): Promise<ValuedEvent[]> {
  const pageSize = options.pageSize ?? 5000;
  // The value read in SQL (the payload never leaves the database); quotes cannot name a member.
  const member = (options.valueProperty ?? '').replaceAll('"', '');
  const value = jsonValueSql(options.kind, sql.ref('e.payload'), {
    path: ['properties', member],
    documentIsText: options.kind === 'sqlite',
  });
  const found: ValuedEvent[] = [];
  let after: { timestamp: string; seq: number } | null = null;
  for (;;) {
    let query = db
      .selectFrom('profile_events as p')
      .innerJoin('events as e', 'e.seq', 'p.seq')
      .select([
        'p.seq',
        'p.profile_id',
        'p.timestamp',
        'e.workspace_id',
        value.number.as('number'),
        value.text.as('text'),
      ])
      .where('p.workspace_id', '=', workspaceId)
      .where('p.event', '=', options.event)
      .orderBy('p.timestamp')
      .orderBy('p.seq')
      .limit(pageSize);
    if (options.until) query = query.where('p.timestamp', '<=', options.until);
    if (after) {
      const { timestamp, seq } = after;
      // A row-value comparison: one index range on both engines, where an OR rescans each page.
      query = query.where((eb) => eb(eb.refTuple('p.timestamp', 'p.seq'), '>', eb.tuple(timestamp, seq)));
    }
    const rows = await query.execute();
    for (const row of rows) {
      if (row.workspace_id !== workspaceId) continue;
      // A number, or a numeric string ("19.99"); anything else is no value.
      const amount = member === '' ? 0 : row.number !== null ? Number(row.number) : Number(row.text ?? 0);
      found.push({
        profileId: row.profile_id,
        timestamp: row.timestamp,
        value: Number.isFinite(amount) ? amount : 0,
      });
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) break;
    after = { timestamp: last.timestamp, seq: Number(last.seq) };
  }
  return found;
}

/** How many track events of each name each of these profiles has at or after `since` (engagement). */
export async function eventCountsSince(
  db: Kysely<Database>,
  workspaceId: string,
  options: { profileIds: readonly string[]; since: string },
): Promise<Map<string, Map<string, number>>> {
  const counts = new Map<string, Map<string, number>>();
  for (let start = 0; start < options.profileIds.length; start += 500) {
    const rows = await db
      .selectFrom('profile_events')
      .select(['profile_id', 'event', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', options.profileIds.slice(start, start + 500))
      .where('timestamp', '>=', options.since)
      .where('event', 'is not', null)
      .groupBy(['profile_id', 'event'])
      .execute();
    for (const row of rows) {
      const ofProfile = counts.get(row.profile_id) ?? new Map<string, number>();
      if (row.event !== null) ofProfile.set(row.event, Number(row.n));
      counts.set(row.profile_id, ofProfile);
    }
  }
  return counts;
}
