import { EMAIL_EVENTS, type JourneyEntry, type PropertyCondition, type StoredEvent } from '@tandem/contract';
import { type Condition, compileWhere, conditionHolds } from '../conditions/index.js';

const compiled = new WeakMap<
  readonly PropertyCondition[],
  { property: string; condition: Condition }[] | null
>();

/** Whether an event's properties meet `where` (a `where` that does not compile matches nothing). */
export function whereHolds(
  where: readonly PropertyCondition[] | undefined,
  properties: Readonly<Record<string, unknown>>,
  now: number,
): boolean {
  if (!where || where.length === 0) return true;
  let conditions = compiled.get(where);
  if (conditions === undefined) {
    const result = compileWhere(where, 'where');
    conditions = result.ok ? result.value : null;
    compiled.set(where, conditions);
  }
  if (conditions === null) return false;
  return conditions.every(({ property, condition }) =>
    conditionHolds(propertyAt(properties, property), condition, now),
  );
}

/** A property by name, or by a dotted path into nested objects (`product.sku`). */
function propertyAt(properties: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in properties) return properties[name];
  let value: unknown = properties;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part]; // walked object
  }
  return value;
}

/** Whether a track event starts a journey with this entry. */
export function entryMatches(
  entry: JourneyEntry,
  event: { name: string; properties: Readonly<Record<string, unknown>> },
  now: number,
): boolean {
  switch (entry.kind) {
    case 'event':
    case 'crm_change':
      return event.name === entry.event && whereHolds(entry.where, event.properties, now);
    case 'audience_entered':
      return event.name === 'Audience Entered' && event.properties.audienceId === entry.audienceId;
    case 'audience_exited':
      return event.name === 'Audience Exited' && event.properties.audienceId === entry.audienceId;
    case 'date_trait':
    case 'schedule':
      return false;
    default: {
      const unknown: never = entry;
      throw new Error(`unknown entry ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * An open or click the engagement helper flagged as a machine's (a mail proxy, a link scanner):
 * never the person's action, so it starts, resumes, converts or ends no run.
 */
export function isMachineEngagement(event: StoredEvent): boolean {
  if (event.event !== EMAIL_EVENTS.opened && event.event !== EMAIL_EVENTS.clicked) return false;
  const properties = event.payload.properties;
  return (
    typeof properties === 'object' &&
    properties !== null &&
    'machine' in properties &&
    properties.machine === true
  );
}
