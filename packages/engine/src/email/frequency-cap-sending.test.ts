import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import {
  ENGINES,
  isolatedStoreOptions,
  openTestEngine,
  type SmtpRelay,
  startSmtpRelay,
} from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import type { QueuedEmail } from './index.js';
import { StoreMarketingSlots } from './marketing-slots.js';

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

// On PostgreSQL several processes send from one database, each with its own sender: a person's
// marketing slot must hold across them, or two processes each claiming one of the person's
// emails both find room under the cap (neither send is recorded yet) and both send.
describe.each(ENGINES.filter((kind) => kind === 'postgres'))(
  'the frequency cap across sending processes on %s',
  (kind) => {
    let processes: Engine[] = [];
    let relay: SmtpRelay;
    let dropStore: () => Promise<void>;
    let now = Date.parse('2026-04-06T10:00:00.000Z');
    beforeAll(async () => {
      relay = await startSmtpRelay();
      const { options, dispose } = await isolatedStoreOptions(kind);
      dropStore = dispose;
      // One message per pass: each process claims one of the person's two emails.
      const email = { clock: () => now, chunkSize: 1 };
      processes = [
        await Engine.open({ ...options, mail: { smtpUrl: relay.url }, email }),
        await Engine.open({ ...options, mail: { smtpUrl: relay.url }, email }),
      ];
    });
    afterAll(async () => {
      for (const engine of processes) await engine.close().catch(() => undefined);
      await dropStore?.();
      await relay?.close();
    });

    /** A workspace capped at one marketing email a day, Ann, and a marketing template. */
    async function cappedWorkspace(engine: Engine) {
      const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
      const address = `ann.${Math.random().toString(36).slice(2)}@cap.test`;
      const ann = (await engine.people.create(workspaceId, { email: address, name: 'Ann' }, null)).profileId;
      await engine.emailSettings.update(workspaceId, { fromAddress: 'news@acme.test', perSecond: 1000 });
      await engine.emailPreferences.setFrequencyCap(workspaceId, { enabled: true, max: 1, period: '1d' });
      const template = await engine.emailTemplates.create(workspaceId, {
        name: 'News',
        subject: 'News',
        mjml: MJML,
        category: 'marketing',
      });
      const queue = (emails: { origin: QueuedEmail['origin']; overCap: 'wait' | 'skip' }[]) =>
        engine.store.db.transaction().execute((trx) =>
          engine.emailQueue.enqueue(
            trx,
            emails.map((email) => ({ workspaceId, profileId: ann, templateId: template.id, ...email })),
          ),
        );
      const sentToAnn = () => relay.messages.filter((m) => JSON.stringify(m.to).includes(address)).length;
      const slotsOf = () =>
        engine.store.db
          .selectFrom('email_marketing_slots')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .execute();
      return { workspaceId, ann, queue, sentToAnn, slotsOf };
    }

    it('sends one of a person’s two marketing emails claimed by two processes at once; the other waits or is skipped', async () => {
      const [first, second] = processes as [Engine, Engine];
      const { workspaceId, queue, sentToAnn, slotsOf } = await cappedWorkspace(first);
      const [waiting, skipping] = await queue([
        { origin: { kind: 'broadcast', id: 'bcast_1' }, overCap: 'wait' },
        { origin: { kind: 'journey', id: 'jrn_1', stepId: 'promo' }, overCap: 'skip' },
      ]);
      // The relay answers no one until one pass is over or both emails reached it: both processes
      // are mid-send at once, neither send recorded.
      const relayHold = relay.hold();
      const passes = [first.emailSender.sendDue(), second.emailSender.sendDue()];
      await Promise.race([relayHold.held(2), ...passes]);
      relayHold.release();
      const reports = await Promise.all(passes);
      expect(reports.map((report) => report.claimed)).toEqual([1, 1]);
      expect(reports.map((report) => report.sent).sort()).toEqual([0, 1]);
      expect(reports.map((report) => report.deferred).sort()).toEqual([0, 1]);
      expect(sentToAnn()).toBe(1);
      expect(await slotsOf()).toEqual([]);

      // The deferred one comes back to either process and meets the cap with the first counted.
      for (let pass = 0; pass < 3; pass++) {
        now += 2000;
        await Promise.all(processes.map((engine) => engine.emailSender.sendDue()));
      }
      expect(sentToAnn()).toBe(1);
      const statuses = await first.store.db
        .selectFrom('email_messages')
        .select(['message_id', 'status', 'error'])
        .where('workspace_id', '=', workspaceId)
        .execute();
      const statusOf = (id: string | undefined) => statuses.find((s) => s.message_id === id);
      if (statusOf(waiting)?.status === 'sent')
        expect(statusOf(skipping)).toMatchObject({ status: 'skipped', error: 'frequency_cap' });
      else {
        expect(statusOf(skipping)?.status).toBe('sent');
        // Over the cap, waiting: queued again for when the first send leaves the day.
        expect(statusOf(waiting)?.status).toBe('queued');
      }
    });

    it('takes over the slot of a process killed while holding it, once the slot expires', async () => {
      const [first, second] = processes as [Engine, Engine];
      const { workspaceId, ann, queue, sentToAnn, slotsOf } = await cappedWorkspace(first);
      // A process took Ann's slot for an email and died before recording it.
      await new StoreMarketingSlots(first.store, 60_000).take(
        workspaceId,
        [{ profileId: ann, messageId: 'em_of_a_killed_process' }],
        now,
      );
      await queue([{ origin: { kind: 'broadcast', id: 'bcast_2' }, overCap: 'wait' }]);
      expect(await first.emailSender.sendDue()).toMatchObject({ claimed: 1, deferred: 1 });
      expect(sentToAnn()).toBe(0);
      now += 60_000;
      expect(await second.emailSender.sendDue()).toMatchObject({ claimed: 1, sent: 1 });
      expect(sentToAnn()).toBe(1);
      expect(await slotsOf()).toEqual([]);
    });
  },
);
