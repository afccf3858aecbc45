import { afterEach, describe, expect, it } from 'vitest';
import type { MailMessage, MailSender } from '../mail/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { hashPassword, verifyPassword } from './password.js';
import type { AccessRevocation } from './principal.js';

const STRONG = 'violet kettle orbit 42';
const OTHER_STRONG = 'amber lantern fjord 77';

describe('passwords', () => {
  it('hash with scrypt and verify only the right password', async () => {
    const hash = await hashPassword('s3cret-pass');
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('s3cret-pass');
    expect(await verifyPassword('s3cret-pass', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
  });
});

/** Mail as the engine hands it to a relay, kept for the test to read (the server tests use real SMTP). */
function mailbox(): MailSender & { messages: MailMessage[]; linkIn(to: string): string } {
  const messages: MailMessage[] = [];
  return {
    messages,
    async send(message) {
      messages.push(message);
    },
    close() {},
    linkIn(to) {
      const message = messages.filter((m) => m.to === to).at(-1);
      const token = /#token=([\w-]+)/.exec(message?.text ?? '')?.[1];
      if (!token) throw new Error(`no link mailed to ${to}`);
      return decodeURIComponent(token);
    },
  };
}

describe.each(ENGINES)('access on %s', (kind) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => dispose?.());

  async function setup(options: { invitationsNeedAcceptance?: boolean; clock?: () => number } = {}) {
    const mail = mailbox();
    const engine = await openTestEngine(kind, { access: { mail, ...options } });
    dispose = () => engine.dispose();
    const workspace = await createWorkspace(engine.store, 'W');
    const owner = await engine.access.accounts.ensureUser({ email: 'owner@example.com', password: STRONG });
    await engine.access.members.add(workspace.id, owner.id, 'owner');
    const revocations: AccessRevocation[] = [];
    engine.access.onRevoked((revocation) => revocations.push(revocation));
    return { engine, workspace, owner, mail, revocations, access: engine.access };
  }

  it('stores only a hash of API tokens and authenticates by the secret', async () => {
    const { engine, workspace } = await setup();
    const created = await engine.access.tokens.create({
      workspaceId: workspace.id,
      name: 't',
      role: 'marketer',
    });
    const stored = await engine.store.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(created.token);
    expect(await engine.access.tokens.authenticate(created.token)).toMatchObject({
      kind: 'token',
      workspaceId: workspace.id,
      role: 'marketer',
    });
    expect(await engine.access.tokens.authenticate(`${created.token}x`)).toBeUndefined();
    await engine.access.tokens.revoke(workspace.id, created.id);
    expect(await engine.access.tokens.authenticate(created.token)).toBeUndefined();
  });

  it('stops honouring a token once it expires', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const { access, workspace } = await setup({ clock: () => now });
    const token = await access.tokens.create({
      workspaceId: workspace.id,
      name: 'a day',
      role: 'viewer',
      expiresAt: '2026-12-02T00:00:00Z',
    });
    expect(token.expiresAt).toBe('2026-12-02T00:00:00.000Z');
    expect(await access.tokens.authenticate(token.token)).toBeDefined();
    now = Date.parse('2026-12-02T00:00:01Z');
    expect(await access.tokens.authenticate(token.token)).toBeUndefined();
    expect(await access.tokens.list(workspace.id)).toEqual([]);
  });

  it('caps a user’s token at the user’s current role, and ends it when they leave', async () => {
    const { access, workspace, owner } = await setup();
    const member = await access.accounts.ensureUser({ email: 'admin@example.com', password: STRONG });
    await access.members.add(workspace.id, member.id, 'admin');
    const token = await access.tokens.create({
      workspaceId: workspace.id,
      name: 't',
      role: 'admin',
      userId: member.id,
    });
    expect((await access.tokens.authenticate(token.token))?.role).toBe('admin');
    const ownerActor = { userId: owner.id, role: 'owner' as const };
    await access.members.changeRole(ownerActor, workspace.id, member.id, 'viewer');
    expect((await access.tokens.authenticate(token.token))?.role).toBe('viewer');
    await access.members.remove(ownerActor, workspace.id, member.id);
    expect(await access.tokens.authenticate(token.token)).toBeUndefined();
  });

  it('opens a session only for the right password of a member', async () => {
    const { access, workspace, owner } = await setup();
    await access.members.invite({ userId: owner.id, role: 'owner' }, workspace.id, {
      email: 'Ana@Example.com',
      password: STRONG,
      role: 'support',
    });
    expect(await access.accounts.login({ email: 'ana@example.com', password: 'nope' })).toBeUndefined();
    const session = await access.accounts.login({ email: ' ANA@example.com ', password: STRONG });
    expect(session).toBeDefined();
    const principal = await access.accounts.authenticateSession(session?.sessionSecret ?? '');
    expect(principal).toMatchObject({ kind: 'session', workspaceId: workspace.id, role: 'support' });
  });

  it('never touches the credentials of an existing account it invites, and answers alike', async () => {
    const { access, engine, workspace, owner, mail } = await setup();
    const victim = await access.accounts.ensureUser({ email: 'victim@example.com', password: STRONG });
    const elsewhere = await createWorkspace(engine.store, 'Victim’s');
    await access.members.add(elsewhere.id, victim.id, 'owner');
    const actor = { userId: owner.id, role: 'owner' as const };
    const existing = await access.members.invite(actor, workspace.id, {
      email: 'victim@example.com',
      password: OTHER_STRONG,
      role: 'viewer',
    });
    const fresh = await access.members.invite(actor, workspace.id, {
      email: 'newcomer@example.com',
      password: OTHER_STRONG,
      role: 'viewer',
    });
    expect(
      await access.accounts.login({ email: 'victim@example.com', password: OTHER_STRONG }),
    ).toBeUndefined();
    expect(await access.accounts.login({ email: 'victim@example.com', password: STRONG })).toBeDefined();
    const shape = (invitation: typeof existing) => ({
      ...invitation,
      id: 'x',
      email: 'x',
      createdAt: 'x',
      expiresAt: 'x',
    });
    expect(shape(existing)).toEqual(shape(fresh));
    expect(existing.status).toBe('active');
    await expect.poll(() => mail.messages.length).toBe(2);
  });

  it('lets an invitee without a password choose one from the emailed link, once', async () => {
    const { access, workspace, owner, mail } = await setup({ invitationsNeedAcceptance: true });
    const invitation = await access.members.invite({ userId: owner.id, role: 'owner' }, workspace.id, {
      email: 'new@example.com',
      role: 'marketer',
    });
    expect(invitation.status).toBe('pending');
    expect((await access.members.list(workspace.id)).map((m) => m.email)).not.toContain('new@example.com');
    await expect.poll(() => mail.messages.length).toBe(1);
    const link = mail.linkIn('new@example.com');
    expect(await access.members.invitationOfLink(link)).toMatchObject({
      needsPassword: true,
      role: 'marketer',
    });
    await expect(access.members.acceptByLink(link, undefined)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(access.members.acceptByLink(link, 'password')).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await access.members.acceptByLink(link, STRONG);
    expect((await access.members.list(workspace.id)).find((m) => m.email === 'new@example.com')?.role).toBe(
      'marketer',
    );
    await expect(access.members.acceptByLink(link, STRONG)).rejects.toMatchObject({ code: 'not_found' });
    expect(await access.accounts.login({ email: 'new@example.com', password: STRONG })).toBeDefined();
  });

  it('keeps the role order: no grant above one’s own, no change to a higher rank, always an owner', async () => {
    const { access, workspace, owner } = await setup();
    const admin = await access.accounts.ensureUser({ email: 'admin@example.com' });
    await access.members.add(workspace.id, admin.id, 'admin');
    const asAdmin = { userId: admin.id, role: 'admin' as const };
    const asOwner = { userId: owner.id, role: 'owner' as const };
    await expect(access.members.changeRole(asAdmin, workspace.id, owner.id, 'viewer')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(access.members.remove(asAdmin, workspace.id, owner.id)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(access.members.changeRole(asAdmin, workspace.id, admin.id, 'owner')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      access.members.invite(asAdmin, workspace.id, { email: 'x@example.com', role: 'owner' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(access.members.changeRole(asOwner, workspace.id, owner.id, 'admin')).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(access.members.remove(asOwner, workspace.id, owner.id)).rejects.toMatchObject({
      code: 'conflict',
    });
    await access.members.changeRole(asOwner, workspace.id, admin.id, 'owner');
    await access.members.changeRole(asOwner, workspace.id, owner.id, 'viewer');
    expect(await access.members.roleOf(workspace.id, owner.id)).toBe('viewer');
  });

  it('keeps one owner when the last two demote each other at once', async () => {
    const { access, workspace, owner } = await setup();
    const second = await access.accounts.ensureUser({ email: 'second@example.com' });
    await access.members.add(workspace.id, second.id, 'owner');
    const results = await Promise.allSettled([
      access.members.changeRole({ userId: owner.id, role: 'owner' }, workspace.id, second.id, 'admin'),
      access.members.changeRole({ userId: second.id, role: 'owner' }, workspace.id, owner.id, 'admin'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const roles = (await access.members.list(workspace.id)).map((m) => m.role);
    expect(roles.filter((role) => role === 'owner')).toHaveLength(1);
  });

  it('resets a password by emailed link, ending every session, and answers alike for unknown emails', async () => {
    const { access, mail, owner, revocations } = await setup();
    const session = await access.accounts.login({ email: 'owner@example.com', password: STRONG });
    await access.accounts.requestPasswordReset('nobody@example.com');
    await access.accounts.requestPasswordReset('OWNER@example.com');
    await expect.poll(() => mail.messages.length).toBe(1);
    const link = mail.linkIn('owner@example.com');
    await expect(access.accounts.resetPassword(link, 'password')).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await access.accounts.resetPassword(link, OTHER_STRONG);
    expect(await access.accounts.authenticateSession(session?.sessionSecret ?? '')).toBeUndefined();
    expect(revocations).toContainEqual({ kind: 'user', userId: owner.id });
    expect(await access.accounts.login({ email: 'owner@example.com', password: OTHER_STRONG })).toBeDefined();
    await expect(access.accounts.resetPassword(link, STRONG)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('changes a password, ending the account’s other sessions only', async () => {
    const { access } = await setup();
    const first = await access.accounts.login({ email: 'owner@example.com', password: STRONG });
    const second = await access.accounts.login({ email: 'owner@example.com', password: STRONG });
    const current = await access.accounts.authenticateSession(first?.sessionSecret ?? '');
    if (!current) throw new Error('no session');
    await expect(access.accounts.changePassword(current, 'wrong', OTHER_STRONG)).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(access.accounts.changePassword(current, STRONG, '        ')).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await access.accounts.changePassword(current, STRONG, OTHER_STRONG);
    expect(await access.accounts.authenticateSession(first?.sessionSecret ?? '')).toBeDefined();
    expect(await access.accounts.authenticateSession(second?.sessionSecret ?? '')).toBeUndefined();
  });

  it('keeps sources of one workspace out of reach of another, and internal sources off the Tracking API', async () => {
    const { engine, workspace } = await setup();
    const other = await createWorkspace(engine.store, 'Other');
    const source = await engine.sources.create(workspace.id, { name: 'web' });
    expect((await engine.sources.list(other.id, { limit: 50 })).data).toEqual([]);
    await expect(engine.sources.get(other.id, source.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(engine.sources.rename(other.id, source.id, 'x')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(engine.sources.remove(other.id, source.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await engine.sources.get(workspace.id, source.id)).name).toBe('web');
    expect(await engine.sources.resolveWriteKey(source.writeKey ?? '')).toEqual({
      sourceId: source.id,
      workspaceId: workspace.id,
    });
    const internal = await engine.sources.create(workspace.id, {
      name: 'audiences',
      kind: 'internal',
      writeKey: 'wk_internal_x',
    });
    expect(internal.writeKey).toBeUndefined();
    expect(await engine.sources.resolveWriteKey('wk_internal_x')).toBeUndefined();
    await expect(engine.sources.remove(workspace.id, internal.id)).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});
