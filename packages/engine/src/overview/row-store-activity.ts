import { countActiveProfiles, countEventsNamedBetween, eventNamesOf } from '../identity/index.js';
import { countEventsBetween } from '../log/index.js';
import { newProfilesByDay } from '../profiles/index.js';
import type { Store } from '../store/index.js';
import type { DayFigures } from './day-figures-cache.js';

const DAY_MS = 86_400_000;
/** Event names whose counts are read per day (the rest of the catalog's is left out). */
const EVENT_NAMES = 200;

/**
 * Where a day's activity comes from. The row store is the default; the insights domain's columnar
 * copy can answer the same (daily counts, distinct people) without touching the row store.
 */
export interface ActivitySource {
  /** Each day's figures (UTC days, `YYYY-MM-DD`), in the order given, one at a time. */
  figuresOf(workspaceId: string, days: readonly string[]): AsyncIterable<[day: string, figures: DayFigures]>;
}

/** The activity read from the log and the projections, through their domains' index reads. */
export function rowStoreActivity(store: Store): ActivitySource {
  return {
    async *figuresOf(workspaceId, days) {
      // The request that started the counting answers first (SQLite reads block the thread).
      await yieldTurn();
      const { db } = store;
      const eventNames = await eventNamesOf(db, workspaceId, EVENT_NAMES);
      const next = (day: string) => new Date(Date.parse(day) + DAY_MS).toISOString().slice(0, 10);
      const instant = (day: string) => `${day}T00:00:00.000Z`;
      // `YYYY-MM-DD` sorts as it reads.
      const sorted = [...days].sort();
      // Profiles have no index by creation time: one pass for all the days.
      const newPeople = await newProfilesByDay(db, workspaceId, {
        from: instant(sorted[0] ?? ''),
        to: instant(next(sorted.at(-1) ?? '')),
      });
      for (const day of days) {
        // SQLite answers synchronously: give requests and ingestion their turn between days.
        await yieldTurn();
        const range = { from: instant(day), to: instant(next(day)) };
        const byEvent = new Map<string, number>();
        for (const event of eventNames) {
          const count = await countEventsNamedBetween(db, workspaceId, { ...range, event });
          if (count > 0) byEvent.set(event, count);
        }
        yield [
          day,
          {
            events: await countEventsBetween(db, workspaceId, range),
            newPeople: newPeople.get(day) ?? 0,
            activePeople: await countActiveProfiles(db, workspaceId, { ...range, eventNames }),
            byEvent,
          },
        ];
      }
    },
  };
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
