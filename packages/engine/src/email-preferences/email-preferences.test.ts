import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../email/index.js';
import type { Engine } from '../engine.js';
import { newId } from '../ids/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

const START = Date.parse('2026-05-04T09:00:00.000Z');

describe.each(ENGINES)('email preferences across merges on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let workspaceId: string;
  let sourceId: string;
  beforeEach(async () => {
    engine = await openTestEngine(kind, { segment: { clock: () => START } });
    workspaceId = (await createWorkspace(engine.store, `prefs ${Math.random()}`)).id;
    sourceId = (await engine.sources.create(workspaceId, { name: 'web' })).id;
  });
  afterEach(() => engine.dispose());

  const collect = async (calls: Record<string, unknown>[]) => {
    await engine.collector.collect({ source: { workspaceId, sourceId }, calls, request: {} });
    await engine.pipeline.catchUp();
  };
  const outgoing = (profileId: string): OutgoingEmail => ({
    workspaceId,
    messageId: newId('emailMessage'),
    profileId,
    to: 'dee@example.com',
    category: 'marketing',
    topicId: null,
    origin: { kind: 'journey', id: 'jrn_1' },
    overCap: 'skip',
  });

  it('gives a merged person both profiles’ choices and sends, and each their own back on unmerge', async () => {
    await engine.emailPreferences.setFrequencyCap(workspaceId, { enabled: true, max: 1, period: '7d' });
    await collect([
      { type: 'track', anonymousId: 'visitor-1', event: 'Page Viewed', messageId: 'a1' },
      { type: 'identify', userId: 'dee', traits: { email: 'dee@example.com' }, messageId: 'a2' },
    ]);
    const visitor = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'visitor-1')).id;
    const dee = (await engine.profiles.lookup(workspaceId, 'user_id', 'dee')).id;
    // The visitor unsubscribed from everything; Dee was sent a marketing email.
    await engine.emailPreferences.saveForPerson(workspaceId, visitor, { unsubscribedAll: true }, 'api');
    await engine.emailPolicy.recordSent(engine.store.db, outgoing(dee), START - 60_000);
    expect(await engine.emailPolicy.decide(engine.store.db, outgoing(visitor), START)).toEqual({
      action: 'skip',
      reason: 'unsubscribed',
    });

    await collect([{ type: 'identify', anonymousId: 'visitor-1', userId: 'dee', messageId: 'a3' }]);
    const survivor = (await engine.identity.resolveProfileId(workspaceId, dee)) ?? '';
    expect(await engine.identity.resolveProfileId(workspaceId, visitor)).toBe(survivor);
    expect(await engine.emailPreferences.personPreferences(workspaceId, dee)).toMatchObject({
      profileId: survivor,
      unsubscribedAll: true,
    });
    expect(await engine.emailPolicy.decide(engine.store.db, outgoing(dee), START)).toEqual({
      action: 'skip',
      reason: 'unsubscribed',
    });
    // Resubscribed: the merged person's sends count towards the cap (1 per 7 days).
    await engine.emailPreferences.saveForPerson(workspaceId, dee, { unsubscribedAll: false }, 'admin');
    expect(await engine.emailPolicy.decide(engine.store.db, outgoing(visitor), START)).toEqual({
      action: 'skip',
      reason: 'frequency_cap',
    });

    const [merge] = await engine.identity.mergesOf(workspaceId, survivor);
    await engine.pipeline.unmerge({ workspaceId, profileId: survivor, mergeId: merge?.id ?? '' });
    const [visitorAgain, deeAgain] = [
      await engine.emailPreferences.personPreferences(workspaceId, visitor),
      await engine.emailPreferences.personPreferences(workspaceId, dee),
    ];
    // Each has their own decisions and sends again.
    const own = (id: string) => (id === visitor ? visitorAgain : deeAgain);
    expect(own(visitor).profileId).toBe(visitor);
    expect(own(dee).profileId).toBe(dee);
    const decisionOf = async (id: string) => engine.emailPolicy.decide(engine.store.db, outgoing(id), START);
    const visitorDecision = await decisionOf(visitor);
    const deeDecision = await decisionOf(dee);
    // Dee keeps her send (capped); the resubscription stays with the survivor, the visitor's
    // unsubscription with the visitor.
    expect(deeDecision).toEqual({ action: 'skip', reason: 'frequency_cap' });
    expect(visitorDecision).toEqual(
      survivor === dee ? { action: 'skip', reason: 'unsubscribed' } : { action: 'send' },
    );
  });
});
