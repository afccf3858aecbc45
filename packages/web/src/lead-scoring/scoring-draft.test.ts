import type { LeadScoringSettings } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import { draftsFrom, newRuleDraft, problemsOfServer, toSettings } from './scoring-draft';

const SETTINGS: LeadScoringSettings = {
  rules: [
    { name: 'Pro', group: 'fit', condition: { trait: 'plan', op: 'eq', value: 'pro' }, points: 30 },
    {
      name: 'SaaS',
      group: 'fit',
      condition: { trait: 'company.industry', op: 'in', value: ['SaaS', 'IT'] },
      points: 20,
    },
    {
      name: 'Pricing',
      group: 'engagement',
      condition: {
        event: 'Pricing Viewed',
        where: [{ property: 'tier', op: 'eq', value: 'ent' }],
        within: '30d',
      },
      points: 5,
      perEvent: true,
      decayDays: 14,
    },
    {
      name: 'Buyer',
      group: 'engagement',
      condition: { computedTrait: 'orders', op: 'gte', value: 2 },
      points: -5,
    },
  ],
  groupCaps: { engagement: 40 },
  cap: 100,
};

describe('the scoring page’s drafts', () => {
  it('round trip every kind of rule, company fields and caps included', () => {
    const { rules, caps } = draftsFrom(SETTINGS);
    expect(rules.map((r) => r.kind)).toEqual(['trait', 'company', 'event', 'computedTrait']);
    const built = toSettings(rules, caps);
    expect(built.problems).toEqual([]);
    expect(built.settings).toEqual(SETTINGS);
  });

  it('names what is missing, on the rule and its condition', () => {
    const rule = newRuleDraft('engagement', 'event');
    const built = toSettings([{ ...rule, points: '', decayDays: '0' }], {
      fit: '',
      engagement: 'x',
      total: '',
    });
    expect(built.settings).toBeUndefined();
    expect(
      built.problems.map((p) => [
        p.nodeId === rule.id ? 'rule' : p.nodeId === rule.condition.id ? 'condition' : p.nodeId,
        p.field,
      ]),
    ).toEqual([
      ['rule', 'name'],
      ['rule', 'points'],
      ['condition', 'event'],
      ['rule', 'decayDays'],
      ['caps', 'engagement'],
    ]);
  });

  it('keeps per-event counting and decay off rules that cannot have them', () => {
    const fit = { ...newRuleDraft('fit', 'trait'), name: 'Plan', perEvent: true, decayDays: '3' };
    const condition = { ...fit.condition, trait: 'plan', op: 'exists' as const };
    const built = toSettings([{ ...fit, condition }], { fit: '', engagement: '', total: '' });
    expect(built.settings?.rules[0]).toEqual({
      name: 'Plan',
      group: 'fit',
      condition: { trait: 'plan', op: 'exists' },
      points: 10,
    });
  });

  it('puts the server’s errors on the inputs they name', () => {
    const { rules, caps } = draftsFrom(SETTINGS);
    const built = toSettings(rules, caps);
    const problems = problemsOfServer(
      [
        { path: 'rules.3.condition.computedTrait', message: 'no computed trait "orders"' },
        { path: 'rules.2.decayDays', message: 'too long' },
        { path: 'cap', message: 'too big' },
      ],
      rules,
      built,
    );
    expect(problems).toEqual([
      { nodeId: rules[3]?.condition.id, field: 'computedTrait', message: 'No computed trait "orders".' },
      { nodeId: rules[2]?.id, field: 'decayDays', message: 'Too long.' },
      { nodeId: 'caps', field: 'total', message: 'Too big.' },
    ]);
  });
});
