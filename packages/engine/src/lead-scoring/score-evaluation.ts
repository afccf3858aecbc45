import type { LeadScoreContribution, LeadScoreGroup } from '@tandem/contract';
import { countHolds, type ProfileEvent, type RuleNode } from '../audiences/index.js';
import { conditionHolds, isoAt } from '../conditions/index.js';

export const DAY_MS = 86_400_000;
/** Prefix of a trait condition that reads the person's companies' fields. */
export const COMPANY_FIELD_PREFIX = 'company.';

/** A rule, its condition compiled (a trait, event or computed-trait leaf). */
export interface ScoringRule {
  readonly name: string;
  readonly group: LeadScoreGroup;
  readonly points: number;
  readonly perEvent: boolean;
  readonly decayDays: number | null;
  readonly leaf: Exclude<RuleNode, { kind: 'all' | 'any' | 'not' | 'audience' }>;
}

/** A workspace's scoring, ready to apply. */
export interface CompiledScoring {
  readonly version: number;
  readonly rules: readonly ScoringRule[];
  readonly groupCaps: { readonly fit?: number | undefined; readonly engagement?: number | undefined };
  readonly cap: number | undefined;
}

/** What the rules read of one profile. */
export interface ScoreFacts {
  readonly traits: ReadonlyMap<string, unknown>;
  /** Track events, only those named by the rules. */
  readonly events: readonly ProfileEvent[];
  /** Computed trait values by trait id. */
  readonly computed: ReadonlyMap<string, unknown>;
  /** The fields of each company the person belongs to. */
  readonly companies: readonly ReadonlyMap<string, unknown>[];
}

export interface ComputedScore {
  readonly total: number;
  readonly fit: number;
  readonly engagement: number;
  /** The rules that gave points (non-zero), in the order of the rules. */
  readonly breakdown: readonly LeadScoreContribution[];
  /** When time alone next changes the score (a decay step, an event leaving a window), or null. */
  readonly dueAt: number | null;
}

/**
 * A profile's score at `now`. Each rule gives its points when its condition holds; a `perEvent`
 * rule gives them for each matching event. With `decayDays`, an event's points fade linearly,
 * one step a day, to nothing once the event is `decayDays` old (a plain event rule ages with its
 * newest matching event). Contributions are rounded to whole points, each group's sum is held to
 * its cap, and the total (fit + engagement) to the overall cap. Negative points are not capped.
 */
export function scoreOf(scoring: CompiledScoring, facts: ScoreFacts, now: number): ComputedScore {
  const sums = { fit: 0, engagement: 0 };
  const breakdown: LeadScoreContribution[] = [];
  let dueAt: number | null = null;
  const dueBy = (at: number) => {
    if (at > now && (dueAt === null || at < dueAt)) dueAt = at;
  };
  for (const rule of scoring.rules) {
    const part = contributionOf(rule, facts, now, dueBy);
    if (part.points === 0) continue;
    sums[rule.group] += part.points;
    breakdown.push({
      rule: rule.name,
      group: rule.group,
      points: part.points,
      ...(part.events === undefined ? {} : { events: part.events }),
    });
  }
  const fit = capped(sums.fit, scoring.groupCaps.fit);
  const engagement = capped(sums.engagement, scoring.groupCaps.engagement);
  return { total: capped(fit + engagement, scoring.cap), fit, engagement, breakdown, dueAt };
}

function capped(points: number, cap: number | undefined): number {
  return cap === undefined ? points : Math.min(points, cap);
}

function contributionOf(
  rule: ScoringRule,
  facts: ScoreFacts,
  now: number,
  dueBy: (at: number) => void,
): { points: number; events?: number } {
  const { leaf } = rule;
  switch (leaf.kind) {
    case 'trait':
      if (timeRelative(leaf.condition.op)) dueBy(now + DAY_MS);
      return { points: traitHolds(leaf, facts, now) ? rule.points : 0 };
    case 'computed': {
      // Computed values also change with time alone (windows): checked again within a day.
      dueBy(now + DAY_MS);
      const value = facts.computed.has(leaf.traitId) ? facts.computed.get(leaf.traitId) : leaf.fallback;
      return { points: conditionHolds(value, leaf.condition, now) ? rule.points : 0 };
    }
    case 'event': {
      const matching = matchingEvents(leaf, facts.events, now);
      if (leaf.withinMs !== null) for (const at of matching) dueBy(at + leaf.withinMs);
      if (rule.perEvent) {
        let points = 0;
        for (const at of matching) points += rule.points * decayed(rule.decayDays, at, now, dueBy);
        return { points: Math.round(points), events: matching.length };
      }
      if (!countHolds(leaf.count, matching.length)) return { points: 0, events: matching.length };
      const newest = matching.length === 0 ? undefined : Math.max(...matching);
      const factor = newest === undefined ? 1 : decayed(rule.decayDays, newest, now, dueBy);
      return { points: Math.round(rule.points * factor), events: matching.length };
    }
    default: {
      const unknown: never = leaf;
      throw new Error(`unknown scoring condition ${JSON.stringify(unknown)}`);
    }
  }
}

/** The share of its points an event `at` still gives at `now`; notes when that next changes. */
function decayed(decayDays: number | null, at: number, now: number, dueBy: (at: number) => void): number {
  if (decayDays === null) return 1;
  const ageDays = Math.floor(Math.max(0, now - at) / DAY_MS);
  if (ageDays >= decayDays) return 0;
  dueBy(at + (ageDays + 1) * DAY_MS);
  return 1 - ageDays / decayDays;
}

/** The times (ms) of the profile's events that meet an event leaf at `now`. */
function matchingEvents(
  leaf: Extract<ScoringRule['leaf'], { kind: 'event' }>,
  events: readonly ProfileEvent[],
  now: number,
): number[] {
  const windowStart = leaf.withinMs === null ? null : isoAt(now - leaf.withinMs);
  const times: number[] = [];
  for (const e of events) {
    if (e.event !== leaf.name || (windowStart !== null && e.timestamp < windowStart)) continue;
    if (!leaf.where.every((w) => conditionHolds(e.properties[w.property], w.condition, now))) continue;
    const at = Date.parse(e.timestamp);
    if (!Number.isNaN(at)) times.push(at);
  }
  return times;
}

/** A trait condition; `company.<field>` holds when one of the person's companies meets it. */
function traitHolds(leaf: Extract<ScoringRule['leaf'], { kind: 'trait' }>, facts: ScoreFacts, now: number) {
  if (!leaf.name.startsWith(COMPANY_FIELD_PREFIX))
    return conditionHolds(facts.traits.get(leaf.name), leaf.condition, now);
  const field = leaf.name.slice(COMPANY_FIELD_PREFIX.length);
  // "Not set" means no company has the field; every other operator asks for one company meeting it.
  if (leaf.condition.op === 'not_exists')
    return facts.companies.every((company) => conditionHolds(company.get(field), leaf.condition, now));
  return facts.companies.some((company) => conditionHolds(company.get(field), leaf.condition, now));
}

function timeRelative(op: string): boolean {
  return op === 'within_last';
}
