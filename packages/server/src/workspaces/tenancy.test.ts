import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

describe.each(ENGINES)('workspace isolation on %s', (kind) => {
  let server: TestServer;
  let other: { authorization: string };
  beforeAll(async () => {
    server = await startTestServer(kind);
    const workspace = await createWorkspace(server.engine.store, 'Other');
    other = await server.tokenFor('owner', workspace.id);
  });
  afterAll(() => server.close());

  it('keeps one workspace’s sources invisible and unchangeable from another', async () => {
    const mine = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sources',
      headers: server.owner,
      payload: { name: 'Mine' },
    });
    const id = mine.json().id;

    const list = await server.app.inject({ url: '/api/v1/sources', headers: other });
    expect(list.json().data.map((s: { id: string }) => s.id)).not.toContain(id);
    expect((await server.app.inject({ url: `/api/v1/sources/${id}`, headers: other })).statusCode).toBe(404);
    const rename = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/sources/${id}`,
      headers: other,
      payload: { name: 'Stolen' },
    });
    expect(rename.statusCode).toBe(404);
    expect(
      (await server.app.inject({ method: 'DELETE', url: `/api/v1/sources/${id}`, headers: other }))
        .statusCode,
    ).toBe(404);

    const still = await server.app.inject({ url: `/api/v1/sources/${id}`, headers: server.owner });
    expect(still.json().name).toBe('Mine');
  });

  it('keeps tokens and members per workspace', async () => {
    const tokens = await server.app.inject({ url: '/api/v1/tokens', headers: other });
    expect(
      tokens.json().data.every((t: { workspaceId: string }) => t.workspaceId !== server.workspaceId),
    ).toBe(true);
    const revoke = await server.app.inject({ method: 'DELETE', url: '/api/v1/tokens/tok_x', headers: other });
    expect(revoke.statusCode).toBe(404);
    const members = await server.app.inject({ url: '/api/v1/members', headers: other });
    expect(members.json().data).toEqual([]);
  });

  it('refuses a token for a workspace the caller does not belong to', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: other,
      payload: { name: 'sneaky', role: 'owner', workspaceId: server.workspaceId },
    });
    expect(response.statusCode).toBe(403);
  });
});
