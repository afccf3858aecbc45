import type {
  AudienceRule,
  ConditionOp,
  CountCondition,
  ErrorDetail,
  PropertyCondition,
} from '@tandem/contract';
import { type ValueState, valueForRule, valueFromRule } from './rule-values';

// The audience builder's state: the rule tree as the editor shows it (every node with an id,
// values as typed), and the conversions both ways. Pure, so every leaf kind and operator can
// be proven to round trip without a browser.

export type Combinator = 'all' | 'any' | 'none';
export type CountOp = CountCondition['op'];

export type WhereRow = { id: string; property: string; op: ConditionOp; value: ValueState };
export type GroupNode = { id: string; kind: 'group'; combinator: Combinator; children: RuleNode[] };
export type TraitNode = { id: string; kind: 'trait'; trait: string; op: ConditionOp; value: ValueState };
export type EventNode = {
  id: string;
  kind: 'event';
  event: string;
  where: WhereRow[];
  /** Absent: at least once. `eq 0`: did not perform. */
  count: { op: CountOp; text: string } | undefined;
  /** A duration like `30d`; absent: all time. */
  within: string | undefined;
};
export type ComputedTraitNode = {
  id: string;
  kind: 'computedTrait';
  computedTrait: string;
  op: ConditionOp;
  value: ValueState;
};
export type AudienceNode = { id: string; kind: 'audience'; audienceId: string };
export type LeafNode = TraitNode | EventNode | ComputedTraitNode | AudienceNode;
export type RuleNode = GroupNode | LeafNode;

/** Something to fix before the rule can be saved, on a node (or a where row) and one of its fields. */
export type RuleProblem = { nodeId: string; field: string; message: string };

let lastId = 0;
export const newNodeId = () => `n${++lastId}`;

export function newGroup(combinator: Combinator = 'all', children: RuleNode[] = []): GroupNode {
  return { id: newNodeId(), kind: 'group', combinator, children };
}

export function newLeaf(kind: LeafNode['kind']): LeafNode {
  const id = newNodeId();
  switch (kind) {
    case 'trait':
      return { id, kind, trait: '', op: 'eq', value: { type: 'string', text: '', list: [] } };
    case 'event':
      return { id, kind, event: '', where: [], count: undefined, within: undefined };
    case 'computedTrait':
      return { id, kind, computedTrait: '', op: 'gte', value: { type: 'number', text: '', list: [] } };
    case 'audience':
      return { id, kind, audienceId: '' };
  }
}

export function newWhereRow(): WhereRow {
  return { id: newNodeId(), property: '', op: 'eq', value: { type: 'string', text: '', list: [] } };
}

/** The editor's tree of a stored rule; the root is always a group (a lone leaf gets an "all" group). */
export function fromRule(rule: AudienceRule): GroupNode {
  const node = nodeFromRule(rule);
  return node.kind === 'group' ? node : newGroup('all', [node]);
}

function nodeFromRule(rule: AudienceRule): RuleNode {
  if ('all' in rule) return newGroup('all', rule.all.map(nodeFromRule));
  if ('any' in rule) return newGroup('any', rule.any.map(nodeFromRule));
  if ('not' in rule) {
    // "None of" a list reads {not: {any: [...]}}; any other negated rule is the group's one child.
    const inner = rule.not;
    if ('any' in inner && inner.any.length > 1) return newGroup('none', inner.any.map(nodeFromRule));
    return newGroup('none', [nodeFromRule(inner)]);
  }
  const id = newNodeId();
  if ('trait' in rule)
    return { id, kind: 'trait', trait: rule.trait, op: rule.op, value: valueFromRule(rule.op, rule.value) };
  if ('computedTrait' in rule) {
    return {
      id,
      kind: 'computedTrait',
      computedTrait: rule.computedTrait,
      op: rule.op,
      value: valueFromRule(rule.op, rule.value),
    };
  }
  if ('audience' in rule) return { id, kind: 'audience', audienceId: rule.audience };
  return {
    id,
    kind: 'event',
    event: rule.event,
    where: (rule.where ?? []).map(whereRowFromRule),
    count: rule.count ? { op: rule.count.op, text: String(rule.count.value) } : undefined,
    within: rule.within,
  };
}

export function whereRowFromRule(condition: PropertyCondition): WhereRow {
  return {
    id: newNodeId(),
    property: condition.property,
    op: condition.op,
    value: valueFromRule(condition.op, condition.value),
  };
}

/** The rule of the editor's tree, or what to fix; `paths` names each node's place for the server's errors. */
export type BuiltRule = {
  rule: AudienceRule | undefined;
  problems: RuleProblem[];
  /** Rule path (`rule.all.0.where.1`) → node or where-row id. */
  paths: Map<string, string>;
};

export function toRule(root: GroupNode): BuiltRule {
  const problems: RuleProblem[] = [];
  const paths = new Map<string, string>();
  const rule = nodeToRule(root, 'rule', { problems, paths });
  return { rule: problems.length === 0 ? rule : undefined, problems, paths };
}

type Sink = { problems: RuleProblem[]; paths: Map<string, string> };

function nodeToRule(node: RuleNode, path: string, sink: Sink): AudienceRule {
  sink.paths.set(path, node.id);
  const problem = (field: string, message: string, nodeId = node.id) =>
    sink.problems.push({ nodeId, field, message });
  switch (node.kind) {
    case 'group': {
      if (node.children.length === 0) problem('children', 'Add a condition to this group.');
      if (node.combinator === 'none') {
        if (node.children.length === 1 && node.children[0]) {
          return { not: nodeToRule(node.children[0], `${path}.not`, sink) };
        }
        return { not: { any: node.children.map((c, i) => nodeToRule(c, `${path}.not.any.${i}`, sink)) } };
      }
      const children = node.children.map((c, i) => nodeToRule(c, `${path}.${node.combinator}.${i}`, sink));
      return node.combinator === 'all' ? { all: children } : { any: children };
    }
    case 'trait': {
      if (node.trait.trim() === '') problem('trait', 'Pick a trait.');
      const value = valueForRule(node.op, node.value);
      if (!value.ok) problem('value', value.problem);
      return withValue({ trait: node.trait, op: node.op }, value);
    }
    case 'computedTrait': {
      if (node.computedTrait === '') problem('computedTrait', 'Pick a computed trait.');
      const value = valueForRule(node.op, node.value);
      if (!value.ok) problem('value', value.problem);
      return withValue({ computedTrait: node.computedTrait, op: node.op }, value);
    }
    case 'audience':
      if (node.audienceId === '') problem('audience', 'Pick an audience.');
      return { audience: node.audienceId };
    case 'event': {
      if (node.event.trim() === '') problem('event', 'Pick an event.');
      const rule: AudienceRule = { event: node.event };
      if (node.where.length > 0) {
        rule.where = node.where.map((row, i) => {
          sink.paths.set(`${path}.where.${i}`, row.id);
          return whereToRule(row, sink.problems);
        });
      }
      if (node.count) {
        const value = Number(node.count.text);
        if (node.count.text.trim() === '' || !Number.isInteger(value) || value < 0) {
          problem('count', 'Enter how many times, a whole number.');
        }
        rule.count = { op: node.count.op, value };
      }
      if (node.within !== undefined) {
        if (!/^[1-9][0-9]{0,5}[mhd]$/.test(node.within)) problem('within', 'Enter a window, like 30 days.');
        rule.within = node.within;
      }
      return rule;
    }
  }
}

/** A where row as a property condition; its problems name the row. */
export function whereToRule(row: WhereRow, problems: RuleProblem[]): PropertyCondition {
  if (row.property.trim() === '')
    problems.push({ nodeId: row.id, field: 'property', message: 'Pick a property.' });
  const value = valueForRule(row.op, row.value);
  if (!value.ok) problems.push({ nodeId: row.id, field: 'value', message: value.problem });
  return withValue({ property: row.property, op: row.op }, value);
}

function withValue<T extends object>(
  leaf: T,
  value: ReturnType<typeof valueForRule>,
): T & { value?: NonNullable<PropertyCondition['value']> } {
  return value.ok && value.value !== undefined ? { ...leaf, value: value.value } : leaf;
}

/**
 * The server's errors on a rule (`rule.all.0.value`, `body.rule.any.1.where.0.value`) as
 * problems of the editor's nodes: each on the deepest node its path reaches.
 */
export function problemsFromServer(
  details: readonly ErrorDetail[],
  paths: ReadonlyMap<string, string>,
): RuleProblem[] {
  return details.flatMap((detail) => {
    const path = detail.path.replace(/^body\./, '');
    let best: string | undefined;
    for (const known of paths.keys()) {
      if ((path === known || path.startsWith(`${known}.`)) && (!best || known.length > best.length))
        best = known;
    }
    if (best === undefined) return [];
    const nodeId = paths.get(best) ?? '';
    const field = path.slice(best.length + 1).split('.')[0] || 'value';
    return [{ nodeId, field, message: sentence(detail.message) }];
  });
}

/** A message as a sentence: capital first letter, a full stop. */
export function sentence(message: string): string {
  const text = message.trim();
  if (text === '') return text;
  const capital = text[0]?.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The tree with the node `id` replaced by what `change` makes of it. */
export function updateNode(root: GroupNode, id: string, change: (node: RuleNode) => RuleNode): GroupNode {
  const visit = (node: RuleNode): RuleNode => {
    if (node.id === id) return change(node);
    if (node.kind !== 'group') return node;
    return { ...node, children: node.children.map(visit) };
  };
  const next = visit(root);
  return next.kind === 'group' ? next : root;
}

/** The tree without the node `id` (the root stays). */
export function removeNode(root: GroupNode, id: string): GroupNode {
  const visit = (group: GroupNode): GroupNode => ({
    ...group,
    children: group.children
      .filter((child) => child.id !== id)
      .map((child) => (child.kind === 'group' ? visit(child) : child)),
  });
  return visit(root);
}

/** The tree with `child` appended to the group `groupId`. */
export function addChild(root: GroupNode, groupId: string, child: RuleNode): GroupNode {
  return updateNode(root, groupId, (node) =>
    node.kind === 'group' ? { ...node, children: [...node.children, child] } : node,
  );
}

/** Counts the conditions (leaves) of a tree. */
export function leafCount(node: RuleNode): number {
  return node.kind === 'group' ? node.children.reduce((n, child) => n + leafCount(child), 0) : 1;
}
