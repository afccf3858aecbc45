import { CreateSlaPolicySchema } from '@tandem/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { type SmtpRelay, startSmtpRelay } from '../email/testing/index.js';
import { CSAT_ANSWER_WINDOW_MS } from './satisfaction-service.js';
import { slaAttainmentReport } from './sla-attainment.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const START = Date.parse('2026-03-02T09:00:00.000Z');

describe.each(ENGINES)('satisfaction and SLA attainment on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  let now = START;
  let workspaceId: string;
  beforeEach(async () => {
    now = START;
    relay = await startSmtpRelay();
    engine = await openTestEngine(kind, {
      segment: { clock: () => now },
      sla: { clock: () => now },
      mail: { smtpUrl: relay.url },
      access: { publicUrl: 'https://desk.example.test/' },
    });
    workspaceId = (await createWorkspace(engine.store, `csat ${Math.random()}`)).id;
    await engine.mailboxes.create(workspaceId, { address: 'help@acme.test' });
  });
  afterEach(async () => {
    await engine.dispose();
    await relay.close();
  });

  const openTicket = (email: string, extra: Record<string, unknown> = {}) =>
    engine.tickets.create(workspaceId, { subject: `From ${email}`, email, priority: 'high', ...extra }, null);
  const tokenOf = (email: string) => {
    const mail = relay.messages.find((m) => JSON.stringify(m.to).includes(email));
    return /\/csat\/([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
  };

  it('lets an answer change within 7 days of the first, then keeps it', async () => {
    const ticket = await openTicket('ann@customer.test');
    await engine.tickets.update(workspaceId, ticket.id, { status: 'solved' }, null);
    await engine.satisfaction.whenIdle();
    const token = tokenOf('ann@customer.test');
    expect(relay.messages[0]?.text).toContain(`https://desk.example.test/csat/${token}`);
    expect(relay.messages[0]?.from?.text).toContain('help@acme.test');

    await engine.satisfaction.answer(token, { score: 3 });
    now += CSAT_ANSWER_WINDOW_MS - MINUTE;
    expect(await engine.satisfaction.answer(token, { score: 4, comment: ' better ' })).toMatchObject({
      score: 4,
      comment: 'better',
      answeredAt: new Date(START).toISOString(),
    });
    now += 2 * MINUTE;
    await expect(engine.satisfaction.answer(token, { score: 1 })).rejects.toMatchObject({ code: 'conflict' });
    expect(await engine.satisfaction.page(token)).toMatchObject({ score: 4, answerable: false });
  });

  it('sends one survey per solve, none for a skipped ticket, and records a refused relay', async () => {
    const ticket = await openTicket('bo@customer.test');
    await engine.tickets.update(workspaceId, ticket.id, { status: 'solved' }, null);
    await engine.tickets.update(workspaceId, ticket.id, { status: 'open' }, null);
    now += MINUTE;
    await engine.tickets.update(workspaceId, ticket.id, { status: 'solved' }, null);
    await engine.satisfaction.whenIdle();
    expect(relay.messages.filter((m) => JSON.stringify(m.to).includes('bo@customer.test'))).toHaveLength(2);

    const skipped = await openTicket('cy@customer.test');
    await engine.satisfaction.setSkip(workspaceId, skipped.id, true);
    await engine.tickets.bulkUpdate(workspaceId, { ticketIds: [skipped.id], status: 'solved' }, null);
    expect((await engine.satisfaction.ofTicket(workspaceId, skipped.id)).survey).toBeNull();

    const refused = await openTicket('di@customer.test');
    relay.refuse(550, 'mailbox unavailable');
    await engine.tickets.reply(
      workspaceId,
      refused.id,
      { body: 'Done', public: false, status: 'solved' },
      null,
    );
    await engine.satisfaction.whenIdle();
    const survey = (await engine.satisfaction.ofTicket(workspaceId, refused.id)).survey;
    expect(survey).toMatchObject({
      delivery: 'failed',
      deliveryError: expect.stringContaining('mailbox unavailable'),
    });
  });

  it('reports the share of settled SLA targets met, a breach counting against', async () => {
    await engine.slaSettings.createPolicy(
      workspaceId,
      CreateSlaPolicySchema.parse({
        name: 'Fast',
        hours: 'calendar',
        targets: { high: { firstResponse: 60, resolution: 480 } },
      }),
    );
    const met = await openTicket('ed@customer.test', { body: 'Help' });
    const breached = await openTicket('fay@customer.test', { body: 'Help' });
    const running = await openTicket('gus@customer.test', { body: 'Help', priority: 'normal' });
    now += 30 * MINUTE;
    await engine.tickets.reply(workspaceId, met.id, { body: 'Fixed', public: true, status: 'solved' }, null);
    now += 2 * 60 * MINUTE; // the second ticket's first response is now late
    const report = await slaAttainmentReport(
      {
        openedBetween: (ws, from, to) => engine.tickets.openedBetween(ws, from, to),
        outcomesOf: (ws, ids) => engine.sla.outcomesOf(ws, ids),
      },
      workspaceId,
      { from: '2026-03-01', to: '2026-03-03' },
      now,
    );
    // The third has the policy but no target for its priority: counted, neither met nor breached.
    expect(running.sla?.policyId).toBeDefined();
    expect(breached.id).toBeDefined();
    expect(report.totals).toEqual({
      tickets: 3,
      firstResponseMet: 1,
      firstResponseBreached: 1,
      firstResponsePercent: 50,
      resolutionMet: 1,
      resolutionBreached: 0,
      resolutionPercent: 100,
    });
    expect(report.byAgent).toEqual([expect.objectContaining({ assigneeId: null, tickets: 3 })]);
    const outside = await slaAttainmentReport(
      {
        openedBetween: (ws, from, to) => engine.tickets.openedBetween(ws, from, to),
        outcomesOf: (ws, ids) => engine.sla.outcomesOf(ws, ids),
      },
      workspaceId,
      { from: '2026-03-03', to: '2026-03-04' },
      now + DAY,
    );
    expect(outside.totals.tickets).toBe(0);
  });
});
