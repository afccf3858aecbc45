import { ENGINES, type SmtpRelay, startSmtpRelay } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(ENGINES)('satisfaction API on %s', (kind) => {
  let server: TestServer;
  let relay: SmtpRelay;
  let support: { authorization: string };
  let agentId: string;
  beforeAll(async () => {
    relay = await startSmtpRelay();
    server = await startTestServer(
      kind,
      { TANDEM_SMTP_URL: relay.url, TANDEM_PUBLIC_URL: 'https://desk.example.test' },
      { smtpUrl: relay.url },
    );
    support = await server.tokenFor('support');
    agentId = (await server.engine.access.members.list(server.workspaceId))[0]?.id ?? '';
    await call('POST', '/api/v1/mailboxes', { address: 'help@acme.test' });
  });
  afterAll(async () => {
    await server?.close();
    await relay?.close();
  });
  const call = (
    method: Method,
    url: string,
    payload?: unknown,
    headers: Record<string, string> = server.owner,
  ) => server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const surveyFor = (email: string) =>
    until(
      async () =>
        relay.messages.find(
          (m) => m.subject?.startsWith('How did we do') && m.to && JSON.stringify(m.to).includes(email),
        ),
      `survey to ${email}`,
    );

  it('mails a survey on solve; the answer is stored once, updatable, and lands on the person', async () => {
    const team = (await call('POST', '/api/v1/teams', { name: 'Tier 1' })).json();
    const ticket = (
      await call('POST', '/api/v1/tickets', {
        subject: 'Printer on fire',
        email: 'ana@customer.test',
        priority: 'normal',
        body: 'Help',
        assigneeId: agentId,
        teamId: team.id,
      })
    ).json();
    const solved = await call('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'solved' }, support);
    expect(solved.statusCode).toBe(200);
    const mail = await surveyFor('ana@customer.test');
    expect(mail.from?.text).toContain('help@acme.test');
    const link = /https:\/\/desk\.example\.test\/csat\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '');
    expect(link).not.toBeNull();
    const token = link?.[1] ?? '';
    expect(token.length).toBeGreaterThanOrEqual(32);

    // Solving again (no change) sends no second survey.
    await call('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'solved' }, support);
    const page = await call('GET', `/api/v1/csat/${token}`, undefined, {});
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      ticketNumber: ticket.number,
      subject: 'Printer on fire',
      score: null,
    });
    expect(relay.messages.filter((m) => JSON.stringify(m.to).includes('ana@customer.test'))).toHaveLength(1);

    const bad = await call('POST', `/api/v1/csat/${token}`, { score: 9 }, {});
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toMatchObject([{ path: 'body.score' }]);
    const answered = await call('POST', `/api/v1/csat/${token}`, { score: 2, comment: 'slow' }, {});
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ score: 2, comment: 'slow', answerable: true });
    const changed = await call(
      'POST',
      `/api/v1/csat/${token}`,
      { score: 5, comment: 'Great in the end' },
      {},
    );
    expect(changed.json()).toMatchObject({ score: 5, comment: 'Great in the end' });

    const csat = (await call('GET', `/api/v1/tickets/${ticket.id}/csat`, undefined, support)).json();
    expect(csat).toMatchObject({
      skip: false,
      survey: { delivery: 'sent', score: 5, comment: 'Great in the end' },
    });

    await server.engine.pipeline.catchUp();
    const events = (
      await call(
        'GET',
        `/api/v1/profiles/${ticket.profileId}/events?event=CSAT%20Submitted`,
        undefined,
        support,
      )
    ).json().data;
    expect(events).toHaveLength(2);
    expect(events.map((e: { properties: { score: number } }) => e.properties.score).sort()).toEqual([2, 5]);
    expect(events[0].properties).toMatchObject({ ticketId: ticket.id });

    const report = (await call('GET', '/api/v1/csat-reports')).json();
    expect(report.totals).toEqual({ responses: 1, average: 5, satisfiedPercent: 100 });
    expect(report.byAgent).toEqual([
      { assigneeId: agentId, responses: 1, average: 5, satisfiedPercent: 100 },
    ]);
    expect(report.byTeam).toEqual([{ teamId: team.id, responses: 1, average: 5, satisfiedPercent: 100 }]);
    // Over time and by score: the one answer counted today and under 5.
    expect(report.byDay).toHaveLength(30);
    expect(report.byDay.at(-1)).toEqual({ day: report.to, responses: 1, average: 5 });
    expect(report.distribution).toEqual(
      [1, 2, 3, 4, 5].map((score) => ({ score, responses: score === 5 ? 1 : 0 })),
    );
  });

  it('skips the survey of a ticket flagged csatSkip, and refuses unknown tokens', async () => {
    const ticket = (
      await call('POST', '/api/v1/tickets', { subject: 'Quiet', email: 'bo@customer.test', priority: 'low' })
    ).json();
    const viewer = await server.tokenFor('viewer');
    expect(
      (await call('PATCH', `/api/v1/tickets/${ticket.id}/csat`, { skip: true }, viewer)).statusCode,
    ).toBe(403);
    const badSkip = await call('PATCH', `/api/v1/tickets/${ticket.id}/csat`, { skip: 'yes' }, support);
    expect(badSkip.statusCode).toBe(400);
    expect(badSkip.json().error.details).toMatchObject([{ path: 'body.skip' }]);
    const skipped = await call('PATCH', `/api/v1/tickets/${ticket.id}/csat`, { skip: true }, support);
    expect(skipped.json()).toMatchObject({ skip: true, survey: null });
    await call('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'solved' }, support);
    expect((await call('GET', `/api/v1/tickets/${ticket.id}/csat`)).json()).toMatchObject({ survey: null });
    expect(relay.messages.some((m) => JSON.stringify(m.to).includes('bo@customer.test'))).toBe(false);
    expect((await call('PATCH', '/api/v1/tickets/tick_nope/csat', { skip: true })).statusCode).toBe(404);

    const unknown = await call('POST', '/api/v1/csat/not-a-token', { score: 4 }, {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toContain('survey');
  });

  it('reports SLA attainment of settled targets by agent and team', async () => {
    const policy = await call('POST', '/api/v1/sla-policies', {
      name: 'Everyone',
      hours: 'calendar',
      targets: { high: { firstResponse: 60, resolution: 600 } },
    });
    expect(policy.statusCode).toBe(201);
    const team = (await call('POST', '/api/v1/teams', { name: 'SLA team' })).json();
    const met = (
      await call('POST', '/api/v1/tickets', {
        subject: 'Fast',
        email: 'cy@customer.test',
        priority: 'high',
        assigneeId: agentId,
        teamId: team.id,
      })
    ).json();
    await call('POST', `/api/v1/tickets/${met.id}/replies`, {
      body: 'On it',
      public: true,
      status: 'solved',
    });
    // Still running: counted as a ticket, neither met nor breached.
    await call('POST', '/api/v1/tickets', {
      subject: 'Open',
      email: 'cy@customer.test',
      priority: 'high',
      teamId: team.id,
    });
    const report = await call('GET', '/api/v1/sla-attainment', undefined, support);
    expect(report.statusCode).toBe(200);
    const byTeam = report.json().byTeam.find((t: { teamId: string }) => t.teamId === team.id);
    expect(byTeam).toMatchObject({
      tickets: 2,
      firstResponseMet: 1,
      firstResponseBreached: 0,
      firstResponsePercent: 100,
      resolutionMet: 1,
      resolutionPercent: 100,
    });
    const bad = await call('GET', '/api/v1/sla-attainment?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error)).toContain('from');
  });
});
