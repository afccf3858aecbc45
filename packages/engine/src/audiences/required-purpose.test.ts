import type { AudienceRule } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, trackingWorkspace } from '../testing/index.js';

const PRO: AudienceRule = { trait: 'plan', op: 'eq', value: 'pro' };

describe.each(ENGINES)('audiences requiring a consent purpose on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** Pro customers p0–p5 and a free one; marketing is opt-in; p0, p1 granted it, p2 refused. */
  async function workspace() {
    const { workspaceId, send } = await trackingWorkspace(engine);
    await engine.consent.updatePurpose(workspaceId, 'marketing', { defaultMode: 'opt-in' });
    const marketing = (granted: boolean) => ({ consent: { categoryPreferences: { marketing: granted } } });
    await send(
      ...['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'f0'].map((userId) => ({
        type: 'identify',
        userId,
        traits: { plan: userId.startsWith('p') ? 'pro' : 'free' },
        ...(userId === 'p0' || userId === 'p1' || userId === 'f0' ? { context: marketing(true) } : {}),
        ...(userId === 'p2' ? { context: marketing(false) } : {}),
      })),
    );
    const idOf = new Map<string, string>();
    for (const userId of ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'f0'])
      idOf.set(userId, (await engine.profiles.lookup(workspaceId, 'user_id', userId)).id);
    const usersOf = (profileIds: readonly string[]) =>
      [...idOf].filter(([, id]) => profileIds.includes(id)).map(([userId]) => userId);
    const members = async (audienceId: string) =>
      usersOf(
        (await engine.audiences.members(workspaceId, audienceId, { limit: 100 })).data.map(
          (m) => m.profileId,
        ),
      );
    return { workspaceId, send, marketing, idOf, usersOf, members };
  }

  it('admits only people who granted the purpose, in the batch evaluation and the preview', async () => {
    const { workspaceId, usersOf, members } = await workspace();
    const created = await engine.audiences.create(workspaceId, {
      name: 'Pro, marketable',
      rule: PRO,
      requiredPurpose: 'marketing',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    expect(created.value.requiredPurpose).toBe('marketing');
    expect(await members(created.value.id)).toEqual(['p0', 'p1']);
    const preview = await engine.audiences.preview(workspaceId, PRO, 'marketing');
    if (!preview.ok) throw new Error('preview failed');
    expect(preview.value.count).toBe(2);
    expect(usersOf(preview.value.sample)).toEqual(['p0', 'p1']);
    // Without the requirement, every pro customer.
    const everyone = await engine.audiences.create(workspaceId, { name: 'Pro', rule: PRO });
    if (!everyone.ok) throw new Error('create failed');
    expect(everyone.value.requiredPurpose).toBeNull();
    expect(await members(everyone.value.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('follows consent as it changes: events, recorded decisions, the purpose’s default; as a fresh evaluation would', async () => {
    const { workspaceId, send, marketing, idOf, members } = await workspace();
    const created = await engine.audiences.create(workspaceId, {
      name: 'Pro, marketable',
      rule: PRO,
      requiredPurpose: 'marketing',
    });
    if (!created.ok) throw new Error('create failed');
    const audienceId = created.value.id;
    // In real time, from the events' consent: p3 grants, p0 withdraws.
    await send(
      { type: 'track', event: 'Banner Closed', userId: 'p3', context: marketing(true) },
      { type: 'page', userId: 'p0', context: marketing(false) },
    );
    expect(await members(audienceId)).toEqual(['p1', 'p3']);
    // A decision recorded through the API (or the preference page).
    await engine.consent.record(workspaceId, idOf.get('p2') ?? '', {
      purposes: { marketing: true },
      source: 'api',
    });
    expect(await members(audienceId)).toEqual(['p1', 'p2', 'p3']);
    // The purpose becomes opt-out: the undecided p4 and p5 grant it now; p0 refused, stays out.
    await engine.consent.updatePurpose(workspaceId, 'marketing', { defaultMode: 'opt-out' });
    expect(await members(audienceId)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    // The real-time path and the batch one agree: a new audience evaluated in full finds the same.
    const fresh = await engine.audiences.create(workspaceId, {
      name: 'again',
      rule: PRO,
      requiredPurpose: 'marketing',
    });
    if (!fresh.ok) throw new Error('create failed');
    expect(await members(fresh.value.id)).toEqual(await members(audienceId));
    // Leaving announces itself on the log, as any exit does.
    await engine.pipeline.catchUp();
    const p0 = await engine.profiles.timeline(workspaceId, idOf.get('p0') ?? '', { limit: 50 });
    expect(JSON.stringify(p0)).toContain('Audience Exited');
  });

  it('refuses a purpose the workspace does not have, naming the field', async () => {
    const { workspaceId } = await workspace();
    const created = await engine.audiences.create(workspaceId, {
      name: 'x',
      rule: PRO,
      requiredPurpose: 'telepathy',
    });
    expect(created).toEqual({
      ok: false,
      error: [{ path: 'requiredPurpose', message: 'no consent purpose "telepathy"' }],
    });
  });
});
