import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { hashPassword, verifyPassword } from './password.js';

describe('passwords', () => {
  it('hash with scrypt and verify only the right password', async () => {
    const hash = await hashPassword('s3cret-pass');
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('s3cret-pass');
    expect(await verifyPassword('s3cret-pass', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
  });
});

describe.each(ENGINES)('access on %s', (kind) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => dispose?.());

  async function setup() {
    const engine = await openTestEngine(kind);
    dispose = () => engine.dispose();
    const workspace = await createWorkspace(engine.store, 'W');
    return { engine, workspace };
  }

  it('stores only a hash of API tokens and authenticates by the secret', async () => {
    const { engine, workspace } = await setup();
    const created = await engine.access.createToken({
      workspaceId: workspace.id,
      name: 't',
      role: 'marketer',
    });
    const stored = await engine.store.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(created.token);
    expect(await engine.access.authenticateToken(created.token)).toMatchObject({
      kind: 'token',
      workspaceId: workspace.id,
      role: 'marketer',
    });
    expect(await engine.access.authenticateToken(`${created.token}x`)).toBeUndefined();
    await engine.access.revokeToken(workspace.id, created.id);
    expect(await engine.access.authenticateToken(created.token)).toBeUndefined();
  });

  it('opens a session only for the right password of a member', async () => {
    const { engine, workspace } = await setup();
    await engine.access.inviteMember(workspace.id, {
      email: 'Ana@Example.com',
      password: 'password-1',
      role: 'support',
    });
    expect(await engine.access.login({ email: 'ana@example.com', password: 'nope' })).toBeUndefined();
    const session = await engine.access.login({ email: ' ANA@example.com ', password: 'password-1' });
    expect(session).toBeDefined();
    const principal = await engine.access.authenticateSession(session?.sessionSecret ?? '');
    expect(principal).toMatchObject({ kind: 'session', workspaceId: workspace.id, role: 'support' });
  });

  it('keeps sources of one workspace out of reach of another', async () => {
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
    expect(await engine.sources.resolveWriteKey(source.writeKey)).toEqual({
      sourceId: source.id,
      workspaceId: workspace.id,
    });
  });
});
