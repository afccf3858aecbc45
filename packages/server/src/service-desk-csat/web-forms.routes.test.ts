import { MIN_FILL_MS } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'DELETE' | 'OPTIONS';

describe.each(ENGINES)('web forms on %s', (kind) => {
  let server: TestServer;
  let form: { id: string; formKey: string; teamId: string };
  beforeAll(async () => {
    server = await startTestServer(kind);
    const team = (await call('POST', '/api/v1/teams', { name: 'Website' })).json();
    const created = await call('POST', '/api/v1/web-forms', { name: 'Contact us', teamId: team.id });
    expect(created.statusCode).toBe(201);
    form = created.json();
  });
  afterAll(() => server?.close());
  const call = (
    method: Method,
    url: string,
    payload?: unknown,
    headers: Record<string, string> = server.owner,
  ) => server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const stamp = async () =>
    (await call('GET', `/v1/forms/${form.formKey}/stamp`, undefined, {})).json().stamp;
  const submission = (extra: Record<string, unknown>) => ({
    email: 'Visitor@Site.test',
    name: 'Vi Sitor',
    subject: 'Where is my order?',
    message: 'Ordered last week.',
    website: '',
    ...extra,
  });

  it('manages forms: the desk reads them, those who manage sources create them, bad input named', async () => {
    const listed = await call('GET', '/api/v1/web-forms', undefined, await server.tokenFor('viewer'));
    expect(listed.json().data).toEqual([form]);
    expect(form.formKey).toMatch(/^wf_/);
    const support = await server.tokenFor('support');
    expect((await call('POST', '/api/v1/web-forms', { name: 'x' }, support)).statusCode).toBe(403);
    const noName = await call('POST', '/api/v1/web-forms', { name: ' ' });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.details).toMatchObject([{ path: 'body.name' }]);
    const noTeam = await call('POST', '/api/v1/web-forms', { name: 'x', teamId: 'team_nope' });
    expect(noTeam.statusCode).toBe(422);
    expect(noTeam.json().error.details).toMatchObject([{ path: 'teamId' }]);
    const extra = (await call('POST', '/api/v1/web-forms', { name: 'Temp' })).json();
    expect((await call('DELETE', `/api/v1/web-forms/${extra.id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/v1/web-forms/${extra.id}`)).statusCode).toBe(404);
  });

  it('serves the embeddable script and a preflight open to any origin', async () => {
    const script = await call('GET', `/v1/forms/${form.formKey}.js`, undefined, {});
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.body).toContain(JSON.stringify(form.formKey));
    expect(script.body).toContain('data-tandem-form');
    expect((await call('GET', '/v1/forms/wf_nope.js', undefined, {})).statusCode).toBe(404);
    const preflight = await call('OPTIONS', `/v1/forms/${form.formKey}/tickets`, undefined, {
      origin: 'https://shop.example',
      'access-control-request-method': 'POST',
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toContain('content-type');
  });

  it('refuses a filled honeypot, a forged stamp and a too-fast submission with clear errors', async () => {
    const url = `/v1/forms/${form.formKey}/tickets`;
    const honeypot = await call(
      'POST',
      url,
      submission({ stamp: await stamp(), website: 'http://spam' }),
      {},
    );
    expect(honeypot.statusCode).toBe(422);
    expect(honeypot.headers['access-control-allow-origin']).toBe('*');
    expect(honeypot.json().error.details).toMatchObject([{ path: 'website' }]);
    const fast = await call('POST', url, submission({ stamp: await stamp() }), {});
    expect(fast.statusCode).toBe(422);
    expect(fast.json().error.message).toContain('too fast');
    const forged = await call('POST', url, submission({ stamp: `${Date.now() - 60_000}.forged` }), {});
    expect(forged.statusCode).toBe(422);
    expect(forged.json().error.details).toMatchObject([{ path: 'stamp' }]);
    const noEmail = await call('POST', url, submission({ stamp: await stamp(), email: 'nope' }), {});
    expect(noEmail.statusCode).toBe(400);
    expect(noEmail.headers['access-control-allow-origin']).toBe('*');
    expect(noEmail.json().error.details).toMatchObject([{ path: 'body.email' }]);
    expect((await call('POST', '/v1/forms/wf_nope/tickets', submission({ stamp: 'x' }), {})).statusCode).toBe(
      404,
    );
  });

  it('opens a ticket for a real submission, for the email’s person, in the form’s team', async () => {
    const rendered = await stamp();
    await new Promise((resolve) => setTimeout(resolve, MIN_FILL_MS + 100));
    const sent = await call('POST', `/v1/forms/${form.formKey}/tickets`, submission({ stamp: rendered }), {
      origin: 'https://shop.example',
    });
    expect(sent.statusCode).toBe(201);
    expect(sent.headers['access-control-allow-origin']).toBe('*');
    const ticket = (await call('GET', `/api/v1/tickets/${sent.json().ticketId}`)).json();
    expect(ticket).toMatchObject({
      number: sent.json().number,
      subject: 'Where is my order?',
      requesterEmail: 'visitor@site.test',
      channel: 'web',
      teamId: form.teamId,
    });
    expect(ticket.messages[0].body).toBe('Ordered last week.');
  });

  it('limits submissions per client IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (
          await call(
            'POST',
            `/v1/forms/${form.formKey}/tickets`,
            submission({ stamp: 'x', website: 'bot' }),
            {},
          )
        ).statusCode,
      );
    expect(statuses).toContain(429);
  });
});
