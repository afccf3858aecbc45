import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

describe.each(ENGINES)('the pipeline status API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('shows the caller’s workspace only, never other workspaces’ event counts', async () => {
    const other = await createWorkspace(server.engine.store, 'Busy neighbour');
    const otherSource = await server.engine.sources.create(other.id, { name: 'web' });
    await server.engine.collector.collect({
      source: { workspaceId: other.id, sourceId: otherSource.id },
      calls: Array.from({ length: 40 }, (_, i) => ({ type: 'track', userId: `n-${i}`, event: 'Busy' })),
      request: {},
    });
    await server.engine.collector.collect({
      source: { workspaceId: server.workspaceId, sourceId: server.sourceId },
      calls: [{ type: 'track', userId: 'mine', event: 'Mine', messageId: 'mine-1' }],
      request: {},
    });
    const [mine] = await server.engine.collector.recentEvents(server.workspaceId, server.sourceId, 1);

    const status = await server.app.inject({ url: '/api/v1/pipeline', headers: server.owner });
    expect(status.statusCode).toBe(200);
    const behindByMine = (stage: string) => ({
      stage,
      checkpointSeq: expect.any(Number),
      headSeq: mine?.seq,
      lagEvents: 1,
      lagSeconds: expect.any(Number),
    });
    expect(status.json().stages).toEqual(
      [
        'unify',
        'consent',
        'segment',
        'lead-scoring',
        'sequence-stops',
        'journeys',
        'delivery',
        'analytics',
      ].map(behindByMine),
    );
    const outsider = await server.app.inject({
      url: '/api/v1/pipeline',
      headers: await server.tokenFor('owner', other.id),
    });
    expect(outsider.json().stages.map((s: { lagEvents: number }) => s.lagEvents)).toEqual([
      40, 40, 40, 40, 40, 40, 40, 40,
    ]);
  });
});
