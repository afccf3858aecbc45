import { newId } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const HUMAN =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

describe.each(ENGINES)('email preferences API and public pages on %s', (kind) => {
  let server: TestServer;
  let annId: string;
  beforeAll(async () => {
    server = await startTestServer(kind, { TANDEM_PUBLIC_URL: 'https://tandem.example.test' });
    const { engine, workspaceId } = server;
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [{ type: 'identify', userId: 'ann', traits: { email: 'ann@example.com' }, messageId: 'm1' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    annId = (await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).id;
  });
  afterAll(() => server?.close());
  const call = (method: Method, url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload === undefined ? {} : { payload }) });

  /** An email as the sender would decorate it (the policy decides first, as the sender does). */
  const decoratedEmail = async (topicId: string | null) => {
    const email = {
      workspaceId: server.workspaceId,
      messageId: newId('emailMessage'),
      profileId: annId,
      to: 'ann@example.com',
      category: 'marketing' as const,
      topicId,
      origin: { kind: 'api' as const, id: 'test' },
      overCap: 'wait' as const,
    };
    const policy = server.engine.emailPolicy;
    await policy.decide(server.engine.store.db, email, Date.now() - 60_000);
    const html =
      '<html><body><a href="https://shop.example/x">Shop</a> <a href="%%PREFERENCES_URL%%">Prefs</a></body></html>';
    return policy.decorate(email, { subject: 'Hi', html, text: '', headers: {} });
  };
  const pathOf = (html: string, path: string) =>
    new RegExp(`https://tandem\\.example\\.test(${path}[\\w.-]+)`).exec(html)?.[1] ?? '';

  it('manages topics, suppressions and the frequency cap, naming the field of a bad request', async () => {
    const created = await call('POST', '/api/v1/email/topics', {
      name: 'Newsletter',
      defaultSubscribed: true,
    });
    expect(created.statusCode).toBe(201);
    const topic = created.json();
    expect((await call('POST', '/api/v1/email/topics', { name: 'Newsletter' })).json()).toMatchObject({
      error: { code: 'conflict', details: [{ path: 'name' }] },
    });
    expect((await call('POST', '/api/v1/email/topics', { name: '' })).json()).toMatchObject({
      error: { details: [{ path: 'body.name' }] },
    });
    expect(
      (await call('PATCH', `/api/v1/email/topics/${topic.id}`, { description: 'Weekly' })).json(),
    ).toMatchObject({
      description: 'Weekly',
      defaultSubscribed: true,
    });
    expect((await call('GET', '/api/v1/email/topics')).json().data).toHaveLength(1);

    expect((await call('POST', '/api/v1/email/suppressions', { address: 'not an address' })).statusCode).toBe(
      400,
    );
    const suppressed = await call('POST', '/api/v1/email/suppressions', {
      address: 'Bob@Example.com',
      note: 'asked',
    });
    expect(suppressed.statusCode).toBe(201);
    expect(suppressed.json()).toMatchObject({ address: 'bob@example.com', reason: 'manual', note: 'asked' });
    expect((await call('GET', '/api/v1/email/suppressions?q=bob')).json().data).toHaveLength(1);
    expect((await call('DELETE', '/api/v1/email/suppressions/bob%40example.com')).statusCode).toBe(204);
    expect((await call('DELETE', '/api/v1/email/suppressions/bob%40example.com')).statusCode).toBe(404);

    expect((await call('GET', '/api/v1/email/frequency-cap')).json()).toEqual({
      enabled: false,
      max: 3,
      period: '7d',
    });
    const bad = await call('PUT', '/api/v1/email/frequency-cap', { enabled: true, max: 3, period: 'weekly' });
    expect(bad.json()).toMatchObject({ error: { details: [{ path: 'body.period' }] } });
    expect(
      (await call('PUT', '/api/v1/email/frequency-cap', { enabled: true, max: 5, period: '1w' })).json(),
    ).toEqual({
      enabled: true,
      max: 5,
      period: '1w',
    });
    expect((await call('DELETE', `/api/v1/email/topics/${topic.id}`)).statusCode).toBe(204);
  });

  it('serves the pixel, redirects tracked links, and flags a HEAD request as a machine', async () => {
    const decorated = await decoratedEmail(null);
    const pixel = pathOf(decorated.html, '/e/o/');
    const opened = await server.app.inject({ method: 'GET', url: pixel, headers: { 'user-agent': HUMAN } });
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['content-type']).toBe('image/gif');
    expect(
      (await server.app.inject({ method: 'HEAD', url: pixel, headers: { 'user-agent': HUMAN } })).statusCode,
    ).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/e/o/forged.token' })).statusCode).toBe(200);

    const link = pathOf(decorated.html, '/e/c/');
    const clicked = await server.app.inject({ method: 'GET', url: link, headers: { 'user-agent': HUMAN } });
    expect(clicked.statusCode).toBe(302);
    expect(clicked.headers.location).toBe('https://shop.example/x');
    expect((await server.app.inject({ method: 'GET', url: `${link}x` })).statusCode).toBe(404);

    await server.engine.pipeline.catchUp();
    const timeline = await server.engine.profiles.timeline(server.workspaceId, annId, { limit: 50 });
    // Machines both: a HEAD request, and (the server's real clock) an open in the first seconds.
    const opens = timeline.data.filter((event) => event.event === 'Email Opened');
    const reasons = opens.map(
      (event) => (event as { properties?: { machineReason?: string } }).properties?.machineReason,
    );
    expect(reasons.sort()).toEqual(['head_request', 'too_soon_after_send']);
  });

  it('unsubscribes in one click (RFC 8058) and saves the preference page', async () => {
    const topic = (
      await call('POST', '/api/v1/email/topics', { name: 'Offers', defaultSubscribed: true })
    ).json();
    const decorated = await decoratedEmail(topic.id);
    const unsubscribe = /<https:\/\/tandem\.example\.test(\/e\/u\/[\w.-]+)>/.exec(
      decorated.headers['List-Unsubscribe'] ?? '',
    )?.[1];
    expect(decorated.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const confirm = await server.app.inject({ method: 'GET', url: unsubscribe ?? '' });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('“Offers” emails');
    const oneClick = await server.app.inject({
      method: 'POST',
      url: unsubscribe ?? '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    const multipart = await server.app.inject({
      method: 'POST',
      url: unsubscribe ?? '',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      payload: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
    });
    expect(multipart.statusCode).toBe(200);
    let person = (await call('GET', `/api/v1/profiles/${annId}/email-preferences`)).json();
    expect(person.topics.find((t: { topicId: string }) => t.topicId === topic.id)).toMatchObject({
      subscribed: false,
      source: 'one_click',
    });

    const preferences = pathOf(decorated.html, '/email/preferences/');
    const page = await server.app.inject({ method: 'GET', url: preferences });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Offers');
    const saved = await server.app.inject({
      method: 'POST',
      url: preferences,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `shown=${topic.id}&topic=${topic.id}&unsubscribedAll=1`,
    });
    expect(saved.statusCode).toBe(303);
    person = (await call('GET', `/api/v1/profiles/${annId}/email-preferences`)).json();
    expect(person).toMatchObject({ unsubscribedAll: true });
    expect(person.topics.find((t: { topicId: string }) => t.topicId === topic.id)).toMatchObject({
      subscribed: true,
    });
    expect((await server.app.inject({ method: 'GET', url: '/email/preferences/nope' })).statusCode).toBe(404);

    const admin = await call('PUT', `/api/v1/profiles/${annId}/email-preferences`, {
      unsubscribedAll: false,
    });
    expect(admin.json()).toMatchObject({ unsubscribedAll: false });
    expect(admin.json().history[0]).toMatchObject({ topicId: '*', subscribed: true, source: 'admin' });
    expect((await call('GET', '/api/v1/profiles/prof_nobody/email-preferences')).statusCode).toBe(404);
  });
});
