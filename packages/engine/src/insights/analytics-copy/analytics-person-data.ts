import { type PersonDataHolder, type PersonRef, personChunks } from '../../person-data/index.js';
import type { AnalyticsAccess, AnalyticsParam } from './analytics-access.js';

// insights/' share of a person: their events and people rows in the analytics copy. Erasing on
// DuckDB ends with a CHECKPOINT, so the erased rows leave the file rather than linger in its WAL.
// Anonymizing keeps the events (what analytics count) under the anonymous profile, their
// properties stripped of the person's identifier values, and drops the people rows.

export function analyticsPersonData(copy: AnalyticsAccess): PersonDataHolder {
  const inList = (ids: readonly string[]) => ids.map((_, i) => `$${i + 2}`).join(', ');
  const count = async (table: string, workspaceId: string, ids: readonly string[]) => {
    const [row] = await copy.query(
      `SELECT count(*)::integer AS n FROM ${table} WHERE workspace_id = $1 AND profile_id IN (${inList(ids)})`,
      [workspaceId, ...ids],
    );
    return Number(row?.n ?? 0);
  };
  const jsonType = copy.dialect === 'duckdb' ? 'json' : 'jsonb';
  const settle = () => (copy.dialect === 'duckdb' ? copy.execute('CHECKPOINT') : Promise.resolve());

  return {
    domain: 'analytics',

    async exportPerson(person: PersonRef) {
      // The copy's events are the log's track, page and screen calls, exported whole by the
      // events domain: counted here, not listed twice (they doubled a large export's time).
      let events = 0;
      const people: unknown[] = [];
      for (const ids of personChunks(person.profileIds)) {
        events += await count('analytics_events', person.workspaceId, ids);
        for (const row of await copy.query(
          `SELECT profile_id, traits::varchar AS traits, computed_traits::varchar AS computed_traits,
             audiences::varchar AS audiences
           FROM analytics_people WHERE workspace_id = $1 AND profile_id IN (${inList(ids)})`,
          [person.workspaceId, ...ids],
        ))
          people.push({
            profileId: row.profile_id,
            traits: parsed(row.traits),
            computedTraits: parsed(row.computed_traits),
            audiences: parsed(row.audiences),
          });
      }
      return { events: { count: events, copiesOf: 'events' }, people };
    },

    async erasePerson(person: PersonRef) {
      let events = 0;
      let people = 0;
      for (const ids of personChunks(person.profileIds)) {
        events += await count('analytics_events', person.workspaceId, ids);
        people += await count('analytics_people', person.workspaceId, ids);
        for (const table of ['analytics_events', 'analytics_people'])
          await copy.execute(
            `DELETE FROM ${table} WHERE workspace_id = $1 AND profile_id IN (${inList(ids)})`,
            [person.workspaceId, ...ids],
          );
      }
      await settle();
      return { analytics_events: events, analytics_people: people };
    },

    async anonymizePerson(person: PersonRef, anonymousProfileId: string) {
      const values = new Set(person.identifiers.map((i) => i.value).filter((v) => v !== ''));
      let events = 0;
      let people = 0;
      for (const ids of personChunks(person.profileIds)) {
        const params: AnalyticsParam[] = [person.workspaceId, ...ids];
        const rows = await copy.query(
          `SELECT seq, properties::varchar AS properties FROM analytics_events
           WHERE workspace_id = $1 AND profile_id IN (${inList(ids)})`,
          params,
        );
        for (const row of rows) {
          const properties = parsed(row.properties);
          const stripped = withoutValues(properties, values);
          if (JSON.stringify(stripped) === JSON.stringify(properties)) continue;
          await copy.execute(
            `UPDATE analytics_events SET properties = $3::${jsonType} WHERE workspace_id = $1 AND seq = $2`,
            [person.workspaceId, Number(row.seq), JSON.stringify(stripped)],
          );
        }
        events += rows.length;
        people += await count('analytics_people', person.workspaceId, ids);
        await copy.execute(
          `UPDATE analytics_events SET profile_id = $${ids.length + 2} WHERE workspace_id = $1 AND profile_id IN (${inList(ids)})`,
          [...params, anonymousProfileId],
        );
        await copy.execute(
          `DELETE FROM analytics_people WHERE workspace_id = $1 AND profile_id IN (${inList(ids)})`,
          params,
        );
      }
      await settle();
      return { analytics_events_anonymized: events, analytics_people: people };
    },
  };
}

function parsed(text: unknown): unknown {
  return typeof text === 'string' ? JSON.parse(text) : null;
}

/** A JSON value with every string equal to one of `values` removed (members and items). */
function withoutValues(value: unknown, values: ReadonlySet<string>): unknown {
  if (Array.isArray(value))
    return value
      .filter((item) => !(typeof item === 'string' && values.has(item)))
      .map((item) => withoutValues(item, values));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, member]) => !(typeof member === 'string' && values.has(member)))
        .map(([key, member]) => [key, withoutValues(member, values)]),
    );
  return value;
}
