import type { CountCondition } from '@tandem/contract';
import { conditionHolds, isoAt } from '../conditions/index.js';
import type { RuleNode } from './compiled-rule.js';

/** One event of a profile, as event conditions see it. */
export interface ProfileEvent {
  readonly event: string;
  readonly timestamp: string;
  readonly properties: Record<string, unknown>;
}

/** What the in-memory evaluator knows of one profile. */
export interface ProfileFacts {
  readonly profileId: string;
  readonly traits: ReadonlyMap<string, unknown>;
  /** Track events, only those named by the rules evaluated. */
  readonly events: readonly ProfileEvent[];
  /** Computed trait values by trait id. */
  readonly computed: ReadonlyMap<string, unknown>;
  /** Audiences the profile is in now. */
  readonly audiences: ReadonlySet<string>;
}

/** Whether a profile meets a rule at `now`: the in-memory twin of rule-sql.ts. */
export function ruleHolds(node: RuleNode, facts: ProfileFacts, now: number): boolean {
  switch (node.kind) {
    case 'all':
      return node.children.every((child) => ruleHolds(child, facts, now));
    case 'any':
      return node.children.some((child) => ruleHolds(child, facts, now));
    case 'not':
      return !ruleHolds(node.child, facts, now);
    case 'trait':
      return conditionHolds(facts.traits.get(node.name), node.condition, now);
    case 'computed':
      return conditionHolds(
        facts.computed.has(node.traitId) ? facts.computed.get(node.traitId) : node.fallback,
        node.condition,
        now,
      );
    case 'audience':
      return facts.audiences.has(node.audienceId);
    case 'event':
      return countHolds(node.count, matchingEvents(node, facts, now).length);
    default: {
      const unknown: never = node;
      throw new Error(`unknown rule node ${JSON.stringify(unknown)}`);
    }
  }
}

function matchingEvents(node: Extract<RuleNode, { kind: 'event' }>, facts: ProfileFacts, now: number) {
  const windowStart = node.withinMs === null ? null : isoAt(now - node.withinMs);
  return facts.events.filter(
    (e) =>
      e.event === node.name &&
      (windowStart === null || e.timestamp >= windowStart) &&
      node.where.every((w) => conditionHolds(e.properties[w.property], w.condition, now)),
  );
}

export function countHolds(count: CountCondition, n: number): boolean {
  switch (count.op) {
    case 'eq':
      return n === count.value;
    case 'neq':
      return n !== count.value;
    case 'gt':
      return n > count.value;
    case 'gte':
      return n >= count.value;
    case 'lt':
      return n < count.value;
    case 'lte':
      return n <= count.value;
    default: {
      const unknown: never = count.op;
      throw new Error(`unknown count operator ${String(unknown)}`);
    }
  }
}
