import type { AnalyticsEventRow, AnalyticsStore } from '../analytics-store/index.js';

/** The Monday the hand-computed data set starts on. */
const DAY_ZERO = Date.UTC(2026, 0, 5);

/** ISO time `day` days and `hours` hours after Monday 5 January 2026, 00:00 UTC. */
export function dayAt(day: number, hours = 0, minutes = 0): string {
  return new Date(DAY_ZERO + ((day * 24 + hours) * 60 + minutes) * 60_000).toISOString();
}

/** An event of the test data: person, name, time, properties, UTM campaign / source / medium. */
export type TestEvent = readonly [
  profileId: string,
  event: string,
  at: string,
  properties?: Record<string, unknown>,
  utm?: { campaign?: string; source?: string; medium?: string },
];

/** Copy rows of test events, seqs in the order given. */
export function rowsOf(workspaceId: string, events: readonly TestEvent[], firstSeq = 1): AnalyticsEventRow[] {
  return events.map(([profileId, event, at, properties, utm], index) => ({
    workspaceId,
    seq: firstSeq + index,
    profileId,
    type: 'track',
    event,
    timestamp: at,
    sourceId: 'src_test',
    properties: properties === undefined ? null : JSON.stringify(properties),
    utmSource: utm?.source ?? null,
    utmMedium: utm?.medium ?? null,
    utmCampaign: utm?.campaign ?? null,
  }));
}

/** A person row of `analytics_people` for tests. */
export interface TestPerson {
  readonly profileId: string;
  readonly traits?: Record<string, unknown>;
  readonly computedTraits?: Record<string, unknown>;
  readonly audiences?: readonly string[];
}

/** Adds people to `analytics_people` (the person side the analytics stage keeps). */
export async function addTestPeople(
  store: AnalyticsStore,
  workspaceId: string,
  people: readonly TestPerson[],
): Promise<void> {
  const json = store.dialect === 'postgres' ? 'jsonb' : 'JSON';
  for (const person of people) {
    await store.execute(
      `INSERT INTO analytics_people (workspace_id, profile_id, traits, computed_traits, audiences, updated_at)
       VALUES ($1, $2, $3::${json}, $4::${json}, $5::${json}, $6::timestamp)`,
      [
        workspaceId,
        person.profileId,
        JSON.stringify(person.traits ?? {}),
        JSON.stringify(person.computedTraits ?? {}),
        JSON.stringify(person.audiences ?? []),
        '2026-01-01 00:00:00',
      ],
    );
  }
}
