import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailedToken, type SmtpSink, startSmtpSink } from '../testing/smtp-sink.js';
import {
  startTestServer,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  type TestServer,
} from '../testing/test-server.js';

// Each finding of the access-control review, replayed as the attacker tried it.

const VICTIM = 'victim@example.com';
const VICTIM_PASSWORD = 'heron quartz meadow 9';
const ATTACKER_PASSWORD = 'pickle saturn harbor 3';

describe.each(ENGINES)('access-control findings on %s', (kind) => {
  let server: TestServer;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    server = await startTestServer(kind, {
      TANDEM_SMTP_URL: smtp.url,
      TANDEM_PUBLIC_URL: 'https://tandem.example.com',
      TANDEM_WORKSPACE_CREATION: 'any-user',
    });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  async function signIn(email: string, password: string) {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
    });
    if (response.statusCode !== 200) return { status: response.statusCode, headers: {} };
    const cookie = String(response.headers['set-cookie']).split(';')[0] ?? '';
    return {
      status: 200,
      body: response.json(),
      headers: { cookie, 'x-csrf-token': response.json().csrfToken as string },
    };
  }

  async function invite(headers: Record<string, string>, payload: Record<string, unknown>) {
    return server.app.inject({ method: 'POST', url: '/api/v1/users', headers, payload });
  }

  /** A user of the given role in the bootstrap workspace, signed in. */
  async function member(email: string, role: string, password = ATTACKER_PASSWORD) {
    const invited = await invite(server.owner, { email, password, role });
    expect(invited.statusCode).toBe(201);
    const session = await signIn(email, password);
    expect(session.status).toBe(200);
    return session.headers;
  }

  it('1. a viewer who invites an existing account into their own workspace cannot replace its password', async () => {
    const victimInvite = await invite(server.owner, {
      email: VICTIM,
      password: VICTIM_PASSWORD,
      role: 'owner',
    });
    expect(victimInvite.statusCode).toBe(201);
    const viewer = await member('mallory@example.com', 'viewer');
    const own = await server.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: viewer,
      payload: { name: 'Trap' },
    });
    expect(own.statusCode).toBe(201);
    const switched = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/workspace',
      headers: viewer,
      payload: { workspaceId: own.json().id },
    });
    expect(switched.statusCode).toBe(200);

    const takeover = await invite(viewer, { email: VICTIM, password: ATTACKER_PASSWORD, role: 'viewer' });
    const stranger = await invite(viewer, {
      email: 'nobody-yet@example.com',
      password: ATTACKER_PASSWORD,
      role: 'viewer',
    });
    expect(takeover.statusCode).toBe(201);
    expect(stranger.statusCode).toBe(201);
    // The same answer whether or not the account existed.
    const comparable = (body: Record<string, unknown>) => ({
      ...body,
      id: '',
      email: '',
      createdAt: '',
      expiresAt: '',
    });
    expect(comparable(takeover.json())).toEqual(comparable(stranger.json()));

    expect((await signIn(VICTIM, ATTACKER_PASSWORD)).status).toBe(401);
    expect((await signIn(VICTIM, VICTIM_PASSWORD)).status).toBe(200);
  });

  it('2. an admin cannot demote the owner, and a demoted admin’s token loses the admin rights', async () => {
    const admin = await member('admin2@example.com', 'admin');
    const members = await server.app.inject({ url: '/api/v1/members', headers: admin });
    const owner = members.json().data.find((m: { email: string }) => m.email === TEST_ADMIN_EMAIL);
    const demote = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${owner.id}`,
      headers: admin,
      payload: { role: 'viewer' },
    });
    expect(demote.statusCode).toBe(403);
    const reinvite = await invite(admin, { email: TEST_ADMIN_EMAIL, role: 'viewer' });
    expect(reinvite.statusCode).toBe(409);
    expect((await signIn(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD)).body?.role).toBe('owner');

    const minted = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin,
      payload: { name: 'kept', role: 'admin' },
    });
    expect(minted.statusCode).toBe(201);
    const token = { authorization: `Bearer ${minted.json().token}` };
    const adminId = members.json().data.find((m: { email: string }) => m.email === 'admin2@example.com').id;
    const demoted = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${adminId}`,
      headers: server.owner,
      payload: { role: 'viewer' },
    });
    expect(demoted.statusCode).toBe(200);
    const afterwards = await server.app.inject({ url: '/api/v1/tokens', headers: token });
    expect(afterwards.statusCode).toBe(403);
  });

  it('3. a token cannot mint tokens for another workspace, nor create workspaces', async () => {
    const owner = await signIn(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    const other = await server.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: owner.headers,
      payload: { name: 'Other of the owner' },
    });
    expect(other.statusCode).toBe(201);
    const minted = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: owner.headers,
      payload: { name: 'api', role: 'owner' },
    });
    const token = { authorization: `Bearer ${minted.json().token}` };
    const crossWorkspace = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: token,
      payload: { name: 'escape', role: 'owner', workspaceId: other.json().id },
    });
    expect(crossWorkspace.statusCode).toBe(403);
    const viewerToken = await server.tokenFor('viewer');
    for (const headers of [token, viewerToken]) {
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/workspaces',
        headers,
        payload: { name: 'by token' },
      });
      expect(created.statusCode).toBe(403);
    }
  });

  it('4. viewers never see write keys, and the internal audiences source refuses the Tracking API', async () => {
    const internal = await server.engine.sources.create(server.workspaceId, {
      name: 'Tandem audiences',
      kind: 'internal',
      writeKey: 'wk_internal_audiences_key',
    });
    const viewer = await server.tokenFor('viewer');
    const sources = await server.app.inject({ url: '/api/v1/sources', headers: viewer });
    expect(sources.statusCode).toBe(200);
    expect(JSON.stringify(sources.json())).not.toContain('wk_');
    const one = await server.app.inject({ url: `/api/v1/sources/${server.sourceId}`, headers: viewer });
    expect(one.json().writeKey).toBeUndefined();
    const asOwner = await server.app.inject({ url: `/api/v1/sources/${internal.id}`, headers: server.owner });
    expect(asOwner.json()).toMatchObject({ kind: 'internal' });
    expect(asOwner.json().writeKey).toBeUndefined();
    const forged = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: `Basic ${Buffer.from('wk_internal_audiences_key:').toString('base64')}` },
      payload: { userId: 'u1', event: 'Audience Entered', properties: { audienceId: 'aud_x' } },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('6. refuses weak passwords with the field named', async () => {
    for (const password of ['password', '        ', 'password1']) {
      const weak = await invite(server.owner, { email: 'weak@example.com', password, role: 'viewer' });
      expect(weak.statusCode, password).toBe(400);
      expect(weak.json().error.details[0].path).toBe('body.password');
    }
  });

  it('emails a reset link that sets a new password and ends the account’s sessions', async () => {
    const email = 'forgetful@example.com';
    const before = await member(email, 'viewer', VICTIM_PASSWORD);
    const unknown = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email: 'no-account@example.com' },
    });
    const known = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email },
    });
    expect(known.statusCode).toBe(202);
    expect(known.json()).toEqual(unknown.json());
    await expect
      .poll(() => smtp.to(email).some((m) => m.subject?.includes('Reset')), { timeout: 10_000 })
      .toBe(true);
    const resetMail = smtp.to(email).find((m) => m.subject?.includes('Reset'));
    expect(resetMail?.text).toContain('https://tandem.example.com/reset-password#token=');
    expect(smtp.to('no-account@example.com')).toEqual([]);

    const reset = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token: mailedToken(smtp, email), password: ATTACKER_PASSWORD },
    });
    expect(reset.statusCode).toBe(200);
    expect((await server.app.inject({ url: '/api/v1/auth/session', headers: before })).statusCode).toBe(401);
    expect((await signIn(email, ATTACKER_PASSWORD)).status).toBe(200);
    const again = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token: mailedToken(smtp, email), password: VICTIM_PASSWORD },
    });
    expect(again.statusCode).toBe(404);
  });

  it('invites a new person by email: the link lets them choose a password and sign in', async () => {
    const email = 'newhire@example.com';
    const invited = await invite(server.owner, { email, role: 'support' });
    expect(invited.statusCode).toBe(201);
    await expect.poll(() => smtp.to(email).length, { timeout: 10_000 }).toBe(1);
    const token = mailedToken(smtp, email);
    const link = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitation',
      payload: { token },
    });
    expect(link.json()).toMatchObject({ email, role: 'support', needsPassword: true });
    const accepted = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitation/accept',
      payload: { token, password: VICTIM_PASSWORD },
    });
    expect(accepted.statusCode).toBe(200);
    expect((await signIn(email, VICTIM_PASSWORD)).body?.role).toBe('support');
  });
});
