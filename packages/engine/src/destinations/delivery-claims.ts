import { type Kysely, sql } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database, StoreKind } from '../store/index.js';
import { parkProfiles } from './delivery-updates.js';
import type { DeliveryRow } from './destination-rows.js';

/** How long a claim holds rows before another process may take them (a crashed sender's). */
export const LEASE_MS = 60_000;
/** How long rows behind a delivery in flight wait before they are looked at again. */
const IN_FLIGHT_PARK_MS = 250;
/** Rows still to send of the profiles whose turn it is, read per statement. */
const PROFILE_CHUNK = 100;

export interface ClaimLimits {
  /** Due rows looked at to pick the profiles whose turn it is. */
  readonly dueRows: number;
  /** Rows of one profile taken at once. */
  readonly perProfile: number;
  /** Rows taken in all. */
  readonly total: number;
}

export interface Claim {
  readonly rows: DeliveryRow[];
  /** SQLite: the rows' rowids, leased in the claiming worker's memory until it records them. */
  readonly rowIds: readonly number[];
  /** Profiles whose rows were made to wait behind an earlier one still to send. */
  readonly parked: readonly string[];
  /** Every due row looked at was due: more may be waiting. */
  readonly more: boolean;
}

/**
 * Claims a destination's due deliveries, whole profiles at a time: the profiles of the earliest
 * due rows take their turn, and each brings its rows still to send in order, from its earliest
 * one, as long as they are due and not in flight (up to `perProfile`). A profile's rows thus go
 * in one send, and a later claim finds no row of a profile in flight but those written since.
 * A profile whose earliest row waits (a retry, a send in flight, another process's lease) is
 * parked behind it: its due rows wait until then. Taken rows are leased. A handful of
 * statements whatever the number of rows. On PostgreSQL the profiles' rows are locked as they
 * are read, in the same order by every process (no deadlock between claims): a process waits
 * for another's claim of the same profile, then finds its rows leased, so two processes never
 * take the same row nor pass each other's. On SQLite (one process) the lease is kept in the
 * worker's memory instead (`inFlight`, rowids): a claim then writes nothing but parked profiles,
 * and a crash leaves the rows due, sent again with the same delivery ids.
 */
export async function claimDue(
  trx: Kysely<Database>,
  kind: StoreKind,
  destination: { readonly workspaceId: string; readonly id: string },
  limits: ClaimLimits,
  now: number,
  inFlight: ReadonlySet<number> = new Set(),
): Promise<Claim> {
  const nowText = new Date(now).toISOString();
  // Which profiles' turn it is; their rows are locked below (PostgreSQL), in one order.
  const due = trx
    .selectFrom('deliveries')
    .select('profile_id')
    .where('destination_id', '=', destination.id)
    .where(sql<boolean>`status IN ('pending', 'failed')`)
    .where('next_attempt_at', '<=', nowText)
    .orderBy('next_attempt_at')
    .orderBy('ord');
  // Rows in flight are still due in the table (SQLite): looked past, in the index alone.
  const dueRows =
    kind === 'sqlite'
      ? (
          await due
            .select(sql<number>`rowid`.as('row_id'))
            .limit(limits.dueRows + inFlight.size)
            .execute()
        )
          .filter((row) => !inFlight.has(Number(row.row_id)))
          .slice(0, limits.dueRows)
      : await due.limit(limits.dueRows).execute();
  const turn = [...new Set(dueRows.map((r) => r.profile_id))];
  const rows: UnsentRow[] = [];
  const parkUntil = new Map<string, string>();
  for (const chunk of chunksOf(turn, PROFILE_CHUNK)) {
    if (rows.length >= limits.total) break;
    const byProfile = new Map<string, UnsentRow[]>();
    for (const row of await unsentRowsOf(trx, kind, destination.id, chunk)) {
      const of = byProfile.get(row.profile_id);
      if (of) of.push(row);
      else byProfile.set(row.profile_id, [row]);
    }
    for (const profileId of chunk) {
      const ofProfile = byProfile.get(profileId) ?? [];
      const taken: UnsentRow[] = [];
      for (const row of ofProfile) {
        if (taken.length >= limits.perProfile || !takeable(row, nowText, inFlight)) break;
        taken.push(row);
      }
      if (taken.length > 0) {
        if (rows.length >= limits.total) break;
        rows.push(...taken);
        continue;
      }
      if (ofProfile.length === 0) continue;
      // Its earliest row waits: its due rows wait as long as its rows do (one in flight: a
      // moment; its sender un-parks it at once when it is delivered).
      let until = now + 200;
      for (const row of ofProfile) {
        const leased = inFlightRow(row, nowText, inFlight);
        const waits = leased
          ? now + IN_FLIGHT_PARK_MS
          : row.next_attempt_at
            ? Date.parse(row.next_attempt_at)
            : 0;
        until = Math.max(until, waits);
      }
      parkUntil.set(profileId, new Date(until).toISOString());
    }
  }
  await parkProfiles(trx, destination.id, parkUntil, { dueBy: nowText });
  const claimed: DeliveryRow[] = [];
  const rowIds = rows.map((r) => Number(r.row_id));
  if (kind === 'sqlite') {
    // The taken rows, read whole (bodies included) by rowid: no key lookup, no lease written.
    for (const chunk of chunksOf(rowIds)) {
      const whole = new Map(
        (
          await trx
            .selectFrom('deliveries')
            .selectAll()
            .select(sql<number>`rowid`.as('row_id'))
            .where(sql<number>`rowid`, 'in', chunk)
            .execute()
        ).map(({ row_id, ...row }) => [row_id, row as DeliveryRow]),
      );
      for (const rowId of chunk) {
        const row = whole.get(rowId);
        if (row) claimed.push(row);
      }
    }
  } else {
    const leaseEnd = new Date(now + LEASE_MS).toISOString();
    const lease = { lease_until: leaseEnd, next_attempt_at: leaseEnd };
    for (const chunk of chunksOf(rows.map((r) => r.delivery_id as string))) {
      await trx
        .updateTable('deliveries')
        .set(lease)
        .where('workspace_id', '=', destination.workspaceId)
        .where('delivery_id', 'in', chunk)
        .execute();
    }
    claimed.push(...(rows as DeliveryRow[]));
  }
  return {
    rows: claimed,
    rowIds: kind === 'sqlite' ? rowIds : [],
    parked: [...parkUntil.keys()],
    more: dueRows.length >= limits.dueRows,
  };
}

/**
 * What a claim reads of the rows still to send of some profiles, in each profile's order: on
 * SQLite only what the index `deliveries_unsent_by_profile` holds (with the rowid), so rows not
 * taken cost no table read; their bodies are read for the rows taken only. On PostgreSQL whole
 * rows, locked as they are read.
 */
type UnsentRow = Pick<DeliveryRow, 'profile_id' | 'ord' | 'next_attempt_at' | 'lease_until'> & {
  /** SQLite: the row's rowid. */
  readonly row_id?: number;
  /** PostgreSQL: the row. */
  readonly delivery_id?: string;
};

async function unsentRowsOf(
  trx: Kysely<Database>,
  kind: StoreKind,
  destinationId: string,
  profileIds: readonly string[],
): Promise<UnsentRow[]> {
  const unsent = trx
    .selectFrom('deliveries')
    .where('destination_id', '=', destinationId)
    .where('profile_id', 'in', profileIds)
    .where(sql<boolean>`status IN ('pending', 'failed')`)
    .orderBy('profile_id')
    .orderBy('ord');
  if (kind === 'postgres') return unsent.selectAll().forUpdate().execute();
  return unsent
    .select(['profile_id', 'ord', 'next_attempt_at', 'lease_until', sql<number>`rowid`.as('row_id')])
    .execute();
}

/** Due now and not in flight (an expired lease is a crashed sender's: taken over). */
function takeable(row: UnsentRow, nowText: string, inFlight: ReadonlySet<number>): boolean {
  if (inFlightRow(row, nowText, inFlight)) return false;
  return row.next_attempt_at !== null && row.next_attempt_at <= nowText;
}

/** Being sent: leased in the table (PostgreSQL, a probe) or in the worker's memory (SQLite). */
function inFlightRow(row: UnsentRow, nowText: string, inFlight: ReadonlySet<number>): boolean {
  if (row.row_id !== undefined && inFlight.has(Number(row.row_id))) return true;
  return row.lease_until !== null && row.lease_until > nowText;
}
