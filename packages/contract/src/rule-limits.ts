/** Deepest nesting of `all` / `any` / `not` groups in an audience rule (a lone leaf is 0 deep). */
export const MAX_RULE_DEPTH = 10;
/** Most conditions of an audience rule: each leaf, and each `where` condition of an event leaf, counts one. */
export const MAX_RULE_CONDITIONS = 200;
/** Most values of an `in` / `not_in` list. */
export const MAX_CONDITION_VALUES = 1000;
/** Most property conditions (`where`) of an event leaf or a computed trait. */
export const MAX_WHERE_CONDITIONS = 20;

// A JSON body of the admin API's size holds far fewer nodes; the bound only stops a cycle that a
// caller other than HTTP could pass.
const MAX_NODES_WALKED = 1_000_000;

/**
 * Why a rule is over the depth or condition limit, or undefined. Walks any value without
 * recursion, so a rule nested thousands deep is measured, not overflowing the stack; what is
 * not shaped like a rule is left to the schema to explain.
 */
export function ruleLimitProblem(rule: unknown): string | undefined {
  let deepest = 0;
  let conditions = 0;
  let walked = 0;
  const nodes: unknown[] = [rule];
  const depths: number[] = [0];
  while (nodes.length > 0 && walked < MAX_NODES_WALKED) {
    walked += 1;
    const node = nodes.pop();
    const depth = depths.pop() ?? 0;
    if (typeof node !== 'object' || node === null) continue;
    const group = node as Record<string, unknown>; // checked just above: an object
    const children = Array.isArray(group.all)
      ? group.all
      : Array.isArray(group.any)
        ? group.any
        : 'not' in group
          ? [group.not]
          : undefined;
    if (children === undefined) {
      conditions += 1 + (Array.isArray(group.where) ? group.where.length : 0);
      continue;
    }
    if (depth + 1 > deepest) deepest = depth + 1;
    for (const child of children) {
      nodes.push(child);
      depths.push(depth + 1);
    }
  }
  const atLeast = nodes.length > 0 ? 'more than ' : '';
  if (deepest > MAX_RULE_DEPTH) {
    return `rule is nested ${atLeast}${count(deepest)} deep; the limit is ${MAX_RULE_DEPTH}`;
  }
  if (conditions > MAX_RULE_CONDITIONS) {
    return `rule holds ${atLeast}${count(conditions)} conditions (a leaf and each of its where conditions count one); the limit is ${MAX_RULE_CONDITIONS}`;
  }
  return undefined;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
