import { type AudienceRule, CONDITION_OPS, type ConditionOp, type ConditionValue } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import {
  addChild,
  fromRule,
  type GroupNode,
  newGroup,
  newLeaf,
  problemsFromServer,
  removeNode,
  toRule,
  updateNode,
} from './rule-model';

/** A value each operator accepts, of each type it reads. */
function valuesFor(op: ConditionOp): (ConditionValue | undefined)[] {
  switch (op) {
    case 'exists':
    case 'not_exists':
      return [undefined];
    case 'eq':
    case 'neq':
      return ['pro', '12', 12, 0.5, true, false];
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return [50, -1.5];
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      return ['@example.com'];
    case 'in':
    case 'not_in':
      return [['pro', 'team'], [1, 2, 3], [true]];
    case 'before':
    case 'after':
      return ['2026-01-31', '2026-01-31T10:00:00.000Z'];
    case 'within_last':
      return ['7d', '12h', '90m'];
  }
}

function roundTrip(rule: AudienceRule): AudienceRule | undefined {
  const built = toRule(fromRule(rule));
  expect(built.problems).toEqual([]);
  return built.rule;
}

const withValue = (value: ConditionValue | undefined) => (value === undefined ? {} : { value });

describe('the rule editor model', () => {
  it('round trips a trait and a computed trait leaf with every operator and value type', () => {
    let cases = 0;
    for (const op of CONDITION_OPS) {
      for (const value of valuesFor(op)) {
        const trait: AudienceRule = { all: [{ trait: 'plan', op, ...withValue(value) }] };
        const computed: AudienceRule = { any: [{ computedTrait: 'orders_30d', op, ...withValue(value) }] };
        expect(roundTrip(trait), `${op} ${JSON.stringify(value)}`).toEqual(trait);
        expect(roundTrip(computed), `${op} ${JSON.stringify(value)}`).toEqual(computed);
        cases += 1;
      }
    }
    expect(cases).toBeGreaterThan(30);
  });

  it('round trips event leaves: where conditions of every operator, counts, windows, and "did not perform"', () => {
    for (const op of CONDITION_OPS) {
      const rule: AudienceRule = {
        all: [
          {
            event: 'Order Completed',
            where: valuesFor(op).map((value) => ({ property: 'total', op, ...withValue(value) })),
            count: { op: 'gte', value: 2 },
            within: '30d',
          },
        ],
      };
      expect(roundTrip(rule)).toEqual(rule);
    }
    for (const count of [undefined, { op: 'eq', value: 0 }, { op: 'lt', value: 3 }] as const) {
      const rule: AudienceRule = { all: [{ event: 'Signed Up', ...(count ? { count } : {}) }] };
      expect(roundTrip(rule)).toEqual(rule);
    }
  });

  it('round trips nested all / any / not groups and audience references', () => {
    const rules: AudienceRule[] = [
      {
        all: [
          { trait: 'plan', op: 'eq', value: 'pro' },
          {
            any: [
              { audience: 'aud_1' },
              { not: { event: 'Churned', within: '90d' } },
              {
                not: {
                  any: [
                    { trait: 'a', op: 'exists' },
                    { trait: 'b', op: 'exists' },
                  ],
                },
              },
              {
                not: {
                  all: [
                    { trait: 'c', op: 'exists' },
                    { trait: 'd', op: 'exists' },
                  ],
                },
              },
              { not: { any: [{ trait: 'e', op: 'exists' }] } },
            ],
          },
        ],
      },
      { any: [{ not: { not: { audience: 'aud_2' } } }] },
    ];
    for (const rule of rules) expect(roundTrip(rule)).toEqual(rule);
  });

  it('puts a lone leaf at the root in an "all" group', () => {
    const tree = fromRule({ trait: 'plan', op: 'exists' });
    expect(tree).toMatchObject({
      kind: 'group',
      combinator: 'all',
      children: [{ kind: 'trait', trait: 'plan' }],
    });
    expect(toRule(tree).rule).toEqual({ all: [{ trait: 'plan', op: 'exists' }] });
  });

  it('names what is missing, per node and field, instead of building a rule', () => {
    const trait = newLeaf('trait');
    const event = newLeaf('event');
    const emptyGroup = newGroup('any');
    const root = newGroup('all', [trait, event, emptyGroup]);
    const built = toRule(root);
    expect(built.rule).toBeUndefined();
    expect(built.problems).toEqual([
      { nodeId: trait.id, field: 'trait', message: 'Pick a trait.' },
      { nodeId: trait.id, field: 'value', message: 'Enter a value.' },
      { nodeId: event.id, field: 'event', message: 'Pick an event.' },
      { nodeId: emptyGroup.id, field: 'children', message: 'Add a condition to this group.' },
    ]);
    const numeric = fromRule({ all: [{ trait: 'seats', op: 'gt', value: 3 }] });
    const typed = updateNode(numeric, numeric.children[0]?.id ?? '', (node) =>
      node.kind === 'trait' ? { ...node, value: { ...node.value, text: 'three' } } : node,
    );
    expect(toRule(typed).problems).toEqual([
      expect.objectContaining({ field: 'value', message: 'Enter a number.' }),
    ]);
  });

  it('places the server’s errors on the node and field their path names', () => {
    const tree = fromRule({
      all: [
        { trait: 'plan', op: 'eq', value: 'pro' },
        {
          any: [
            { computedTrait: 'gone', op: 'gt', value: 1 },
            { event: 'E', where: [{ property: 'p', op: 'before', value: 'x' }] },
          ],
        },
      ],
    });
    const { paths } = toRule(tree);
    const group = tree.children[1] as GroupNode;
    const [computed, event] = group.children;
    const whereId = event?.kind === 'event' ? event.where[0]?.id : undefined;
    expect(
      problemsFromServer(
        [
          { path: 'rule.all.1.any.0.computedTrait', message: 'no computed trait "gone"' },
          { path: 'body.rule.all.1.any.1.where.0.value', message: 'before needs an ISO 8601 date' },
          { path: 'elsewhere', message: 'ignored' },
        ],
        paths,
      ),
    ).toEqual([
      { nodeId: computed?.id, field: 'computedTrait', message: 'No computed trait "gone".' },
      { nodeId: whereId, field: 'value', message: 'Before needs an ISO 8601 date.' },
    ]);
  });

  it('adds, changes and removes nodes without touching the others', () => {
    const root = newGroup('all');
    const inner = newGroup('any');
    const leaf = newLeaf('audience');
    const withInner = addChild(root, root.id, inner);
    const withLeaf = addChild(withInner, inner.id, leaf);
    const picked = updateNode(withLeaf, leaf.id, (node) => ({ ...node, audienceId: 'aud_9' }) as typeof node);
    expect(toRule(picked).rule).toEqual({ all: [{ any: [{ audience: 'aud_9' }] }] });
    expect(withLeaf.children[0]).toMatchObject({ children: [{ audienceId: '' }] });
    expect(removeNode(picked, inner.id).children).toEqual([]);
  });
});
