import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { recordPurposeTurnFlips } from './purpose-turn-flips.js';
import { ENGINES, openTestEngine, trackingWorkspace } from './testing/index.js';

// Who a change of defaults or purposes records flips for: only members of audiences that
// destinations needing the purpose are subscribed to, and of those only people the turn reaches.
// The pipeline does not run here, so the flips stay waiting where the test can read them.
describe.each(ENGINES)('flips recorded when consent configuration turns a purpose on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };

  beforeAll(async () => {
    engine = await openTestEngine(kind, {
      delivery: { secretKey: randomBytes(32), allowPrivateNetworks: true },
    });
  });
  afterAll(() => engine.dispose());

  /**
   * Pro members ada, dee, fay (undecided), bob (granted marketing) and eve (refused it); cy is on
   * the free plan, in an audience that itself requires marketing. "ads" needs marketing and syncs
   * both audiences; "stats" needs analytics and syncs pro.
   */
  async function workspace() {
    const ws = await trackingWorkspace(engine);
    const people = { ada: 'pro', dee: 'pro', fay: 'pro', bob: 'pro', eve: 'pro', cy: 'free' };
    await ws.send(
      ...Object.entries(people).map(([userId, plan]) => ({
        type: 'identify' as const,
        userId,
        traits: { plan },
      })),
    );
    const audienceOf = async (name: string, plan: string, requiredPurpose: string | null) => {
      const created = await engine.audiences.create(ws.workspaceId, {
        name,
        rule: { trait: 'plan', op: 'eq', value: plan },
        requiredPurpose,
      });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      return created.value.id;
    };
    const pro = await audienceOf('Pro', 'pro', null);
    const freeConsenting = await audienceOf('Free, marketing granted', 'free', 'marketing');
    const destinationOf = async (name: string, purposes: string[], audienceIds: string[]) => {
      const created = await engine.destinations.create(ws.workspaceId, {
        name,
        type: 'webhook',
        config: { url: 'http://127.0.0.1:9/hook' },
        purposes,
        subscriptions: audienceIds.map((audienceId) => ({ kind: 'audience', audienceId })),
      });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
    };
    await destinationOf('ads', ['marketing'], [pro, freeConsenting]);
    await destinationOf('stats', ['analytics'], [pro]);
    const ids = Object.fromEntries(
      await Promise.all(Object.keys(people).map(async (userId) => [userId, await ws.profileOf(userId)])),
    ) as Record<keyof typeof people, string>; // keys are those of `people`
    await engine.consent.record(ws.workspaceId, ids.bob, { purposes: { marketing: true }, source: 'api' });
    await engine.consent.record(ws.workspaceId, ids.eve, { purposes: { marketing: false }, source: 'api' });
    // Eve's own flip is taken by the delivery stage: what waits afterwards is the configuration's.
    await engine.pipeline.catchUp();
    const nameOf = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    const waiting = async () =>
      (
        await engine.store.db
          .selectFrom('consent_changes')
          .select(['profile_id', 'purpose', 'granted', 'change_key'])
          .where('workspace_id', '=', ws.workspaceId)
          .execute()
      )
        .map((flip) => ({
          who: nameOf.get(flip.profile_id),
          purpose: flip.purpose,
          granted: Number(flip.granted) === 1,
          cause: flip.change_key.split(':').slice(0, 2).join(':'),
        }))
        .sort((a, b) => (a.who ?? '').localeCompare(b.who ?? ''));
    expect(await waiting()).toEqual([]);
    return { ...ws, ids, waiting };
  }

  const refused = (who: string, cause: string) => ({ who, purpose: 'marketing', granted: false, cause });

  it('records a flip for undecided members of synced audiences only when the workspace default turns to opt-in', async () => {
    const ws = await workspace();
    // Analytics keeps a default of its own: the workspace's switching does not turn it.
    await engine.consent.updatePurpose(ws.workspaceId, 'analytics', { defaultMode: 'opt-out' });
    expect(await ws.waiting()).toEqual([]);
    await engine.consent.updateSettings(ws.workspaceId, { defaultMode: 'opt-in' });
    // Not bob or eve (they decided), not cy (her audience requires marketing: it follows itself).
    expect(await ws.waiting()).toEqual(['ada', 'dee', 'fay'].map((who) => refused(who, 'default:marketing')));
  });

  it('records a flip for everyone who granted a purpose when it is removed', async () => {
    const ws = await workspace();
    await engine.consent.deletePurpose(ws.workspaceId, 'marketing');
    expect(await ws.waiting()).toEqual(
      ['ada', 'bob', 'dee', 'fay'].map((who) => refused(who, 'purpose:marketing')),
    );
    // A purpose no destination needs turns no one's list.
    await engine.consent.updatePurpose(ws.workspaceId, 'personalization', { defaultMode: 'opt-in' });
    expect(await ws.waiting()).toHaveLength(4);
  });

  it('reads a synced audience page after page', async () => {
    const ws = await workspace();
    const turn = {
      purpose: 'marketing',
      granted: false,
      undecided: true,
      granting: false,
      key: 'default:marketing:test',
      at: new Date().toISOString(),
    };
    const deps = { store: engine.store, audiences: engine.audiences, consent: engine.consent, pageSize: 2 };
    expect(await recordPurposeTurnFlips(deps, ws.workspaceId, [turn])).toBe(3);
    expect(await ws.waiting()).toEqual(['ada', 'dee', 'fay'].map((who) => refused(who, 'default:marketing')));
  });
});
