import type { JourneyDefinition } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

// An abandoned-cart email waiting to be sent (here: no sender runs, as under a frequency cap) is
// withdrawn when the person reaches the goal or leaves the journey; another person's still goes.
describe.each(ENGINES)('a journey run that ends early on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('withdraws its emails not sent yet when the person converts or exits, and only theirs', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'shop' });
    let n = 0;
    const track = async (userId: string, event: string) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: [{ type: 'track', userId, event, messageId: `m${++n}-${Math.random()}` }],
        request: {},
      });
      await engine.pipeline.catchUp();
    };
    const template = await engine.emailTemplates.create(workspaceId, {
      name: 'Your cart',
      subject: 'You left something',
      mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Still there?</mj-text></mj-column></mj-section></mj-body></mjml>',
      category: 'marketing',
    });
    const journey = await engine.journeys.create(workspaceId, {
      name: 'Abandoned cart',
      entry: { kind: 'event', event: 'Cart Abandoned' },
      steps: [
        { id: 'mail', kind: 'send_email', templateId: template.id, next: 'later' },
        { id: 'later', kind: 'delay', duration: '1d' },
      ],
      settings: { goal: { event: 'Order Completed' }, exitWhen: { event: 'Unsubscribed' } },
    } as JourneyDefinition);
    await engine.journeys.publish(workspaceId, journey.id, { inFlight: 'stay' });
    for (const user of ['ann', 'bob', 'cy']) await track(user, 'Cart Abandoned');
    const statusOf = async () => {
      const rows = await engine.store.db
        .selectFrom('email_messages')
        .select(['profile_id', 'status', 'error'])
        .where('workspace_id', '=', workspaceId)
        .execute();
      const byUser: Record<string, { status: string; error: string | null }> = {};
      for (const user of ['ann', 'bob', 'cy']) {
        const profileId = (await engine.profiles.lookup(workspaceId, 'user_id', user)).id;
        const row = rows.find((r) => r.profile_id === profileId);
        if (row) byUser[user] = { status: row.status, error: row.error };
      }
      return byUser;
    };
    expect(Object.values(await statusOf()).map((m) => m.status)).toEqual(['queued', 'queued', 'queued']);

    await track('ann', 'Order Completed');
    await track('bob', 'Unsubscribed');
    expect(await statusOf()).toEqual({
      ann: { status: 'cancelled', error: 'Withdrawn: the person reached the journey’s goal' },
      bob: { status: 'cancelled', error: expect.stringMatching(/^Withdrawn: the person left the journey/) },
      cy: { status: 'queued', error: null },
    });
  });
});
