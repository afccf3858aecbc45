import type { TicketPriority, TicketTimeline } from './ticket-timeline.js';

/** Targets of one priority, in minutes (null: not measured). */
export interface SlaTargets {
  readonly firstResponse: number | null;
  readonly nextResponse: number | null;
  readonly resolution: number | null;
}

/**
 * One condition on a ticket or its requester: `priority`, `type`, `tags` (the ticket carries the
 * tag), `teamId`, or `traits.<name>` (the requester profile's trait, e.g. `traits.plan`).
 */
export interface SlaCondition {
  readonly field: string;
  readonly op: 'is' | 'is_not' | 'in' | 'not_in' | 'exists';
  readonly value?: string | number | boolean | readonly (string | number | boolean)[] | undefined;
}

/** An SLA policy: the first enabled one (by position) whose conditions all hold applies. */
export interface SlaPolicy {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly enabled: boolean;
  readonly conditions: readonly SlaCondition[];
  /** `business`: the calendar's hours count; `calendar`: every hour counts (24/7). */
  readonly hours: 'business' | 'calendar';
  /** The business calendar (`business` hours); null = 24/7. */
  readonly calendarId: string | null;
  readonly targets: Readonly<Partial<Record<TicketPriority, SlaTargets>>>;
  /** At risk when less than this share of a target is left. */
  readonly atRiskPercent: number;
}

/** The requester's traits the conditions read (fetched before matching). */
export const traitNamesOf = (conditions: readonly SlaCondition[]) =>
  conditions.filter((c) => c.field.startsWith('traits.')).map((c) => c.field.slice('traits.'.length));

/** The values a condition field has on this ticket (a list for tags). */
function valuesOf(
  field: string,
  timeline: TicketTimeline,
  traits: Readonly<Record<string, unknown>>,
): unknown[] {
  if (field === 'priority') return [timeline.priority];
  if (field === 'type') return timeline.type === null ? [] : [timeline.type];
  if (field === 'tags') return timeline.tags;
  if (field === 'teamId') return timeline.teamId === null ? [] : [timeline.teamId];
  if (field.startsWith('traits.')) {
    const value = traits[field.slice('traits.'.length)];
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
  }
  return [];
}

/** Compared as text, so `plan = "enterprise"` and a trait stored as a number both match their spelling. */
const same = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();

export function conditionHolds(
  condition: SlaCondition,
  timeline: TicketTimeline,
  traits: Readonly<Record<string, unknown>>,
): boolean {
  const actual = valuesOf(condition.field, timeline, traits);
  const wanted = Array.isArray(condition.value) ? condition.value : [condition.value];
  const anyMatch = actual.some((value) => wanted.some((w) => same(value, w)));
  switch (condition.op) {
    case 'is':
    case 'in':
      return anyMatch;
    case 'is_not':
    case 'not_in':
      return !anyMatch;
    case 'exists':
      return actual.length > 0;
    default: {
      const never: never = condition.op;
      return never;
    }
  }
}

/** The policy that applies: the first enabled one, by position, whose every condition holds. */
export function matchPolicy(
  policies: readonly SlaPolicy[],
  timeline: TicketTimeline,
  traits: Readonly<Record<string, unknown>>,
): SlaPolicy | null {
  const ordered = [...policies].sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
  return (
    ordered.find(
      (policy) =>
        policy.enabled && policy.conditions.every((condition) => conditionHolds(condition, timeline, traits)),
    ) ?? null
  );
}

/** "priority is urgent, traits.plan in enterprise, business" for the explanation. */
export function describeConditions(conditions: readonly SlaCondition[]): string {
  if (conditions.length === 0) return 'every ticket';
  return conditions
    .map((condition) => {
      const value = Array.isArray(condition.value)
        ? condition.value.join(', ')
        : String(condition.value ?? '');
      return condition.op === 'exists'
        ? `${condition.field} is set`
        : `${condition.field} ${condition.op.replace('_', ' ')} ${value}`;
    })
    .join(', ');
}
