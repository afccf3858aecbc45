import { type AudienceRule, type CountCondition, type ErrorDetail, ruleLimitProblem } from '@tandem/contract';
import { type Condition, compileCondition, durationMs } from '../conditions/index.js';
import type { Result } from '../errors/index.js';

/** A validated rule, ready for either evaluator. */
export type RuleNode =
  | { readonly kind: 'all' | 'any'; readonly children: readonly RuleNode[] }
  | { readonly kind: 'not'; readonly child: RuleNode }
  | { readonly kind: 'trait'; readonly name: string; readonly condition: Condition }
  | {
      readonly kind: 'event';
      readonly name: string;
      readonly where: readonly { readonly property: string; readonly condition: Condition }[];
      readonly count: CountCondition;
      readonly withinMs: number | null;
    }
  | {
      readonly kind: 'computed';
      readonly traitId: string;
      readonly name: string;
      /** The value of a profile without state (0 for counters, absent otherwise). */
      readonly fallback: unknown;
      readonly condition: Condition;
    }
  | { readonly kind: 'audience'; readonly audienceId: string };

/** What a rule may reference. */
export interface RuleScope {
  readonly computedTraits: ReadonlyMap<string, { readonly id: string; readonly fallback: unknown }>;
  /** Audience ids of the workspace, each with the ids its own rule references. */
  readonly audiences: ReadonlyMap<string, readonly string[]>;
  /** The audience being defined, to refuse cycles. */
  readonly self?: string | undefined;
}

type Issues = ErrorDetail[];

/** Validates a rule against the workspace (references, operand types, cycles). */
export function compileRule(rule: AudienceRule, scope: RuleScope, path = 'rule'): Result<RuleNode, Issues> {
  // The schema refuses these too; a caller other than HTTP must not reach the recursion below.
  const tooLarge = ruleLimitProblem(rule);
  if (tooLarge !== undefined) return { ok: false, error: [{ path, message: tooLarge }] };
  const issues: Issues = [];
  const node = compileNode(rule, scope, path, issues);
  return issues.length === 0 && node ? { ok: true, value: node } : { ok: false, error: issues };
}

function compileNode(
  rule: AudienceRule,
  scope: RuleScope,
  path: string,
  issues: Issues,
): RuleNode | undefined {
  if ('all' in rule || 'any' in rule) {
    const kind = 'all' in rule ? 'all' : 'any';
    const list = 'all' in rule ? rule.all : rule.any;
    const children = list.map((child, i) => compileNode(child, scope, `${path}.${kind}.${i}`, issues));
    return { kind, children: children.filter((c) => c !== undefined) };
  }
  if ('not' in rule) {
    const child = compileNode(rule.not, scope, `${path}.not`, issues);
    return child && { kind: 'not', child };
  }
  if ('trait' in rule) {
    const condition = compileCondition(rule.op, rule.value, `${path}`, issues);
    return condition && { kind: 'trait', name: rule.trait, condition };
  }
  if ('computedTrait' in rule) {
    const trait = scope.computedTraits.get(rule.computedTrait);
    if (!trait)
      issues.push({ path: `${path}.computedTrait`, message: `no computed trait "${rule.computedTrait}"` });
    const condition = compileCondition(rule.op, rule.value, path, issues);
    return trait && condition
      ? { kind: 'computed', traitId: trait.id, name: rule.computedTrait, fallback: trait.fallback, condition }
      : undefined;
  }
  if ('audience' in rule) {
    if (!scope.audiences.has(rule.audience)) {
      issues.push({ path: `${path}.audience`, message: `no audience ${rule.audience}` });
    } else if (scope.self !== undefined && reaches(rule.audience, scope.self, scope.audiences)) {
      issues.push({
        path: `${path}.audience`,
        message: `audience ${rule.audience} refers back to this audience`,
      });
    }
    return { kind: 'audience', audienceId: rule.audience };
  }
  const where = (rule.where ?? []).map((w, i) => {
    const condition = compileCondition(w.op, w.value, `${path}.where.${i}`, issues);
    return condition && { property: w.property, condition };
  });
  return {
    kind: 'event',
    name: rule.event,
    where: where.filter((w) => w !== undefined),
    count: rule.count ?? { op: 'gte', value: 1 },
    withinMs: rule.within === undefined ? null : durationMs(rule.within),
  };
}

/** Whether `from` (or an audience it references, transitively) is `target`. */
function reaches(from: string, target: string, graph: ReadonlyMap<string, readonly string[]>): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string; // non-empty: checked by the loop
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(graph.get(id) ?? []));
  }
  return false;
}

/** Audience ids a rule references (for the dependency graph). */
export function referencedAudiences(rule: AudienceRule): string[] {
  if ('all' in rule) return rule.all.flatMap(referencedAudiences);
  if ('any' in rule) return rule.any.flatMap(referencedAudiences);
  if ('not' in rule) return referencedAudiences(rule.not);
  return 'audience' in rule ? [rule.audience] : [];
}

/** Computed trait names a rule references (only those need loading to compile it). */
export function referencedComputedTraits(rule: AudienceRule): string[] {
  if ('all' in rule) return rule.all.flatMap(referencedComputedTraits);
  if ('any' in rule) return rule.any.flatMap(referencedComputedTraits);
  if ('not' in rule) return referencedComputedTraits(rule.not);
  return 'computedTrait' in rule ? [rule.computedTrait] : [];
}

type StoredRule = { readonly id: string; readonly rule: AudienceRule };

/**
 * Ids of the audiences whose rules read a computed trait, directly or through an audience that
 * does: those whose members an edit of the trait may change.
 */
export function audiencesReadingComputedTrait(
  audiences: readonly StoredRule[],
  traitName: string,
): Set<string> {
  return withReaders(
    audiences,
    audiences.filter((a) => referencedComputedTraits(a.rule).includes(traitName)).map((a) => a.id),
  );
}

/** Ids of the audiences whose rules read an audience, directly or through another: an edit of it may change theirs. */
export function audiencesReadingAudience(audiences: readonly StoredRule[], audienceId: string): Set<string> {
  const readers = withReaders(audiences, [audienceId]);
  readers.delete(audienceId);
  return readers;
}

/** `ids` and every audience that reads one of them, directly or not. */
function withReaders(audiences: readonly StoredRule[], ids: readonly string[]): Set<string> {
  const reading = new Set(ids);
  // Each pass adds the audiences that reference one found; none added, all are found.
  for (let grew = reading.size > 0; grew; ) {
    grew = false;
    for (const audience of audiences) {
      if (reading.has(audience.id)) continue;
      if (!referencedAudiences(audience.rule).some((id) => reading.has(id))) continue;
      reading.add(audience.id);
      grew = true;
    }
  }
  return reading;
}
