import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, trackingWorkspace } from '../testing/index.js';
import { ConsentService, consentedProfiles, consentOf } from './index.js';

const day = (n: number) => `2024-03-${String(n).padStart(2, '0')}T10:00:00.000Z`;
const consenting = (preferences: Record<string, unknown>) => ({
  consent: { categoryPreferences: preferences },
});

describe.each(ENGINES)('consent on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  const workspace = () => trackingWorkspace(engine);
  const stateOf = async (workspaceId: string, profileId: string) =>
    Object.fromEntries(
      Object.entries(await consentOf(engine.store.db, workspaceId, profileId)).map(([k, v]) => [
        k,
        v.granted,
      ]),
    );

  it('sets a profile’s consent from the categoryPreferences its events carry, and keeps the history', async () => {
    const { workspaceId, sourceId, send, profileOf } = await workspace();
    await send(
      {
        type: 'page',
        userId: 'ann',
        timestamp: day(1),
        context: consenting({ analytics: true, marketing: false }),
      },
      {
        type: 'track',
        event: 'Viewed',
        userId: 'ann',
        timestamp: day(2),
        context: consenting({ marketing: true }),
      },
      // Repeating what is decided is no news: no history entry.
      {
        type: 'track',
        event: 'Viewed',
        userId: 'ann',
        timestamp: day(3),
        context: consenting({ marketing: true }),
      },
    );
    const ann = await profileOf('ann');
    const consent = await engine.consent.profileConsent(workspaceId, ann);
    expect(consent.purposes.analytics).toEqual({ granted: true, updatedAt: day(1), basis: 'decision' });
    expect(consent.purposes.marketing).toEqual({ granted: true, updatedAt: day(3), basis: 'decision' });
    expect(consent.purposes.personalization).toEqual({ granted: true, updatedAt: null, basis: 'default' });
    expect(consent.purposes.necessary?.granted).toBe(true);
    // Newest first; the two decisions of day 1 came with one event.
    const history = consent.history.map((d) => [d.purpose, d.granted, d.decidedAt]);
    expect(history[0]).toEqual(['marketing', true, day(2)]);
    expect(history.slice(1)).toEqual(
      expect.arrayContaining([
        ['analytics', true, day(1)],
        ['marketing', false, day(1)],
      ]),
    );
    expect(history).toHaveLength(3);
    expect(consent.history[0]?.source).toMatchObject({ kind: 'event', sourceId });
    expect(consent.history[0]?.source.eventId).toMatch(/^evt_/);
  });

  it('never lets an older event arriving late override a newer decision', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send({
      type: 'track',
      event: 'Opted out',
      userId: 'bo',
      timestamp: day(10),
      context: consenting({ marketing: false }),
    });
    await send({
      type: 'track',
      event: 'Old',
      userId: 'bo',
      timestamp: day(5),
      context: consenting({ marketing: true }),
    });
    const bo = await profileOf('bo');
    expect((await stateOf(workspaceId, bo)).marketing).toBe(false);
    // The late decision is history all the same.
    const { history } = await engine.consent.profileConsent(workspaceId, bo);
    expect(history.map((d) => d.granted)).toEqual([false, true]);
    expect(await consentedProfiles(engine.store.db, workspaceId, [bo], ['marketing'])).toEqual(new Set());
  });

  it('maps a consent manager’s category names through aliases and keeps unknown ones in history only', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send({
      type: 'page',
      userId: 'cy',
      timestamp: day(1),
      context: consenting({ C0004: false, Advertising: false, 'Social Media': true, Analytics: 'yes' }),
    });
    const cy = await profileOf('cy');
    const consent = await engine.consent.profileConsent(workspaceId, cy);
    expect(consent.purposes.marketing?.granted).toBe(false);
    expect(consent.purposes.analytics?.basis).toBe('default');
    expect(consent.purposes).not.toHaveProperty('Social Media');
    expect(consent.history.find((d) => d.category === 'Social Media')).toMatchObject({
      purpose: null,
      granted: true,
    });
  });

  it('applies the workspace default and a purpose’s own default to profiles that never decided', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send(
      { type: 'identify', userId: 'dee', timestamp: day(1) },
      { type: 'identify', userId: 'eve', timestamp: day(1), context: consenting({ analytics: false }) },
    );
    const [dee, eve] = [await profileOf('dee'), await profileOf('eve')];
    const consented = async (purposes: string[]) => {
      const byQuery = await consentedProfiles(engine.store.db, workspaceId, [dee, eve], purposes);
      // The per-request check (defaults kept in memory) agrees, the edits below showing at once.
      const byCheck = new Set<string>();
      for (const id of [dee, eve]) {
        const grants = await Promise.all(purposes.map((p) => engine.consent.grants(workspaceId, id, p)));
        if (grants.every(Boolean)) byCheck.add(id);
      }
      expect(byCheck).toEqual(byQuery);
      return byQuery;
    };
    // Built-in default: opt-out (granted until refused).
    expect(await consented(['analytics'])).toEqual(new Set([dee]));
    expect(await consented(['marketing'])).toEqual(new Set([dee, eve]));
    await engine.consent.updateSettings(workspaceId, { defaultMode: 'opt-in' });
    expect(await consented(['marketing'])).toEqual(new Set());
    expect(await consented(['necessary'])).toEqual(new Set([dee, eve]));
    await engine.consent.updatePurpose(workspaceId, 'marketing', { defaultMode: 'opt-out' });
    expect(await consented(['marketing', 'necessary'])).toEqual(new Set([dee, eve]));
    expect(await consented(['marketing', 'analytics'])).toEqual(new Set());
    // A purpose the workspace does not define is granted by no one.
    expect(await consented(['telepathy'])).toEqual(new Set());
    await send({
      type: 'track',
      event: 'Sale ok',
      userId: 'dee',
      context: consenting({ 'sale-of-data': true }),
    });
    expect(await consented(['sale-of-data'])).toEqual(new Set([dee]));
    await engine.consent.deletePurpose(workspaceId, 'sale-of-data');
    expect(await consented(['sale-of-data'])).toEqual(new Set());
    await expect(engine.consent.deletePurpose(workspaceId, 'necessary')).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('lets a per-request check keep the defaults a second: other processes’ edits show within it', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send({ type: 'identify', userId: 'fay', timestamp: day(1) });
    const fay = await profileOf('fay');
    let now = Date.parse(day(1));
    // Another process's service: it shares the store, not this engine's memory.
    const elsewhere = new ConsentService(engine.store, engine.identity, () => now);
    expect(await elsewhere.grants(workspaceId, fay, 'personalization')).toBe(true);
    await engine.consent.updateSettings(workspaceId, { defaultMode: 'opt-in' });
    expect(await elsewhere.grants(workspaceId, fay, 'personalization')).toBe(true);
    now += 1000;
    expect(await elsewhere.grants(workspaceId, fay, 'personalization')).toBe(false);
    // A decision is read at every check: it shows at once, wherever it was recorded.
    await engine.consent.record(workspaceId, fay, {
      purposes: { personalization: true },
      source: 'api',
      decidedAt: day(2),
      principal: 'usr_x',
    });
    expect(await elsewhere.grants(workspaceId, fay, 'personalization')).toBe(true);
    expect(await elsewhere.grants(workspaceId, fay, 'necessary')).toBe(true);
  });

  it('records decisions through the API with the principal, the later decision winning', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send({
      type: 'track',
      event: 'E',
      userId: 'fay',
      timestamp: day(3),
      context: consenting({ marketing: true }),
    });
    const fay = await profileOf('fay');
    const recorded = await engine.consent.record(workspaceId, fay, {
      purposes: { marketing: false, analytics: false },
      source: 'api',
      decidedAt: day(4),
      principal: 'usr_support',
      note: 'phone call',
    });
    expect(recorded.purposes.marketing).toMatchObject({ granted: false, updatedAt: day(4) });
    expect(recorded.history[0]?.source).toMatchObject({
      kind: 'api',
      principal: 'usr_support',
      note: 'phone call',
    });
    // An import of an older decision stays history.
    const imported = await engine.consent.record(workspaceId, fay, {
      purposes: { marketing: true },
      source: 'import',
      decidedAt: day(2),
      principal: 'tok_import',
    });
    expect(imported.purposes.marketing?.granted).toBe(false);
    expect(imported.history).toHaveLength(4);
    await expect(
      engine.consent.record(workspaceId, fay, { purposes: { nope: true }, source: 'api', principal: 'u' }),
    ).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('purposes.nope') });
    // The API decision survives a rebuild; the events' decisions are derived again.
    await engine.pipeline.rebuild();
    expect(await stateOf(workspaceId, fay)).toMatchObject({ marketing: false, analytics: false });
    expect((await engine.consent.profileConsent(workspaceId, fay)).history).toHaveLength(4);
  });

  it('gives the same consent after a rebuild of the pipeline', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send(
      { type: 'page', anonymousId: 'anon-g', timestamp: day(1), context: consenting({ marketing: false }) },
      { type: 'identify', userId: 'gus', timestamp: day(2), context: consenting({ analytics: false }) },
      { type: 'track', event: 'Link', userId: 'gus', anonymousId: 'anon-g', timestamp: day(3) },
      {
        type: 'track',
        event: 'Late',
        userId: 'gus',
        timestamp: day(1),
        context: consenting({ analytics: true }),
      },
    );
    const gus = await profileOf('gus');
    const before = await engine.consent.profileConsent(workspaceId, gus);
    expect(before.purposes.marketing?.granted).toBe(false);
    expect(before.purposes.analytics?.granted).toBe(false);
    await engine.pipeline.rebuild();
    const after = await engine.consent.profileConsent(workspaceId, gus);
    expect(after.purposes).toEqual(before.purposes);
    expect(after.history.map((d) => [d.category, d.granted, d.decidedAt])).toEqual(
      before.history.map((d) => [d.category, d.granted, d.decidedAt]),
    );
  });

  it('merges by the latest decision per purpose, and an unmerge gives each person back their own', async () => {
    const { workspaceId, send, profileOf } = await workspace();
    await send(
      { type: 'page', anonymousId: 'anon-h', timestamp: day(5), context: consenting({ marketing: true }) },
      {
        type: 'identify',
        userId: 'hal',
        timestamp: day(2),
        context: consenting({ marketing: false, analytics: false }),
      },
    );
    const hal = await profileOf('hal');
    await engine.consent.record(workspaceId, hal, {
      purposes: { personalization: false },
      source: 'api',
      decidedAt: day(3),
      principal: 'usr_x',
    });
    await send({ type: 'track', event: 'Link', userId: 'hal', anonymousId: 'anon-h', timestamp: day(6) });
    const survivor = await profileOf('hal');
    expect(await stateOf(workspaceId, survivor)).toMatchObject({
      marketing: true,
      analytics: false,
      personalization: false,
    });
    const [merge] = await engine.identity.mergesOf(workspaceId, survivor);
    if (!merge) throw new Error('the link merged nobody');
    const split = await engine.pipeline.unmerge({ workspaceId, profileId: survivor, mergeId: merge.id });
    const halAfter = await profileOf('hal');
    const anon = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-h')).id;
    expect(new Set([halAfter, anon])).toEqual(new Set([split.survivorId, split.restoredId]));
    expect(await stateOf(workspaceId, halAfter)).toMatchObject({
      marketing: false,
      analytics: false,
      personalization: false,
    });
    expect(await stateOf(workspaceId, anon)).toMatchObject({
      marketing: true,
      analytics: true,
      personalization: true,
    });
    expect((await engine.consent.profileConsent(workspaceId, anon)).history).toHaveLength(1);
  });

  it('ends merge then unmerge with the consent of never merging, whatever the order', async () => {
    const decision = fc.record({
      person: fc.constantFrom('userId', 'anonymousId'),
      purpose: fc.constantFrom('marketing', 'analytics'),
      granted: fc.boolean(),
      day: fc.integer({ min: 1, max: 9 }),
      viaApi: fc.boolean(),
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        // Distinct days: two decisions made at the same instant have no order to respect.
        fc.uniqueArray(decision, { minLength: 1, maxLength: 6, selector: (d) => d.day }),
        fc.nat(6),
        async (decisions, linkAt) => {
          const play = async (link: boolean) => {
            const ws = await workspace();
            await ws.send(
              { type: 'identify', userId: 'u0', timestamp: day(1) },
              { type: 'identify', anonymousId: 'a1', timestamp: day(1) },
            );
            const ids = { userId: await ws.profileOf('u0'), anonymousId: '' };
            ids.anonymousId = (await engine.profiles.lookup(ws.workspaceId, 'anonymous_id', 'a1')).id;
            for (const [i, d] of decisions.entries()) {
              if (link && i === Math.min(linkAt, decisions.length - 1))
                await ws.send({
                  type: 'track',
                  event: 'Link',
                  userId: 'u0',
                  anonymousId: 'a1',
                  timestamp: day(1),
                });
              if (d.viaApi)
                await engine.consent.record(ws.workspaceId, ids[d.person], {
                  purposes: { [d.purpose]: d.granted },
                  source: 'api',
                  decidedAt: day(d.day),
                  principal: 'usr_p',
                });
              else
                await ws.send({
                  type: 'track',
                  event: 'Consent',
                  [d.person]: d.person === 'userId' ? 'u0' : 'a1',
                  timestamp: day(d.day),
                  context: consenting({ [d.purpose]: d.granted }),
                });
            }
            if (link) {
              const [merge] = await engine.identity.mergesOf(ws.workspaceId, await ws.profileOf('u0'));
              if (!merge) throw new Error('the link merged nobody');
              await engine.pipeline.unmerge({
                workspaceId: ws.workspaceId,
                profileId: await ws.profileOf('u0'),
                mergeId: merge.id,
              });
            }
            const anon = (await engine.profiles.lookup(ws.workspaceId, 'anonymous_id', 'a1')).id;
            return {
              u0: await stateOf(ws.workspaceId, await ws.profileOf('u0')),
              a1: await stateOf(ws.workspaceId, anon),
            };
          };
          runs += 1;
          expect(await play(true)).toEqual(await play(false));
        },
      ),
      { numRuns: 10 },
    );
    expect(runs).toBe(10);
  });
});
