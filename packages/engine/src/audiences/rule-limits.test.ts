import {
  type AudienceRule,
  MAX_CONDITION_VALUES,
  MAX_RULE_CONDITIONS,
  MAX_RULE_DEPTH,
} from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

const fillerTexts = (n: number) => Array.from({ length: n }, (_, i) => `filler ${i}`);
const fillerNumbers = (n: number) => Array.from({ length: n }, (_, i) => 10_000 + i);
const LIST = MAX_CONDITION_VALUES;

/** Leaves every profile with a plan fails: a full list of values nobody has. */
const nobody = (): AudienceRule => ({ trait: 'plan', op: 'in', value: fillerTexts(LIST) });
const nobodyByEvent = (): AudienceRule => ({
  event: 'Order Completed',
  where: [{ property: 'total', op: 'in', value: fillerNumbers(LIST) }],
});

/**
 * A rule at every limit at once: groups nested MAX_RULE_DEPTH deep (all, any, all, …), 20
 * conditions per level, each an `in` of MAX_CONDITION_VALUES values. The `all` levels hold
 * "plan is pro", the `any` levels only what nobody meets, and the deepest level "ordered once":
 * the rule means pro buyers.
 */
function ruleAtTheLimits(): AudienceRule {
  const perLevel = MAX_RULE_CONDITIONS / MAX_RULE_DEPTH;
  let inner: AudienceRule | undefined;
  for (let level = MAX_RULE_DEPTH; level >= 1; level--) {
    const leaves: AudienceRule[] = [];
    if (level % 2 === 1) {
      for (let i = 0; i < perLevel; i++) {
        leaves.push({ trait: 'plan', op: 'in', value: ['pro', ...fillerTexts(LIST - 1)] });
      }
    } else {
      if (level === MAX_RULE_DEPTH) {
        leaves.push({ computedTrait: 'orders', op: 'in', value: [1, ...fillerNumbers(LIST - 1)] });
      }
      leaves.push(nobodyByEvent()); // two conditions: the leaf and its where
      while (leaves.length < perLevel - 1) leaves.push(nobody());
    }
    const children = inner === undefined ? leaves : [...leaves, inner];
    inner = level % 2 === 1 ? { all: children } : { any: children };
  }
  return inner as AudienceRule; // the loop ran MAX_RULE_DEPTH (> 0) times
}

describe.each(ENGINES)('audience rules at the size limits on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** u0…u9: plan pro (even) or free (odd); u0–u3 ordered once. */
  async function workspaceWithPeople() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: Array.from({ length: 10 }, (_, i) => [
        { type: 'identify', userId: `u${i}`, traits: { plan: i % 2 === 0 ? 'pro' : 'free' } },
        ...(i < 4 ? [{ type: 'track', userId: `u${i}`, event: 'Order Completed' }] : []),
      ]).flat(),
      request: {},
    });
    await engine.pipeline.catchUp();
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order Completed',
    });
    if (!orders.ok) throw new Error(JSON.stringify(orders.error));
    await engine.segment.catchUp();
    return workspaceId;
  }

  it('previews and evaluates a rule at every limit at once (depth, conditions, list values)', async () => {
    const workspaceId = await workspaceWithPeople();
    const rule = ruleAtTheLimits();
    const expected = await Promise.all(
      ['u0', 'u2'].map(async (userId) => (await engine.profiles.lookup(workspaceId, 'user_id', userId)).id),
    );

    const preview = await engine.audiences.preview(workspaceId, rule);
    expect(preview).toEqual({ ok: true, value: { count: 2, sample: expected.sort() } });
    const audience = await engine.audiences.create(workspaceId, { name: 'pro buyers', rule });
    if (!audience.ok) throw new Error(JSON.stringify(audience.error));
    const members = await engine.audiences.members(workspaceId, audience.value.id, { limit: 50 });
    expect(members.data.map((m) => m.profileId).sort()).toEqual(expected.sort());
  }, 60_000);

  it('refuses a rule nested too deep or holding too many conditions, naming the limit', async () => {
    const workspaceId = await workspaceWithPeople();
    let deep: AudienceRule = { trait: 'plan', op: 'exists' };
    for (let i = 0; i < 2000; i++) deep = { not: deep };
    expect(await engine.audiences.preview(workspaceId, deep)).toEqual({
      ok: false,
      error: [{ path: 'rule', message: `rule is nested 2,000 deep; the limit is ${MAX_RULE_DEPTH}` }],
    });
    const wide: AudienceRule = {
      any: Array.from({ length: 100 }, () => ({ all: [nobody(), nobody(), nobody()] })),
    };
    const refused = await engine.audiences.create(workspaceId, { name: 'wide', rule: wide });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error[0]?.message).toMatch(
      /^rule holds 300 conditions .*the limit is 200$/,
    );
  });
});
