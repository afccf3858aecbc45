import type { AnalyticsReader } from '../insights/analytics-copy/index.js';
import { isoOfSqlTimestamp } from '../insights/analytics-store/index.js';
import type { DayFigures } from './day-figures-cache.js';
import type { ActivitySource } from './row-store-activity.js';

const DAY_MS = 86_400_000;

/**
 * Days' activity read from the analytics copy (behavioural events: track, page, screen): three
 * grouped scans for all the days asked, instead of a count per day and event on the row store.
 * New people are those whose first event in the copy falls on the day.
 */
export function analyticsActivity(reader: AnalyticsReader): ActivitySource {
  return {
    async *figuresOf(workspaceId, days) {
      if (days.length === 0) return;
      const sorted = [...days].sort();
      const from = `${sorted[0]} 00:00:00`;
      const to = `${new Date(Date.parse(sorted.at(-1) ?? '') + DAY_MS).toISOString().slice(0, 10)} 00:00:00`;
      const range = [workspaceId, from, to];
      const dayOf = (text: unknown) => isoOfSqlTimestamp(String(text)).slice(0, 10);
      const [byEvent, active, first] = await Promise.all([
        reader.query(
          `SELECT CAST(date_trunc('day', timestamp) AS VARCHAR) AS day, event, CAST(count(*) AS INTEGER) AS events
           FROM analytics_events
           WHERE workspace_id = $1 AND timestamp >= CAST($2 AS TIMESTAMP) AND timestamp < CAST($3 AS TIMESTAMP)
           GROUP BY 1, 2`,
          range,
        ),
        reader.query(
          `SELECT CAST(date_trunc('day', timestamp) AS VARCHAR) AS day, CAST(count(DISTINCT profile_id) AS INTEGER) AS people
           FROM analytics_events
           WHERE workspace_id = $1 AND timestamp >= CAST($2 AS TIMESTAMP) AND timestamp < CAST($3 AS TIMESTAMP)
           GROUP BY 1`,
          range,
        ),
        reader.query(
          `SELECT CAST(date_trunc('day', first_seen) AS VARCHAR) AS day, CAST(count(*) AS INTEGER) AS people
           FROM (SELECT min(timestamp) AS first_seen FROM analytics_events WHERE workspace_id = $1 GROUP BY profile_id) firsts
           WHERE first_seen >= CAST($2 AS TIMESTAMP) AND first_seen < CAST($3 AS TIMESTAMP)
           GROUP BY 1`,
          range,
        ),
      ]);
      const figures = new Map<string, DayFigures>(
        days.map((day) => [day, { events: 0, newPeople: 0, activePeople: 0, byEvent: new Map() }]),
      );
      for (const row of byEvent) {
        const day = figures.get(dayOf(row.day));
        if (!day) continue;
        day.events += Number(row.events);
        day.byEvent.set(String(row.event), Number(row.events));
      }
      for (const row of active) {
        const day = figures.get(dayOf(row.day));
        if (day) day.activePeople = Number(row.people);
      }
      for (const row of first) {
        const day = figures.get(dayOf(row.day));
        if (day) day.newPeople = Number(row.people);
      }
      for (const day of days) yield [day, figures.get(day) as DayFigures];
    },
  };
}
