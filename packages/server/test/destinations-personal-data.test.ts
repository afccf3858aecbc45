import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../src/testing/test-server.js';

type Headers = Record<string, string>;

// A delivery's body carries the person (traits, identities, the event): roles without pii:read
// see it masked in the delivery log, as they see the profile itself.
describe.each(ENGINES)('personal data in the delivery log on %s', (kind) => {
  let server: TestServer;
  let viewer: Headers;
  let sales: Headers;
  let detailUrl: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { TANDEM_ALLOW_PRIVATE_DESTINATIONS: 'true' });
    [viewer, sales] = await Promise.all((['viewer', 'sales'] as const).map((r) => server.tokenFor(r)));
    // Paused: its deliveries wait in the log, with their bodies, and nothing is sent.
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/destinations',
      headers: server.owner,
      payload: {
        name: 'CRM hook',
        type: 'webhook',
        config: { url: 'http://127.0.0.1:9/in' },
        enabled: false,
        subscriptions: [{ kind: 'event', filter: { type: 'track' } }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const destinationId = created.json().id as string;
    await server.engine.collector.collect({
      source: { workspaceId: server.workspaceId, sourceId: server.sourceId },
      calls: [
        {
          type: 'identify',
          userId: 'jane',
          messageId: 'dlv-pii-identify',
          traits: { email: 'jane.doe@example.com', name: 'Jane Doe', plan: 'pro' },
        },
        {
          type: 'track',
          userId: 'jane',
          messageId: 'dlv-pii-track',
          event: 'Order Completed',
          properties: { total: 42, email: 'jane.doe@example.com' },
        },
      ],
      request: {},
    });
    await server.engine.pipeline.catchUp();
    const log = await server.app.inject({
      method: 'GET',
      url: `/api/v1/destinations/${destinationId}/deliveries`,
      headers: server.owner,
    });
    const [delivery] = log.json().data as { id: string }[];
    if (!delivery) throw new Error(`no delivery in the log: ${log.body}`);
    detailUrl = `/api/v1/destinations/${destinationId}/deliveries/${delivery.id}`;
  });
  afterAll(() => server.close());

  it('masks the body of a delivery for a viewer, and shows it to sales', async () => {
    const masked = await server.app.inject({ method: 'GET', url: detailUrl, headers: viewer });
    expect(masked.statusCode, masked.body).toBe(200);
    expect(masked.body).not.toContain('jane.doe@example.com');
    expect(masked.body).not.toContain('Jane Doe');
    const body = masked.json().body;
    expect(body.profile.traits).toMatchObject({ email: 'j•••@e•••.com', name: '•••', plan: 'pro' });
    expect(body.profile.identities).toContainEqual({ type: 'email', value: 'j•••@e•••.com' });
    expect(body.event.payload.properties).toMatchObject({ total: 42, email: 'j•••@e•••.com' });

    const shown = await server.app.inject({ method: 'GET', url: detailUrl, headers: sales });
    expect(shown.json().body.profile.traits).toMatchObject({
      email: 'jane.doe@example.com',
      name: 'Jane Doe',
    });
  });
});
