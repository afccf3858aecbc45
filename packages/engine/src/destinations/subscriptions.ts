import {
  AUDIENCE_ENTERED_EVENT,
  AUDIENCE_EXITED_EVENT,
  type ErrorDetail,
  type StoredEvent,
  type Subscription,
} from '@tandem/contract';
import { type Condition, compileWhere, conditionHolds } from '../conditions/index.js';
import type { Result } from '../errors/index.js';
import { compileMapping } from './mapping.js';

// Which deliveries an event of the log causes: subscriptions compiled once per destination
// version, matched in memory against each event.

export type CompiledSubscription =
  | {
      readonly kind: 'event';
      readonly index: number;
      readonly type: string | undefined;
      readonly event: string | undefined;
      readonly where: readonly { property: string; condition: Condition }[];
      readonly mapping: string | undefined;
    }
  | {
      readonly kind: 'audience';
      readonly index: number;
      readonly audienceId: string;
      readonly entered: boolean;
      readonly exited: boolean;
      readonly mapping: string | undefined;
    }
  | {
      readonly kind: 'trait';
      readonly index: number;
      readonly traits: ReadonlySet<string> | undefined;
      readonly mapping: string | undefined;
    };

/** Validates and compiles subscriptions; problems name `subscriptions.<i>.<field>`. */
export function compileSubscriptions(
  subscriptions: readonly Subscription[],
): Result<CompiledSubscription[], ErrorDetail[]> {
  const issues: ErrorDetail[] = [];
  const compiled = subscriptions.map((s, index): CompiledSubscription | undefined => {
    const path = `subscriptions.${index}`;
    if (s.mapping !== undefined) {
      const mapping = compileMapping(s.mapping);
      if (!mapping.ok) issues.push({ path: `${path}.mapping`, message: mapping.error });
    }
    if (s.kind === 'event') {
      const where = compileWhere(s.filter.where ?? [], `${path}.filter.where`);
      if (!where.ok) {
        issues.push(...where.error);
        return undefined;
      }
      return {
        kind: 'event',
        index,
        type: s.filter.type,
        event: s.filter.event,
        where: where.value,
        mapping: s.mapping,
      };
    }
    if (s.kind === 'audience') {
      return {
        kind: 'audience',
        index,
        audienceId: s.audienceId,
        entered: s.on.includes('entered'),
        exited: s.on.includes('exited'),
        mapping: s.mapping,
      };
    }
    return { kind: 'trait', index, traits: s.traits ? new Set(s.traits) : undefined, mapping: s.mapping };
  });
  if (issues.length > 0) return { ok: false, error: issues };
  return { ok: true, value: compiled.filter((c) => c !== undefined) };
}

/** The properties a `where` reads: a track's or page's properties, an identify's traits. */
export function fieldsOf(event: StoredEvent): Record<string, unknown> {
  const payload = event.payload;
  const fields = payload.properties ?? payload.traits;
  return typeof fields === 'object' && fields !== null && !Array.isArray(fields)
    ? (fields as Record<string, unknown>)
    : {};
}

/** Whether an event subscription takes this event. Tandem's own audience events are not events here. */
export function eventMatches(
  s: Extract<CompiledSubscription, { kind: 'event' }>,
  event: StoredEvent,
  now: number,
): boolean {
  if (s.type !== undefined && event.type !== s.type) return false;
  if (s.event !== undefined && event.event !== s.event) return false;
  if (s.where.length > 0) {
    const fields = fieldsOf(event);
    for (const { property, condition } of s.where) {
      if (!conditionHolds(fields[property], condition, now)) return false;
    }
  }
  return true;
}

/** An `Audience Entered` / `Audience Exited` event of the log, read back. */
export interface AudienceTransition {
  readonly audienceId: string;
  readonly audienceName: string;
  readonly entered: boolean;
}

export function audienceTransitionOf(event: StoredEvent): AudienceTransition | undefined {
  if (event.type !== 'track') return undefined;
  if (event.event !== AUDIENCE_ENTERED_EVENT && event.event !== AUDIENCE_EXITED_EVENT) return undefined;
  const properties = fieldsOf(event);
  if (typeof properties.audienceId !== 'string') return undefined;
  return {
    audienceId: properties.audienceId,
    audienceName: typeof properties.audienceName === 'string' ? properties.audienceName : '',
    entered: event.event === AUDIENCE_ENTERED_EVENT,
  };
}
