import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, holderOf, openTestEngine, personRefOf, trackingWorkspace } from '../testing/index.js';
import { cdnowTransactions } from './cdnow-fixtures.js';

const DAY_MS = 86_400_000;
const TODAY = Date.parse('2026-06-30T12:00:00.000Z');
const daysAgo = (days: number) => new Date(TODAY - days * DAY_MS).toISOString();
const threeFigures = (value: number) => Number(value.toPrecision(3));

describe.each(ENGINES)('predictions on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = TODAY;
  beforeAll(async () => {
    engine = await openTestEngine(kind, { predictions: { clock: () => now } });
  });
  afterAll(() => engine.dispose());

  it('fits the CDNOW sample sent as Order Completed events to the published parameters', async () => {
    const { workspaceId, send } = await trackingWorkspace(engine);
    const calls = cdnowTransactions().map((t, i) => ({
      type: 'track',
      event: 'Order Completed',
      userId: `cdnow-${t.customerId}`,
      // Spread over the day: orders on one UTC date are one purchase whatever their time.
      timestamp: `${t.date}T${String(i % 24).padStart(2, '0')}:15:00.000Z`,
      properties: { revenue: t.value },
    }));
    for (let start = 0; start < calls.length; start += 2000) await send(...calls.slice(start, start + 2000));

    const bgNbd = await engine.predictions.fit(workspaceId, {
      model: 'bgnbd',
      event: 'Order Completed',
      calibrationEnd: '1997-09-30',
      timeUnit: 'week',
    });
    if (!bgNbd.ok) throw new Error(JSON.stringify(bgNbd.error));
    expect(bgNbd.value.customers).toBe(2357);
    expect(Object.values(bgNbd.value.params).map(threeFigures)).toEqual([0.243, 4.41, 0.793, 2.43]);
    expect(bgNbd.value.logLikelihood).toBeCloseTo(-9582.4, 0);

    const gammaGamma = await engine.predictions.fit(workspaceId, {
      model: 'gamma-gamma',
      event: 'Order Completed',
      valueProperty: 'revenue',
      calibrationEnd: '1997-09-30',
      timeUnit: 'week',
    });
    if (!gammaGamma.ok) throw new Error(JSON.stringify(gammaGamma.error));
    expect(gammaGamma.value.customers).toBe(946);
    expect(Object.values(gammaGamma.value.params).map(threeFigures)).toEqual([6.25, 3.74, 15.4]);
  }, 180_000);

  it('names the field when there is nothing to fit', async () => {
    const { workspaceId, send } = await trackingWorkspace(engine);
    const request = { model: 'bgnbd', event: 'Order Completed', timeUnit: 'day' } as const;
    expect(await engine.predictions.fit(workspaceId, request)).toEqual({
      ok: false,
      error: [{ path: 'event', message: expect.stringContaining('no "Order Completed" events') }],
    });
    await send({ type: 'track', event: 'Order Completed', userId: 'once', timestamp: daysAgo(3) });
    const single = await engine.predictions.fit(workspaceId, request);
    expect(single.ok ? null : single.error[0]?.message).toContain('no customer bought twice');
    const noValue = await engine.predictions.fit(workspaceId, { ...request, model: 'gamma-gamma' });
    expect(noValue.ok ? null : noValue.error[0]?.path).toBe('valueProperty');
  });

  async function shop() {
    now = TODAY;
    const workspace = await trackingWorkspace(engine);
    const order = (userId: string, days: number, revenue: number) => ({
      type: 'track',
      event: 'Order Completed',
      userId,
      timestamp: daysAgo(days),
      properties: { revenue },
    });
    // Regulars buy every two weeks, lapsed stopped long ago, one-timers bought once.
    const calls = [];
    for (let i = 0; i < 6; i++)
      for (let k = 0; k < 8; k++) calls.push(order(`regular-${i}`, 3 + 14 * k, 40 + i));
    for (let i = 0; i < 4; i++)
      for (let k = 0; k < 5; k++) calls.push(order(`lapsed-${i}`, 200 + 10 * k, 25));
    for (let i = 0; i < 5; i++) calls.push(order(`once-${i}`, 20 + 40 * i, 15));
    await workspace.send(...calls);
    await engine.predictions.setSettings(workspace.workspaceId, {
      enabled: true,
      orderEvent: 'Order Completed',
      valueProperty: 'revenue',
      timeUnit: 'day',
      refreshHours: 24,
    });
    return workspace;
  }

  it('refreshes every customer: purchases ahead, P(alive), spend, CLV, churn band, RFM segment', async () => {
    const { workspaceId, profileOf } = await shop();
    const run = await engine.predictions.refresh(workspaceId);
    expect(run).toMatchObject({ status: 'done', trigger: 'manual', error: null });
    const regular = await engine.predictions.personPredictions(workspaceId, await profileOf('regular-5'));
    const lapsed = await engine.predictions.personPredictions(workspaceId, await profileOf('lapsed-0'));
    const once = await engine.predictions.personPredictions(workspaceId, await profileOf('once-4'));
    expect(regular).toMatchObject({ purchases: 8, daysSinceLastPurchase: 3, churnRisk: 'low' });
    expect(regular?.rfm).toMatchObject({ recency: 5, frequency: 5, segment: 'Champions' });
    expect(regular?.expectedPurchases30d).toBeGreaterThan(1);
    expect(regular?.lifetimeValue12m).toBeGreaterThan(200);
    expect(lapsed?.churnRisk).toBe('high');
    expect(lapsed?.probabilityAlive).toBeLessThan(regular?.probabilityAlive ?? 0);
    expect(lapsed?.rfm?.recency).toBe(1);
    // A one-time buyer is alive for BG/NBD; recency alone raises their risk (high only past 180 days).
    expect(once).toMatchObject({ probabilityAlive: 1, daysSinceLastPurchase: 180, churnRisk: 'medium' });
    const recentOnce = await engine.predictions.personPredictions(workspaceId, await profileOf('once-0'));
    expect(recentOnce).toMatchObject({ probabilityAlive: 1, daysSinceLastPurchase: 20, churnRisk: 'low' });

    const overview = await engine.predictions.overview(workspaceId);
    expect(overview.orders).toBe(6 * 8 + 4 * 5 + 5);
    expect(overview.bgNbd?.customers).toBe(15);
    expect(overview.gammaGamma?.customers).toBe(10);
    expect(overview.churnRisk.low + overview.churnRisk.medium + overview.churnRisk.high).toBe(15);
    expect(overview.rfmSegments.reduce((sum, s) => sum + s.people, 0)).toBe(15);
    expect(overview.probabilityAlive.reduce((sum, b) => sum + b.people, 0)).toBe(15);
  });

  it('publishes predicted_* traits through the log, and again only what changed', async () => {
    const { workspaceId, profileOf } = await shop();
    await engine.predictions.refresh(workspaceId);
    await engine.pipeline.catchUp();
    const regular = await profileOf('regular-0');
    const traits = (await engine.profiles.get(workspaceId, regular)).traits;
    expect(traits).toMatchObject({ predicted_churn_risk: 'low', predicted_rfm_segment: 'Champions' });
    expect(typeof traits.predicted_clv_12m).toBe('number');
    // Audiences read them like any trait.
    const champions = await engine.audiences.preview(workspaceId, {
      trait: 'predicted_rfm_segment',
      op: 'eq',
      value: 'Champions',
    });
    if (!champions.ok) throw new Error(JSON.stringify(champions.error));
    expect(champions.value.count).toBe(6);
    const identifies = async () =>
      Number(
        (
          await engine.store.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('workspace_id', '=', workspaceId)
            .where('type', '=', 'identify')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const afterFirst = await identifies();
    expect(afterFirst).toBe(15);
    await engine.predictions.refresh(workspaceId);
    expect(await identifies()).toBe(afterFirst);
  });

  it('keeps a survivor its traits when a predicted profile merges into it', async () => {
    const { workspaceId, send, profileOf } = await shop();
    await send(
      ...[5, 25, 45].map((days) => ({
        type: 'track',
        event: 'Order Completed',
        anonymousId: 'visitor-1',
        timestamp: daysAgo(days),
        properties: { revenue: 30 },
      })),
    );
    await engine.predictions.refresh(workspaceId);
    await engine.pipeline.catchUp();
    const visitor = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'visitor-1')).id;
    expect(await engine.predictions.personPredictions(workspaceId, visitor)).not.toBeNull();
    // The visitor signs in as a regular: their profile merges into hers.
    await send({ type: 'identify', anonymousId: 'visitor-1', userId: 'regular-0', timestamp: daysAgo(1) });
    const survivor = await profileOf('regular-0');
    expect((await engine.profiles.lookup(workspaceId, 'anonymous_id', 'visitor-1')).id).toBe(survivor);
    now += 3_600_000;
    await engine.predictions.refresh(workspaceId);
    await engine.pipeline.catchUp();
    expect(await engine.predictions.personPredictions(workspaceId, visitor)).toBeNull();
    // 8 + 3 orders, two of them (45 days ago) on one date: 10 purchases.
    expect((await engine.predictions.personPredictions(workspaceId, survivor))?.purchases).toBe(10);
    const traits = (await engine.profiles.get(workspaceId, survivor)).traits;
    expect(traits.predicted_rfm_segment).toBe('Champions');
    expect(traits.predicted_churn_risk).toBe('low');
  });

  it('refreshes on schedule only when the interval has passed, and only with predictions on', async () => {
    const { workspaceId } = await shop();
    await engine.predictionsWorker.tick();
    const first = (await engine.predictions.overview(workspaceId)).lastRun;
    expect(first).toMatchObject({ trigger: 'schedule', status: 'done' });
    now += 23 * 3_600_000;
    await engine.predictionsWorker.tick();
    expect((await engine.predictions.overview(workspaceId)).lastRun?.startedAt).toBe(first?.startedAt);
    now += 2 * 3_600_000;
    await engine.predictionsWorker.tick();
    expect((await engine.predictions.overview(workspaceId)).lastRun?.startedAt).not.toBe(first?.startedAt);
    const settings = await engine.predictions.settings(workspaceId);
    await engine.predictions.setSettings(workspaceId, { ...settings, enabled: false });
    const last = (await engine.predictions.overview(workspaceId)).lastRun;
    now += 48 * 3_600_000;
    await engine.predictionsWorker.tick();
    expect((await engine.predictions.overview(workspaceId)).lastRun?.startedAt).toBe(last?.startedAt);
  });

  it('trains the lead score on won and lost deals, with weights and a calibration table', async () => {
    const { workspaceId, send, profileOf } = await shop();
    const leads = Array.from({ length: 24 }, (_, i) => `lead-${i}`);
    await send(
      ...leads.map((userId, i) => ({ type: 'identify', userId, traits: { seats: i * 5 } })),
      ...leads.flatMap((userId, i) =>
        Array.from({ length: i % 4 }, () => ({
          type: 'track',
          event: 'Pricing Viewed',
          userId,
          timestamp: daysAgo(2),
        })),
      ),
    );
    await send(
      { type: 'identify', userId: 'prospect', traits: { seats: 120 } },
      ...Array.from({ length: 3 }, () => ({
        type: 'track',
        event: 'Pricing Viewed',
        userId: 'prospect',
        timestamp: daysAgo(1),
      })),
    );
    const outcomes = await Promise.all(
      leads.map(async (userId, i) => ({ profileId: await profileOf(userId), won: i % 3 !== 0 && i > 8 })),
    );
    engine.predictions.trainWith(async () => outcomes);
    try {
      await engine.predictions.refresh(workspaceId);
      const leadScore = (await engine.predictions.overview(workspaceId)).leadScore;
      expect(leadScore).toMatchObject({
        won: outcomes.filter((o) => o.won).length,
        lost: outcomes.filter((o) => !o.won).length,
      });
      const seats = leadScore?.features.find((f) => f.feature === 'trait.seats');
      expect(seats?.weight).toBeGreaterThan(0);
      expect(leadScore?.calibration.reduce((sum, row) => sum + row.people, 0)).toBe(24);
      const big = await engine.predictions.personPredictions(workspaceId, await profileOf('lead-23'));
      const small = await engine.predictions.personPredictions(workspaceId, await profileOf('lead-1'));
      expect(big?.leadScore).toBeGreaterThan(small?.leadScore ?? 100);
      // A prospect with no deal and no order is scored too: they did something lately.
      const prospect = await engine.predictions.personPredictions(workspaceId, await profileOf('prospect'));
      expect(prospect).toMatchObject({ purchases: 0, churnRisk: null, rfm: null });
      expect(prospect?.leadScore).toBeGreaterThan(small?.leadScore ?? 100);
    } finally {
      engine.predictions.trainWith(async () => []);
    }
  });

  it("exports and erases a person's predictions", async () => {
    const { workspaceId, profileOf } = await shop();
    await engine.predictions.refresh(workspaceId);
    const holder = holderOf(engine, 'predictions');
    const person = await personRefOf(engine, workspaceId, await profileOf('regular-1'));
    const exported = (await holder.exportPerson(person)) as { predictions: { purchases: number }[] };
    expect(exported.predictions).toEqual([expect.objectContaining({ purchases: 8 })]);
    expect(await holder.erasePerson(person)).toEqual({ person_predictions: 1 });
    expect(await engine.predictions.personPredictions(workspaceId, person.profileIds[0] ?? '')).toBeNull();
    expect(
      await engine.predictions.personPredictions(workspaceId, await profileOf('regular-2')),
    ).not.toBeNull();
  });
});
