import type { PlannedEvent, StoredEvent, TrackingPlanInput } from '@tandem/contract';
import { valueTypeOf } from '../catalog/index.js';

/** The names and types seen in one member object (properties or traits) across calls. */
class SeenMembers {
  private calls = 0;
  private readonly types = new Map<string, Set<string>>();
  private readonly presence = new Map<string, number>();

  add(members: unknown): void {
    this.calls++;
    if (typeof members !== 'object' || members === null || Array.isArray(members)) return;
    for (const [name, value] of Object.entries(members)) {
      this.presence.set(name, (this.presence.get(name) ?? 0) + 1);
      const types = this.types.get(name) ?? new Set<string>();
      this.types.set(name, types);
      types.add(jsonSchemaTypeOf(value));
    }
  }

  /** An object schema: every name seen, typed as seen; required when every call had it. */
  schema(): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const [name, types] of [...this.types].sort(([a], [b]) => a.localeCompare(b))) {
      properties[name] = propertySchemaOf(types);
      if (this.presence.get(name) === this.calls) required.push(name);
    }
    return { type: 'object', properties, required };
  }
}

/** A JSON Schema type of a value; dates are strings with format date-time. */
function jsonSchemaTypeOf(value: unknown): string {
  const type = valueTypeOf(value);
  if (type === undefined) return 'null';
  return type === 'date' ? 'date-time' : type;
}

function propertySchemaOf(types: ReadonlySet<string>): Record<string, unknown> {
  const dated = types.has('date-time');
  const named = [...types].map((type) => (type === 'date-time' ? 'string' : type));
  const distinct = [...new Set(named)].sort();
  // A date-time format only while every non-null value was one.
  const onlyDates = dated && distinct.filter((type) => type !== 'null').length === 1 && !types.has('string');
  const type = distinct.length === 1 ? distinct[0] : distinct;
  return onlyDates ? { type, format: 'date-time' } : { type };
}

/**
 * A plan proposed from a source's latest calls: each track event seen with the properties it
 * carried (typed as seen, required when always present), identify traits the same way. Report
 * mode: a draft watches before it blocks.
 */
export function draftPlanFrom(calls: readonly StoredEvent[]): TrackingPlanInput {
  const events = new Map<string, SeenMembers>();
  const traits = new SeenMembers();
  let identified = false;
  for (const call of calls) {
    if (call.type === 'track' && call.event) {
      const seen = events.get(call.event) ?? new SeenMembers();
      events.set(call.event, seen);
      seen.add(call.payload.properties ?? {});
    } else if (call.type === 'identify') {
      identified = true;
      traits.add(call.payload.traits ?? {});
    }
  }
  const planned: PlannedEvent[] = [...events]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, seen]) => ({ name, schema: seen.schema() }));
  return {
    mode: 'report',
    forwardViolations: false,
    events: planned,
    identify: identified ? { schema: traits.schema() } : null,
  };
}
