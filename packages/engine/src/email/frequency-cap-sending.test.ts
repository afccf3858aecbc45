import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, type SmtpRelay, startSmtpRelay } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import type { QueuedEmail } from './index.js';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

// The frequency cap counts every marketing email a person was sent, whatever sent it; two of
// them due at the same moment (a journey's two emails in a row, a broadcast meeting a journey)
// must not both slip under it because neither was recorded when the other was decided.
describe.each(ENGINES)('the frequency cap in the sender on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  let now = Date.parse('2026-04-06T10:00:00.000Z');
  beforeAll(async () => {
    relay = await startSmtpRelay();
    engine = await openTestEngine(kind, { mail: { smtpUrl: relay.url }, email: { clock: () => now } });
  });
  afterAll(async () => {
    await engine?.dispose();
    await relay?.close();
  });

  it('sends one of two marketing emails due together under a cap of one; the other waits or is skipped', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const ann = (await engine.people.create(workspaceId, { email: 'ann@cap.test', name: 'Ann' }, null))
      .profileId;
    await engine.emailSettings.update(workspaceId, { fromAddress: 'news@acme.test', perSecond: 1000 });
    await engine.emailPreferences.setFrequencyCap(workspaceId, { enabled: true, max: 1, period: '1d' });
    const template = await engine.emailTemplates.create(workspaceId, {
      name: 'News',
      subject: 'News',
      mjml: MJML,
      category: 'marketing',
    });
    const email = (origin: QueuedEmail['origin'], overCap: 'wait' | 'skip'): QueuedEmail => ({
      workspaceId,
      profileId: ann,
      templateId: template.id,
      origin,
      overCap,
    });
    const [fromJourney, fromBroadcast, skipping] = await engine.store.db
      .transaction()
      .execute((trx) =>
        engine.emailQueue.enqueue(trx, [
          email({ kind: 'journey', id: 'jrn_1', stepId: 'welcome' }, 'wait'),
          email({ kind: 'broadcast', id: 'bcast_1' }, 'wait'),
          email({ kind: 'journey', id: 'jrn_2', stepId: 'promo' }, 'skip'),
        ]),
      );
    for (let pass = 0; pass < 5; pass++) {
      await engine.emailSender.sendDue();
      now += 2000;
    }
    expect(relay.messages.filter((m) => JSON.stringify(m.to).includes('ann@cap.test'))).toHaveLength(1);
    const statuses = await engine.store.db
      .selectFrom('email_messages')
      .select(['message_id', 'status', 'error'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    const statusOf = (id: string | undefined) => statuses.find((s) => s.message_id === id);
    expect(statusOf(fromJourney)?.status).toBe('sent');
    // Over the cap: the broadcast's email waits for room, the skipping journey's is skipped.
    expect(statusOf(fromBroadcast)?.status).toBe('queued');
    expect(statusOf(skipping)).toMatchObject({ status: 'skipped', error: 'frequency_cap' });
  });
});
