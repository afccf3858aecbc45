import type { LeadScoringSettings } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { DAY_MS, leadScoresOf } from './index.js';

type Call = Record<string, unknown>;

const START = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(ENGINES)('lead scoring on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = START;
  beforeAll(async () => {
    engine = await openTestEngine(kind, { segment: { clock: () => now }, leadScoring: { rescoreChunk: 3 } });
  });
  afterAll(() => engine.dispose());

  let messages = 0;
  async function workspace() {
    now = START;
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const send = async (...calls: Call[]) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: calls.map((call) => ({ messageId: `m${++messages}`, timestamp: iso(now), ...call })),
        request: {},
      });
      await engine.pipeline.catchUp();
    };
    const profileOf = async (userId: string) =>
      (await engine.profiles.lookup(workspaceId, 'user_id', userId)).id;
    const score = async (userId: string) => engine.leadScoring.scoreOf(workspaceId, await profileOf(userId));
    const configure = async (settings: LeadScoringSettings) => {
      const saved = await engine.leadScoring.update(workspaceId, settings);
      if (!saved.ok) throw new Error(JSON.stringify(saved.error));
      await engine.pipeline.catchUp();
      return saved.value;
    };
    return { workspaceId, send, profileOf, score, configure };
  }

  const FIT_AND_ENGAGEMENT: LeadScoringSettings = {
    rules: [
      { name: 'Pro plan', group: 'fit', condition: { trait: 'plan', op: 'eq', value: 'pro' }, points: 30 },
      { name: 'Big team', group: 'fit', condition: { trait: 'seats', op: 'gte', value: 50 }, points: 25 },
      {
        name: 'Pricing views',
        group: 'engagement',
        condition: { event: 'Pricing Viewed' },
        points: 10,
        perEvent: true,
      },
      { name: 'Demo asked', group: 'engagement', condition: { event: 'Demo Requested' }, points: 20 },
      {
        name: 'Student',
        group: 'fit',
        condition: { trait: 'email', op: 'ends_with', value: '.edu' },
        points: -15,
      },
    ],
    groupCaps: { fit: 50, engagement: 35 },
    cap: 80,
  };

  it('scores fit and engagement rules as events arrive, each group held to its cap, and explains it', async () => {
    const { send, score, configure } = await workspace();
    await configure(FIT_AND_ENGAGEMENT);
    await send({ type: 'identify', userId: 'ann', traits: { plan: 'pro', seats: 80 } });
    let ann = await score('ann');
    // 30 + 25 = 55, held to the fit cap of 50.
    expect([ann.total, ann.fit, ann.engagement]).toEqual([50, 50, 0]);
    expect(ann.breakdown).toEqual([
      { rule: 'Pro plan', group: 'fit', points: 30 },
      { rule: 'Big team', group: 'fit', points: 25 },
    ]);
    await send({ type: 'track', userId: 'ann', event: 'Pricing Viewed' });
    await send({ type: 'track', userId: 'ann', event: 'Pricing Viewed' });
    ann = await score('ann');
    expect([ann.total, ann.engagement]).toEqual([70, 20]);
    expect(ann.breakdown.find((c) => c.rule === 'Pricing views')).toEqual({
      rule: 'Pricing views',
      group: 'engagement',
      points: 20,
      events: 2,
    });
    await send({ type: 'track', userId: 'ann', event: 'Demo Requested' });
    ann = await score('ann');
    // Engagement 40 held to 35; the total 85 held to 80.
    expect([ann.total, ann.fit, ann.engagement]).toEqual([80, 50, 35]);
    // Newest first: one entry per change, naming the rules that moved.
    expect(ann.history.map((h) => [h.reason, h.previousTotal, h.total])).toEqual([
      ['event', 70, 80],
      ['event', 60, 70],
      ['event', 50, 60],
      ['event', 0, 50],
    ]);
    expect(ann.history[0]?.changes).toEqual([{ rule: 'Demo asked', from: 0, to: 20 }]);
    // Negative points lower the score; a trait change takes them back.
    await send({ type: 'identify', userId: 'ann', traits: { email: 'ann@uni.edu' } });
    expect((await score('ann')).fit).toBe(40);
    await send({ type: 'identify', userId: 'ann', traits: { email: 'ann@acme.com' } });
    expect((await score('ann')).fit).toBe(50);
  });

  it('counts only the events meeting the condition’s properties and window', async () => {
    const { send, score, configure } = await workspace();
    await configure({
      rules: [
        {
          name: 'Recent enterprise pricing',
          group: 'engagement',
          condition: {
            event: 'Pricing Viewed',
            where: [{ property: 'tier', op: 'eq', value: 'enterprise' }],
            within: '7d',
          },
          points: 5,
          perEvent: true,
        },
      ],
    });
    await send(
      { type: 'track', userId: 'bo', event: 'Pricing Viewed', properties: { tier: 'enterprise' } },
      { type: 'track', userId: 'bo', event: 'Pricing Viewed', properties: { tier: 'starter' } },
      {
        type: 'track',
        userId: 'bo',
        event: 'Pricing Viewed',
        properties: { tier: 'enterprise' },
        timestamp: iso(START - 3 * DAY_MS),
      },
    );
    expect((await score('bo')).total).toBe(10);
    // Five days on, the older view has left the 7-day window: time alone rescored it.
    now = START + 5 * DAY_MS;
    await engine.pipeline.catchUp();
    const bo = await score('bo');
    expect(bo.total).toBe(5);
    expect(bo.history[0]?.reason).toBe('decay');
  });

  it('fades engagement points a step a day with decay, folding the steps into one history entry', async () => {
    const { send, score, configure } = await workspace();
    await configure({
      rules: [
        {
          name: 'Webinar',
          group: 'engagement',
          condition: { event: 'Webinar Attended' },
          points: 40,
          decayDays: 4,
        },
        { name: 'Plan', group: 'fit', condition: { trait: 'plan', op: 'exists' }, points: 10 },
      ],
    });
    await send({ type: 'identify', userId: 'cy', traits: { plan: 'free' } });
    await send({ type: 'track', userId: 'cy', event: 'Webinar Attended' });
    expect((await score('cy')).total).toBe(50);
    const points = [];
    for (let day = 1; day <= 5; day++) {
      now = START + day * DAY_MS + 1000;
      await engine.pipeline.catchUp();
      points.push((await score('cy')).engagement);
    }
    // 40 × (1 − age/4), age in whole days; nothing left from day 4 on.
    expect(points).toEqual([30, 20, 10, 0, 0]);
    const cy = await score('cy');
    expect(cy.breakdown).toEqual([{ rule: 'Plan', group: 'fit', points: 10 }]);
    expect(cy.history.map((h) => [h.reason, h.previousTotal, h.total])).toEqual([
      ['decay', 50, 10],
      ['event', 10, 50],
      ['event', 0, 10],
    ]);
    expect(cy.history[0]?.changes).toEqual([{ rule: 'Webinar', from: 40, to: 0 }]);
    // Nothing left to decay: the score is not due again.
    const due = await engine.store.db.selectFrom('lead_scores').select('due_at').execute();
    expect(due.filter((row) => row.due_at !== null && row.due_at <= iso(now))).toEqual([]);
  });

  it('rescores every profile after an edit of the rules, in chunks, and zeroes scores when rules go', async () => {
    const { workspaceId, send, score, configure } = await workspace();
    const users = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    await send(...users.map((userId, i) => ({ type: 'identify', userId, traits: { seats: i * 10 } })));
    const saved = await configure({
      rules: [{ name: 'Team', group: 'fit', condition: { trait: 'seats', op: 'gte', value: 30 }, points: 7 }],
    });
    expect(saved.rescore.running).toBe(true);
    const settings = await engine.leadScoring.settings(workspaceId);
    expect(settings.rescore).toEqual({ running: false, scored: 7 });
    expect(await Promise.all(users.map(async (u) => (await score(u)).total))).toEqual([0, 0, 0, 7, 7, 7, 7]);
    expect((await score('a4')).history[0]?.reason).toBe('rules');
    await configure({ rules: [] });
    expect(await Promise.all(users.map(async (u) => (await score(u)).total))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // Rules gone, events no longer make scores.
    await send({ type: 'identify', userId: 'a1', traits: { seats: 99 } });
    expect((await score('a1')).total).toBe(0);
  });

  it('reads computed traits and the person’s companies', async () => {
    const { workspaceId, send, score, configure } = await workspace();
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order',
    });
    if (!orders.ok) throw new Error('computed trait refused');
    await configure({
      rules: [
        {
          name: 'Buyer',
          group: 'engagement',
          condition: { computedTrait: 'orders', op: 'gte', value: 2 },
          points: 15,
        },
        {
          name: 'SaaS',
          group: 'fit',
          condition: { trait: 'company.industry', op: 'eq', value: 'SaaS' },
          points: 20,
        },
      ],
    });
    await send({ type: 'group', userId: 'di', groupId: 'acme', traits: { name: 'Acme', industry: 'SaaS' } });
    expect((await score('di')).total).toBe(20);
    await send(
      { type: 'track', userId: 'di', event: 'Order' },
      { type: 'track', userId: 'di', event: 'Order' },
    );
    expect((await score('di')).breakdown.map((c) => c.rule)).toEqual(['Buyer', 'SaaS']);
  });

  it('refuses rules that cannot work, naming the field', async () => {
    const { workspaceId } = await workspace();
    const refused = await engine.leadScoring.update(workspaceId, {
      rules: [
        { name: 'A', group: 'fit', condition: { trait: 'plan', op: 'gt', value: 'x' }, points: 1 },
        { name: 'A', group: 'fit', condition: { event: 'Visit' }, points: 1, decayDays: 3 },
        { name: 'B', group: 'engagement', condition: { computedTrait: 'nope', op: 'exists' }, points: 1 },
        {
          name: 'C',
          group: 'engagement',
          condition: { trait: 'plan', op: 'exists' },
          points: 1,
          perEvent: true,
        },
        {
          name: 'D',
          group: 'engagement',
          condition: { event: 'Visit', count: { op: 'gte', value: 2 } },
          points: 1,
          perEvent: true,
        },
      ],
    });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.map((e) => e.path)).toEqual([
      'rules.0.condition.value',
      'rules.1.name',
      'rules.1.decayDays',
      'rules.2.condition.computedTrait',
      'rules.3.perEvent',
      'rules.4.condition.count',
    ]);
    expect((await engine.leadScoring.settings(workspaceId)).rules).toEqual([]);
  });

  it('gives the same scores after a rebuild of the pipeline', async () => {
    const { workspaceId, send, profileOf, configure } = await workspace();
    await configure(FIT_AND_ENGAGEMENT);
    await send(
      { type: 'identify', userId: 'e1', traits: { plan: 'pro' } },
      { type: 'track', userId: 'e1', event: 'Pricing Viewed' },
      { type: 'identify', userId: 'e2', traits: { seats: 90, email: 'x@y.edu' } },
      { type: 'track', userId: 'e2', event: 'Demo Requested' },
    );
    const ids = [await profileOf('e1'), await profileOf('e2')];
    const before = await leadScoresOf(engine.store.db, workspaceId, ids);
    expect(ids.map((id) => before.get(id)?.total)).toEqual([40, 30]);
    await engine.pipeline.rebuild();
    expect(await leadScoresOf(engine.store.db, workspaceId, ids)).toEqual(before);
  });

  it('scores a merge as one person and an unmerge as two again', async () => {
    const { workspaceId, send, profileOf, configure } = await workspace();
    await configure(FIT_AND_ENGAGEMENT);
    await send({ type: 'track', anonymousId: 'anon-f', event: 'Pricing Viewed' });
    const anonymous = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-f')).id;
    await send({ type: 'identify', userId: 'fay', traits: { plan: 'pro' } });
    const fay = await profileOf('fay');
    expect((await engine.leadScoring.scoreOf(workspaceId, anonymous)).total).toBe(10);
    await send({ type: 'track', userId: 'fay', anonymousId: 'anon-f', event: 'Demo Requested' });
    const survivor = await profileOf('fay');
    expect((await engine.leadScoring.scoreOf(workspaceId, survivor)).total).toBe(60);
    // The merged-away profile keeps no score of its own.
    const merged = survivor === fay ? anonymous : fay;
    expect((await leadScoresOf(engine.store.db, workspaceId, [merged])).size).toBe(0);
    const [merge] = await engine.identity.mergesOf(workspaceId, survivor);
    if (!merge) throw new Error('nobody merged');
    await engine.pipeline.unmerge({ workspaceId, profileId: survivor, mergeId: merge.id });
    const scores = await leadScoresOf(engine.store.db, workspaceId, [await profileOf('fay'), anonymous]);
    const rulesOf = (id: string) => scores.get(id)?.breakdown.map((c) => c.rule);
    // Fay keeps her plan; the call that linked both stays with the visitor's side, as identity splits it.
    expect(rulesOf(await profileOf('fay'))).toEqual(['Pro plan']);
    expect(rulesOf(anonymous)).toEqual(['Pricing views', 'Demo asked']);
    expect([scores.get(await profileOf('fay'))?.total, scores.get(anonymous)?.total]).toEqual([30, 30]);
  });

  it('compares score bands with deals won and lost', async () => {
    const { workspaceId, send, profileOf, configure } = await workspace();
    await configure({
      rules: [
        { name: 'Seats', group: 'fit', condition: { trait: 'seats', op: 'gte', value: 10 }, points: 90 },
      ],
      cap: 100,
    });
    await send(
      { type: 'identify', userId: 'g1', traits: { seats: 20 } },
      { type: 'identify', userId: 'g2', traits: { seats: 1 } },
    );
    // The engine reads closed deals from the deals domain: none yet.
    expect(await engine.leadScoring.calibration(workspaceId)).toMatchObject({ dealsConnected: true, won: 0 });
    const [g1, g2] = [await profileOf('g1'), await profileOf('g2')];
    engine.leadScoring.calibrateWith(async () => [
      { profileId: g1, won: true },
      { profileId: g1, won: true },
      { profileId: g2, won: false },
      { profileId: g2, won: true },
    ]);
    const calibration = await engine.leadScoring.calibration(workspaceId);
    expect(calibration).toMatchObject({ dealsConnected: true, won: 3, lost: 1 });
    expect(calibration.bands.map((b) => [b.label, b.won, b.lost, b.winRate])).toEqual([
      ['0–19', 1, 1, 0.5],
      ['20–39', 0, 0, null],
      ['40–59', 0, 0, null],
      ['60–79', 0, 0, null],
      ['80 and above', 2, 0, 1],
    ]);
  });
});
