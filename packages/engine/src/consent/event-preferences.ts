import type { StoredEvent } from '@tandem/contract';

/**
 * The consent an event carries, per Segment's consent spec: `context.consent.categoryPreferences`,
 * category → granted. Values that are not booleans say nothing and are left out; undefined when
 * the event carries no consent information at all.
 */
export function preferencesOf(event: StoredEvent): [string, boolean][] | undefined {
  const preferences = member(member(member(event.payload, 'context'), 'consent'), 'categoryPreferences');
  if (preferences === undefined) return undefined;
  const decided = Object.entries(preferences).filter(
    (entry): entry is [string, boolean] => typeof entry[1] === 'boolean' && entry[0].length <= 200,
  );
  return decided.length > 0 ? decided : undefined;
}

/** What an event's context proves of where a decision came from: the person's IP and browser. */
export function proofOf(event: StoredEvent): { ip: string | undefined; userAgent: string | undefined } {
  const context = member(event.payload, 'context');
  const text = (value: unknown) => (typeof value === 'string' && value.length <= 1000 ? value : undefined);
  return { ip: text(context?.ip), userAgent: text(context?.userAgent) };
}

function member(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  // A parsed JSON object.
  const inner = (value as Record<string, unknown>)[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner)
    ? (inner as Record<string, unknown>)
    : undefined;
}

/** Event timestamps as stored are ISO 8601; normalized to UTC with milliseconds for comparisons. */
export function decisionTime(timestamp: string): string {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString();
}
