import type { JourneyEntry } from '@tandem/contract';
import { CronExpressionParser } from 'cron-parser';
import { type Kysely, sql } from 'kysely';
import { DateTime } from 'luxon';
import { profilesMeeting, type RuleNode } from '../audiences/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { type JourneyRunner, JourneyWrites } from './journey-runner.js';
import { journeyMs } from './journey-timing.js';

/** Entrants flushed per statement batch within a sweep's transaction. */
const ENTER_CHUNK = 2000;

/**
 * The entries time starts: a schedule's cron ticks (its audience's members, or everyone with an
 * email) and a date trait's daily tick (people whose date, moved by the offset, is today; every
 * year when `yearly`). Missed ticks are one tick. Each journey's sweep is one transaction: its
 * tick mark and its entrants commit together.
 */
export async function sweepTimedEntries(
  store: Store,
  runner: JourneyRunner,
  options: { now: number; timeZone: string },
): Promise<number> {
  const due = await store.db
    .selectFrom('journeys')
    .select(['workspace_id', 'journey_id', 'version', 'swept_at', 'published_at'])
    .where('status', '=', 'live')
    .where('entry_kind', 'in', ['schedule', 'date_trait'])
    .execute();
  let entered = 0;
  for (const row of due) {
    const journey = await runner.version(store.db, row.workspace_id, row.journey_id, row.version);
    const entry = journey.definition.entry;
    const since = Date.parse(row.swept_at ?? row.published_at ?? new Date(options.now).toISOString());
    const tick = nextTick(entry, since, options.timeZone);
    if (tick === undefined || tick > options.now) continue;
    const after = await writeTransaction(store, async (trx) => {
      // Another process swept this tick first: nothing to do.
      const claimed = await trx
        .updateTable('journeys')
        .set({ swept_at: new Date(options.now).toISOString() })
        .where('workspace_id', '=', row.workspace_id)
        .where('journey_id', '=', row.journey_id)
        .where(sql.ref('swept_at'), row.swept_at === null ? 'is' : '=', row.swept_at)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return () => {};
      const rule = entrantsRule(entry, options.now, options.timeZone);
      if (!rule) return () => {};
      const profileIds = await profilesMeeting({
        db: trx,
        kind: store.kind,
        workspaceId: row.workspace_id,
        rule,
        now: options.now,
      });
      const blocked = await blockedByReEntry(trx, {
        workspaceId: row.workspace_id,
        journeyId: row.journey_id,
        reEntry: journey.definition.settings?.reEntry ?? 'never',
        reEntryAfterMs: journey.definition.settings?.reEntryAfter
          ? journeyMs(journey.definition.settings.reEntryAfter)
          : 0,
        now: options.now,
      });
      const afters: (() => void)[] = [];
      let writes = new JourneyWrites();
      for (const profileId of profileIds) {
        if (blocked.has(profileId)) continue;
        await runner.enter(trx, writes, { workspaceId: row.workspace_id, journey, profileId, trigger: null });
        entered += 1;
        if (writes.runs.size >= ENTER_CHUNK) {
          afters.push(await runner.commit(trx, writes));
          writes = new JourneyWrites();
        }
      }
      afters.push(await runner.commit(trx, writes));
      return () => {
        for (const done of afters) done();
      };
    });
    after();
  }
  return entered;
}

/** The first tick of a timed entry after `since` (ms), in the engine's default time zone (UTC). */
export function nextTick(entry: JourneyEntry, since: number, timeZone: string): number | undefined {
  const cron =
    entry.kind === 'schedule'
      ? entry.cron
      : entry.kind === 'date_trait'
        ? dailyCron(entry.atTimeOfDay ?? '00:00')
        : undefined;
  if (cron === undefined) return undefined;
  try {
    return CronExpressionParser.parse(cron, { currentDate: new Date(since), tz: timeZone })
      .next()
      .toDate()
      .getTime();
  } catch {
    return undefined;
  }
}

function dailyCron(timeOfDay: string): string {
  const [hour, minute] = timeOfDay.split(':').map(Number);
  return `${minute ?? 0} ${hour ?? 0} * * *`;
}

/** Who a tick enters, as a rule the audiences domain evaluates in SQL. */
function entrantsRule(entry: JourneyEntry, now: number, timeZone: string): RuleNode | undefined {
  if (entry.kind === 'schedule') {
    return entry.audienceId
      ? { kind: 'audience', audienceId: entry.audienceId }
      : { kind: 'trait', name: 'email', condition: { op: 'exists' } };
  }
  if (entry.kind !== 'date_trait') return undefined;
  // The date that, moved by the offset, is today: people whose trait is on it.
  const day = DateTime.fromMillis(now - (entry.offset ? journeyMs(entry.offset) : 0), { zone: timeZone });
  const target = day.isValid ? day : DateTime.fromMillis(now, { zone: 'UTC' });
  if (entry.yearly) {
    return {
      kind: 'trait',
      name: entry.trait,
      condition: { op: 'contains', value: target.toFormat('-MM-dd') },
    };
  }
  return {
    kind: 'trait',
    name: entry.trait,
    condition: { op: 'starts_with', value: target.toFormat('yyyy-MM-dd') },
  };
}

/** People the journey's re-entry rules keep out now. */
async function blockedByReEntry(
  db: Kysely<Database>,
  input: {
    workspaceId: string;
    journeyId: string;
    reEntry: 'never' | 'after_exit' | 'always';
    reEntryAfterMs: number;
    now: number;
  },
): Promise<Set<string>> {
  let query = db
    .selectFrom('journey_runs')
    .select('profile_id')
    .distinct()
    .where('workspace_id', '=', input.workspaceId)
    .where('journey_id', '=', input.journeyId);
  if (input.reEntry === 'always' && input.reEntryAfterMs === 0) return new Set();
  if (input.reEntry === 'after_exit' || input.reEntry === 'always') {
    const recent = new Date(input.now - input.reEntryAfterMs).toISOString();
    query = query.where((eb) =>
      eb.or([
        ...(input.reEntry === 'after_exit' ? [eb('status', '=', 'active')] : []),
        eb('entered_at', '>', recent),
      ]),
    );
  }
  return new Set((await query.execute()).map((r) => r.profile_id));
}
