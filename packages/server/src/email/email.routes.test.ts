import { ENGINES, type SmtpRelay, startSmtpRelay } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{ traits.name }}, {{ crm.lifecycleStage | default: "friend" }}</mj-text>
</mj-column></mj-section></mj-body></mjml>`;

async function until<T>(read: () => Promise<T | undefined>, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(ENGINES)('the email and broadcasts API on %s', (kind) => {
  let server: TestServer;
  let relay: SmtpRelay;
  beforeAll(async () => {
    relay = await startSmtpRelay();
    server = await startTestServer(kind, { TANDEM_SMTP_URL: relay.url }, { smtpUrl: relay.url });
    await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: {
        batch: Array.from({ length: 5 }, (_, i) => ({
          type: 'identify',
          userId: `member${i}`,
          traits: { email: `member${i}@list.test`, name: `Member ${i}`, plan: i < 4 ? 'pro' : 'free' },
        })),
      },
    });
    await server.engine.pipeline.catchUp();
    await server.engine.segment.catchUp();
    server.engine.emailSender.start();
    server.engine.broadcasts.start();
  });
  afterAll(async () => {
    await server?.close();
    await relay?.close();
  });
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload === undefined ? {} : { payload }) });

  it('keeps templates: 422 naming the field, preview for a person', async () => {
    const bad = await call('POST', '/api/v1/email/templates', {
      name: 'Broken',
      subject: 'Hi {{ traits.name',
      mjml: MJML,
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(['subject']);
    const badMjml = await call('POST', '/api/v1/email/templates', {
      name: 'Broken',
      subject: 'Hi',
      mjml: '<mjml><mj-body><mj-text>x</mj-text></mj-body></mjml>',
    });
    expect(badMjml.statusCode).toBe(422);
    expect(badMjml.json().error.details[0].path).toBe('mjml');

    const created = await call('POST', '/api/v1/email/templates', {
      name: 'News',
      subject: 'News for {{ traits.name }}',
      mjml: MJML,
    });
    expect(created.statusCode).toBe(201);
    const template = created.json();
    expect(template).toMatchObject({ id: expect.stringMatching(/^etpl_/), category: 'marketing' });
    const patched = await call('PATCH', `/api/v1/email/templates/${template.id}`, {
      text: 'Plain {{ traits.name }}',
    });
    expect(patched.json().text).toBe('Plain {{ traits.name }}');
    expect(
      (await call('PATCH', `/api/v1/email/templates/${template.id}`, { text: '{% if %}' })).statusCode,
    ).toBe(422);
    expect(
      (await call('GET', '/api/v1/email/templates')).json().data.map((t: { id: string }) => t.id),
    ).toContain(template.id);

    const member = (await call('GET', '/api/v1/profiles/lookup?type=user_id&value=member1')).json();
    const preview = await call('POST', `/api/v1/email/templates/${template.id}/preview`, {
      profileId: member.id,
    });
    expect(preview.json()).toMatchObject({
      subject: 'News for Member 1',
      text: 'Plain Member 1',
      errors: [],
    });
    expect(preview.json().html).toContain('Hello Member 1, friend');
    const nobody = await call('POST', `/api/v1/email/templates/${template.id}/preview`, {
      profileId: 'prof_none',
    });
    expect(nobody.statusCode).toBe(422);

    const other = (
      await call('POST', '/api/v1/email/templates', { name: 'X', subject: 'X', mjml: MJML })
    ).json();
    expect((await call('DELETE', `/api/v1/email/templates/${other.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/email/templates/${other.id}`)).statusCode).toBe(404);
  });

  /** Every item of a list, following `nextCursor` two at a time. */
  const allPages = async <T extends { id: string }>(path: string) => {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      const body: { data: T[]; nextCursor: string | null } = page.json();
      expect(body.data.length).toBeLessThanOrEqual(2);
      items.push(...body.data);
      cursor = body.nextCursor;
    } while (cursor !== null);
    return items;
  };

  it('pages templates newest first, a small limit at a time', async () => {
    const created: string[] = [];
    for (const name of ['Page 1', 'Page 2', 'Page 3'])
      created.push(
        (await call('POST', '/api/v1/email/templates', { name, subject: name, mjml: MJML })).json().id,
      );
    const ids = (await allPages('/api/v1/email/templates')).map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => created.includes(id))).toEqual([...created].reverse());
    expect((await call('GET', '/api/v1/email/templates?cursor=nope')).statusCode).toBe(400);
  });

  it('keeps the sending settings', async () => {
    expect((await call('GET', '/api/v1/email/settings')).json()).toEqual({
      fromAddress: null,
      fromName: null,
      perSecond: 100,
      perHour: null,
    });
    const put = await call('PUT', '/api/v1/email/settings', {
      fromAddress: 'news@acme.test',
      fromName: 'Acme News',
    });
    expect(put.json()).toMatchObject({ fromAddress: 'news@acme.test', perSecond: 100 });
    expect((await call('PUT', '/api/v1/email/settings', { perSecond: 0 })).statusCode).toBe(400);
  });

  it('broadcasts a template to an audience and reports on it', async () => {
    const audience = (
      await call('POST', '/api/v1/audiences', {
        name: 'Pro',
        rule: { trait: 'plan', op: 'eq', value: 'pro' },
      })
    ).json();
    await until(async () => {
      const members = (await call('GET', `/api/v1/audiences/${audience.id}/members?limit=10`)).json();
      return members.data?.length === 4 ? true : undefined;
    }, 'audience members');
    const template = (
      await call('POST', '/api/v1/email/templates', {
        name: 'Launch',
        subject: 'Launch, {{ traits.name }}',
        mjml: MJML,
      })
    ).json();
    const missing = await call('POST', '/api/v1/broadcasts', {
      templateId: 'etpl_nope',
      audienceId: audience.id,
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details[0].path).toBe('templateId');

    const created = await call('POST', '/api/v1/broadcasts', {
      templateId: template.id,
      audienceId: audience.id,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'Launch',
      status: expect.stringMatching(/scheduled|sending/),
    });
    const id = created.json().id;
    const done = await until(async () => {
      const report = (await call('GET', `/api/v1/broadcasts/${id}`)).json();
      return report.status === 'sent' ? report : undefined;
    }, 'the broadcast to be sent');
    expect(done).toMatchObject({ recipients: 4, sent: 4, delivered: 4, bounced: 0, skipped: 0 });
    const launches = relay.messages.filter((m) => m.subject?.startsWith('Launch, '));
    expect(launches.map((m) => m.subject).sort()).toEqual([
      'Launch, Member 0',
      'Launch, Member 1',
      'Launch, Member 2',
      'Launch, Member 3',
    ]);
    expect(launches[0]?.from?.text).toContain('Acme News');
    expect((await call('GET', '/api/v1/broadcasts')).json().data[0].id).toBe(id);

    // A scheduled broadcast can be cancelled before it goes.
    const later = (
      await call('POST', '/api/v1/broadcasts', {
        templateId: template.id,
        audienceId: audience.id,
        sendAt: new Date(Date.now() + 3_600_000).toISOString(),
        perMinute: 60,
      })
    ).json();
    expect(later.status).toBe('scheduled');
    const cancelled = await call('POST', `/api/v1/broadcasts/${later.id}/cancel`);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', recipients: 0 });
    expect((await call('POST', `/api/v1/broadcasts/${later.id}/cancel`)).statusCode).toBe(409);
  });

  it('pages broadcasts newest first, a small limit at a time', async () => {
    const audience = (
      await call('POST', '/api/v1/audiences', {
        name: 'Free',
        rule: { trait: 'plan', op: 'eq', value: 'free' },
      })
    ).json();
    const template = (
      await call('POST', '/api/v1/email/templates', { name: 'Later', subject: 'Later', mjml: MJML })
    ).json();
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const broadcast = await call('POST', '/api/v1/broadcasts', {
        templateId: template.id,
        audienceId: audience.id,
        sendAt,
      });
      created.push(broadcast.json().id);
    }
    const ids = (await allPages('/api/v1/broadcasts')).map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 3)).toEqual([...created].reverse());
    for (const id of created) await call('POST', `/api/v1/broadcasts/${id}/cancel`);
  });
});
