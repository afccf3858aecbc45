import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

describe.each(ENGINES)('the audience files API on %s', (kind) => {
  let server: TestServer;
  let fullId = '';
  let destinationId = '';
  beforeAll(async () => {
    server = await startTestServer(kind);
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/destinations',
      headers: server.owner,
      payload: { name: 'Lists', type: 'audience-file', config: { format: 'csv' } },
    });
    expect(created.statusCode).toBe(201);
    destinationId = created.json().id;
    const files = server.engine.audienceFiles;
    const full = await files.exportFull({
      workspaceId: server.workspaceId,
      destinationId,
      config: { format: 'csv' },
      audience: { id: 'aud_1', name: 'VIP' },
      members: (async function* () {
        yield { id: 'prof_1', traits: { email: 'ada@example.com', firstName: 'Ada' }, identities: [] };
        yield { id: 'prof_2', traits: { email: 'bob@example.com' }, identities: [] };
      })(),
    });
    fullId = full.id;
    const transport = await files.transportKind.open({
      workspaceId: server.workspaceId,
      destinationId,
      config: { format: 'csv' },
      allowPrivateNetworks: true,
      log: () => undefined,
    });
    await transport.send(
      [
        {
          deliveryId: 'dlv_1',
          workspaceId: server.workspaceId,
          destinationId,
          profileId: 'prof_3',
          type: 'audience.entered',
          occurredAt: new Date().toISOString(),
          body: {
            type: 'audience.entered',
            audience: { id: 'aud_1', name: 'VIP' },
            profile: { id: 'prof_3', traits: {}, identities: [] },
          },
          attempt: 1,
        },
      ],
      new AbortController().signal,
    );
  });
  afterAll(() => server.close());
  const get = (url: string, headers = server.owner) => server.app.inject({ method: 'GET', url, headers });

  it('lists a destination’s files, newest first, filtered by kind', async () => {
    const all = await get(`/api/v1/destinations/${destinationId}/files`);
    expect(all.statusCode).toBe(200);
    expect(all.json().data.map((f: { kind: string }) => f.kind)).toEqual(['additions', 'full']);
    expect(all.json().data[1]).toMatchObject({
      id: fullId,
      rows: 2,
      format: 'csv',
      audience: { id: 'aud_1', name: 'VIP' },
    });
    const full = await get(`/api/v1/destinations/${destinationId}/files?kind=full&limit=1`);
    expect(full.json()).toMatchObject({ data: [{ id: fullId }], nextCursor: null });
  });

  it('downloads a file with its header and a file name', async () => {
    const response = await get(`/api/v1/destinations/${destinationId}/files/${fullId}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="aud_1-full-.*\.csv"$/);
    expect(response.body.split('\n')).toEqual([
      'profile_id,user_id,email,phone,first_name,last_name,traits',
      'prof_1,,ada@example.com,,Ada,,"{""email"":""ada@example.com"",""firstName"":""Ada""}"',
      'prof_2,,bob@example.com,,,,"{""email"":""bob@example.com""}"',
      '',
    ]);
  });

  it('answers 404 for another workspace, an unknown file and a bad query with 400', async () => {
    const other = await createWorkspace(server.engine.store, 'Other');
    const stranger = await server.tokenFor('owner', other.id);
    expect((await get(`/api/v1/destinations/${destinationId}/files`, stranger)).statusCode).toBe(404);
    expect((await get(`/api/v1/destinations/${destinationId}/files/${fullId}`, stranger)).statusCode).toBe(
      404,
    );
    const unknown = await get(`/api/v1/destinations/${destinationId}/files/afile_nope`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    const bad = await get(`/api/v1/destinations/${destinationId}/files?kind=everything`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/kind/);
  });

  it('lets a viewer list, download hashed files but not clear ones, and no anonymous caller', async () => {
    const [viewer, sales] = await Promise.all([server.tokenFor('viewer'), server.tokenFor('sales')]);
    expect((await get(`/api/v1/destinations/${destinationId}/files`, viewer)).statusCode).toBe(200);
    expect(
      (await get(`/api/v1/destinations/${destinationId}/files`, {} as typeof server.owner)).statusCode,
    ).toBe(401);
    // The CSV holds emails in clear: a role without pii:read is refused, sales gets it.
    const refused = await get(`/api/v1/destinations/${destinationId}/files/${fullId}`, viewer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/pii:read/);
    expect(refused.body).not.toContain('ada@example.com');
    const shown = await get(`/api/v1/destinations/${destinationId}/files/${fullId}`, sales);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('ada@example.com');

    // A customer-match file holds hashes: a viewer downloads it.
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/destinations',
      headers: server.owner,
      payload: { name: 'Ads list', type: 'audience-file', config: { format: 'google-customer-match' } },
    });
    expect(created.statusCode).toBe(201);
    const hashed = await server.engine.audienceFiles.exportFull({
      workspaceId: server.workspaceId,
      destinationId: created.json().id,
      config: { format: 'google-customer-match' },
      audience: { id: 'aud_1', name: 'VIP' },
      members: (async function* () {
        yield { id: 'prof_1', traits: { email: 'ada@example.com' }, identities: [] };
      })(),
    });
    const download = await get(`/api/v1/destinations/${created.json().id}/files/${hashed.id}`, viewer);
    expect(download.statusCode).toBe(200);
    expect(download.body).not.toContain('ada@example.com');
    expect(download.body).toMatch(/[0-9a-f]{64}/);
  });
});
