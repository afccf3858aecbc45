import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the consent API on %s', (kind) => {
  let server: TestServer;
  let adaId: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: {
        batch: [
          { type: 'identify', userId: 'ada', timestamp: '2024-05-01T00:00:00.000Z' },
          {
            type: 'track',
            userId: 'ada',
            event: 'Segment Consent Preference Updated',
            timestamp: '2024-05-02T00:00:00.000Z',
            context: { consent: { categoryPreferences: { marketing: false, analytics: true } } },
          },
        ],
      },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    adaId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'ada')).id;
  });
  afterAll(() => server.close());
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload === undefined ? {} : { payload }) });

  it('lists the built-in purposes, then the ones the workspace defines', async () => {
    const listed = await call('GET', '/api/v1/consent/purposes');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data.map((p: { key: string }) => p.key)).toEqual([
      'necessary',
      'analytics',
      'marketing',
      'personalization',
      'sale-of-data',
    ]);
    const created = await call('POST', '/api/v1/consent/purposes', {
      key: 'research',
      label: 'Research',
      aliases: ['C0009'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      key: 'research',
      description: '',
      defaultMode: null,
      aliases: ['C0009'],
    });
    const edited = await call('PATCH', '/api/v1/consent/purposes/research', { defaultMode: 'opt-in' });
    expect(edited.json()).toMatchObject({ key: 'research', label: 'Research', defaultMode: 'opt-in' });
    expect(
      (await call('POST', '/api/v1/consent/purposes', { key: 'research', label: 'Again' })).statusCode,
    ).toBe(409);
    const clash = await call('POST', '/api/v1/consent/purposes', {
      key: 'ads',
      label: 'Ads',
      aliases: ['C0004'],
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.message).toContain('marketing');
    expect((await call('DELETE', '/api/v1/consent/purposes/research')).statusCode).toBe(204);
    expect((await call('DELETE', '/api/v1/consent/purposes/research')).statusCode).toBe(404);
    const necessary = await call('DELETE', '/api/v1/consent/purposes/necessary');
    expect(necessary.statusCode).toBe(409);
    expect(necessary.json().error.message).toMatch(/necessary purpose cannot be removed/);
  });

  it('answers 400 naming the field of an invalid purpose, setting or decision', async () => {
    const key = await call('POST', '/api/v1/consent/purposes', { key: 'Bad Key!', label: 'x' });
    expect(key.statusCode).toBe(400);
    expect(key.json().error.details[0].path).toBe('body.key');
    const mode = await call('PUT', '/api/v1/consent/settings', { defaultMode: 'sometimes' });
    expect(mode.statusCode).toBe(400);
    expect(mode.json().error.details[0].path).toBe('body.defaultMode');
    const none = await call('PUT', `/api/v1/profiles/${adaId}/consent`, { purposes: {} });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details[0].path).toBe('body.purposes');
    const notBoolean = await call('PUT', `/api/v1/profiles/${adaId}/consent`, {
      purposes: { marketing: 'yes' },
    });
    expect(notBoolean.statusCode).toBe(400);
    expect(notBoolean.json().error.details[0].path).toBe('body.purposes.marketing');
    const unknown = await call('PUT', `/api/v1/profiles/${adaId}/consent`, { purposes: { telepathy: true } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({
      message: 'Invalid purposes.telepathy: no such purpose',
      details: [{ path: 'purposes.telepathy', message: 'no such purpose' }],
    });
    const future = await call('PUT', `/api/v1/profiles/${adaId}/consent`, {
      purposes: { marketing: true },
      decidedAt: '2999-01-01T00:00:00Z',
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.details[0].path).toBe('decidedAt');
    expect((await call('GET', '/api/v1/profiles/prof_nobody/consent')).statusCode).toBe(404);
  });

  it('shows the consent events carried and records a decision with who made it', async () => {
    const before = await call('GET', `/api/v1/profiles/${adaId}/consent`);
    expect(before.statusCode).toBe(200);
    expect(before.json().purposes.marketing).toEqual({
      granted: false,
      updatedAt: '2024-05-02T00:00:00.000Z',
      basis: 'decision',
    });
    expect(before.json().history[0].source.kind).toBe('event');
    const support = await server.tokenFor('support');
    const recorded = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/profiles/${adaId}/consent`,
      headers: support,
      payload: { purposes: { marketing: true }, note: 'asked on the phone' },
    });
    expect(recorded.statusCode).toBe(200);
    const body = recorded.json();
    expect(body.purposes.marketing).toMatchObject({ granted: true, basis: 'decision' });
    expect(body.history[0]).toMatchObject({
      purpose: 'marketing',
      granted: true,
      source: { kind: 'api', note: 'asked on the phone', principal: expect.stringMatching(/^tok_/) },
    });
  });

  it('lets only privacy managers change purposes and the default, and readers only read', async () => {
    const support = await server.tokenFor('support');
    const viewer = await server.tokenFor('viewer');
    const admin = await server.tokenFor('admin');
    const as = (
      headers: Record<string, string>,
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      payload?: unknown,
    ) => server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    expect((await as(support, 'POST', '/api/v1/consent/purposes', { key: 'x', label: 'X' })).statusCode).toBe(
      403,
    );
    expect((await as(support, 'PUT', '/api/v1/consent/settings', { defaultMode: 'opt-in' })).statusCode).toBe(
      403,
    );
    expect((await as(viewer, 'GET', '/api/v1/consent/purposes')).statusCode).toBe(200);
    expect((await as(viewer, 'GET', `/api/v1/profiles/${adaId}/consent`)).statusCode).toBe(200);
    const viewerWrite = await as(viewer, 'PUT', `/api/v1/profiles/${adaId}/consent`, {
      purposes: { marketing: false },
    });
    expect(viewerWrite.statusCode).toBe(403);
    const settings = await as(admin, 'PUT', '/api/v1/consent/settings', { defaultMode: 'opt-in' });
    expect(settings.json()).toEqual({ defaultMode: 'opt-in' });
    expect((await as(viewer, 'GET', '/api/v1/consent/settings')).json()).toEqual({ defaultMode: 'opt-in' });
    // Another workspace's profile is not found from this one.
    const other = await createWorkspace(server.engine.store, 'other');
    const otherOwner = await server.tokenFor('owner', other.id);
    expect((await as(otherOwner, 'GET', `/api/v1/profiles/${adaId}/consent`)).statusCode).toBe(404);
    await as(admin, 'PUT', '/api/v1/consent/settings', { defaultMode: 'opt-out' });
  });
});
