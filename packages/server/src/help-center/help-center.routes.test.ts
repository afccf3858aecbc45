import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../testing/smtp-sink.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe.each(ENGINES)('help center on %s', (kind) => {
  let server: TestServer;
  let sink: SmtpSink;
  let key: string;
  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer(kind, {
      TANDEM_SMTP_URL: sink.url,
      TANDEM_PUBLIC_URL: 'https://desk.example',
    });
    key = (await call('GET', '/api/v1/help-center/site')).json().key;
  });
  afterAll(async () => {
    await server.close();
    await sink.close();
  });
  const call = (
    method: Method,
    url: string,
    payload?: unknown,
    headers: Record<string, string> = server.owner,
  ) => server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const form = (url: string, fields: Record<string, string>, cookie?: string) =>
    server.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      payload: new URLSearchParams(fields).toString(),
    });

  it('edits categories and articles, searches them, and checks access and input', async () => {
    const site = (await call('GET', '/api/v1/help-center/site')).json();
    expect(site.url).toBe(`https://desk.example/help/${site.key}`);
    const category = await call('POST', '/api/v1/help-center/categories', { name: 'Accounts' });
    expect(category.statusCode).toBe(201);
    const created = await call('POST', '/api/v1/help-center/articles', {
      title: 'Change your email',
      body: 'Go to **Profile** and edit the address.',
      categoryId: category.json().id,
    });
    expect(created.statusCode).toBe(201);
    const article = created.json();
    expect(article).toMatchObject({ slug: 'change-your-email', status: 'draft', publicUrl: null });
    const published = await call('PATCH', `/api/v1/help-center/articles/${article.id}`, {
      status: 'published',
    });
    expect(published.json().publicUrl).toBe(`${site.url}/articles/change-your-email`);

    const viewer = await server.tokenFor('viewer');
    const support = await server.tokenFor('support');
    const found = await call('GET', '/api/v1/help-center/articles?q=profile%20address', undefined, viewer);
    expect(found.json().data.map((a: { id: string }) => a.id)).toEqual([article.id]);
    expect(
      (await call('GET', '/api/v1/help-center/articles?q=nothing-like-it', undefined, viewer)).json().data,
    ).toEqual([]);
    expect((await call('POST', '/api/v1/help-center/articles', { title: 'x' }, viewer)).statusCode).toBe(403);
    expect(
      (await call('POST', '/api/v1/help-center/articles', { title: 'By support' }, support)).statusCode,
    ).toBe(201);

    const bad = await call('POST', '/api/v1/help-center/articles', { title: 'Y', slug: 'Not A Slug' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toMatchObject([{ path: 'body.slug' }]);
    const taken = await call('POST', '/api/v1/help-center/articles', {
      title: 'Z',
      slug: 'change-your-email',
    });
    expect(taken.statusCode).toBe(409);
    const noCategory = await call('POST', '/api/v1/help-center/articles', {
      title: 'Z',
      categoryId: 'hcat_x',
    });
    expect(noCategory.statusCode).toBe(422);
    expect(noCategory.json().error.details).toMatchObject([{ path: 'categoryId' }]);

    const preview = await call('POST', '/api/v1/help-center/preview', { markdown: '# Hi <b>x</b>' }, viewer);
    expect(preview.json().html).toBe('<h2>Hi &lt;b&gt;x&lt;/b&gt;</h2>');
    expect((await call('DELETE', `/api/v1/help-center/articles/${article.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/help-center/articles/${article.id}`)).statusCode).toBe(404);
  });

  it('serves published public articles without login, and 404s drafts, internal ones and unknown keys', async () => {
    const make = async (body: object) => (await call('POST', '/api/v1/help-center/articles', body)).json();
    await make({
      title: 'Billing cycles',
      body: 'We bill <script>alert(1)</script> monthly.',
      status: 'published',
    });
    await make({ title: 'Billing draft', body: 'unfinished billing', status: 'draft' });
    await make({
      title: 'Billing internals',
      body: 'agents only billing',
      status: 'published',
      visibility: 'internal',
    });

    const home = await server.app.inject({ method: 'GET', url: `/help/${key}` });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toContain('text/html');
    expect(home.body).toContain('Billing cycles');
    expect(home.body).not.toContain('Billing draft');
    const search = await server.app.inject({ method: 'GET', url: `/help/${key}?q=billing` });
    expect(search.body).toContain('Billing cycles');
    expect(search.body).not.toMatch(/Billing draft|Billing internals/);

    const page = await server.app.inject({ method: 'GET', url: `/help/${key}/articles/billing-cycles` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Billing cycles</h1>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>');
    for (const url of [
      `/help/${key}/articles/billing-draft`,
      `/help/${key}/articles/billing-internals`,
      '/help/nokey',
    ])
      expect((await server.app.inject({ method: 'GET', url })).statusCode).toBe(404);
  });

  it('signs a requester in by emailed link; the portal shows their tickets’ public conversation and takes replies', async () => {
    const ticket = (
      await call('POST', '/api/v1/tickets', {
        subject: 'Broken export',
        email: 'carol@example.com',
        body: 'It fails',
      })
    ).json();
    await call('POST', `/api/v1/tickets/${ticket.id}/replies`, {
      body: 'SECRET internal note',
      public: false,
    });
    await call('POST', `/api/v1/tickets/${ticket.id}/replies`, { body: 'We are on it' });
    const other = (
      await call('POST', '/api/v1/tickets', { subject: 'Dave’s', email: 'dave@example.com' })
    ).json();

    const invalid = await form(`/help/${key}/portal/link`, { email: 'nope' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Enter a valid email address.');
    const asked = await form(`/help/${key}/portal/link`, { email: 'Carol@example.com' });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Check your email');
    const text = sink.to('carol@example.com').at(-1)?.text ?? '';
    const link = /https:\/\/desk\.example(\/help\/\S+)/.exec(text)?.[1] ?? '';
    expect(link).toContain(`/help/${key}/portal/sign-in?token=`);
    const token = decodeURIComponent(link.split('token=')[1] ?? '');

    // Opening the link only shows a button: a mail scanner does not use the token up.
    expect((await server.app.inject({ method: 'GET', url: link })).body).toContain('name="token"');
    const signIn = await form(`/help/${key}/portal/sign-in`, { token });
    expect(signIn.statusCode).toBe(303);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toContain(`Path=/help/${key}`);
    expect(setCookie).toContain('HttpOnly');
    const cookie = setCookie.split(';')[0] as string;
    expect((await form(`/help/${key}/portal/sign-in`, { token })).statusCode).toBe(400);

    // The portal session is no admin login.
    const admin = await server.app.inject({ method: 'GET', url: '/api/v1/tickets', headers: { cookie } });
    expect(admin.statusCode).toBe(401);

    const list = await server.app.inject({ method: 'GET', url: `/help/${key}/portal`, headers: { cookie } });
    expect(list.body).toContain('Broken export');
    expect(list.body).not.toContain('Dave');
    const view = await server.app.inject({
      method: 'GET',
      url: `/help/${key}/portal/tickets/${ticket.id}`,
      headers: { cookie },
    });
    expect(view.body).toContain('We are on it');
    expect(view.body).not.toContain('SECRET');
    const theirs = await server.app.inject({
      method: 'GET',
      url: `/help/${key}/portal/tickets/${other.id}`,
      headers: { cookie },
    });
    expect(theirs.statusCode).toBe(404);

    const csrf = /name="csrf" value="([^"]+)"/.exec(view.body)?.[1] ?? '';
    const forged = await form(
      `/help/${key}/portal/tickets/${ticket.id}/replies`,
      { text: 'forged', csrf: 'x' },
      cookie,
    );
    expect(forged.statusCode).toBe(403);
    const empty = await form(
      `/help/${key}/portal/tickets/${ticket.id}/replies`,
      { text: '  ', csrf },
      cookie,
    );
    expect(empty.statusCode).toBe(400);
    const sent = await form(
      `/help/${key}/portal/tickets/${ticket.id}/replies`,
      { text: 'Thanks, still failing', csrf },
      cookie,
    );
    expect(sent.statusCode).toBe(303);
    const detail = (await call('GET', `/api/v1/tickets/${ticket.id}`)).json();
    expect(detail.messages.at(-1)).toMatchObject({
      body: 'Thanks, still failing',
      direction: 'inbound',
      public: true,
    });
    expect(
      (await form(`/help/${key}/portal/tickets/${other.id}/replies`, { text: 'x', csrf }, cookie)).statusCode,
    ).toBe(404);

    // Sign-in links are rate limited per caller and address (10 per window by default).
    const asks = [];
    for (let i = 0; i < 11; i++)
      asks.push((await form(`/help/${key}/portal/link`, { email: 'flood@example.com' })).statusCode);
    expect(asks.slice(0, 10).every((status) => status === 200)).toBe(true);
    expect(asks[10]).toBe(429);

    await form(`/help/${key}/portal/sign-out`, { csrf }, cookie);
    const after = await server.app.inject({ method: 'GET', url: `/help/${key}/portal`, headers: { cookie } });
    expect(after.body).toContain('Email me a sign-in link');
  });
});
