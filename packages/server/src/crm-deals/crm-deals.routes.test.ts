import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';

describe.each(ENGINES)('the pipelines, deals and reports API on %s', (kind) => {
  let server: TestServer;
  let annId: string;
  let sales: Record<string, string>;
  let viewer: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer(kind);
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: writeKey,
      payload: { userId: 'ann', traits: { email: 'ann@example.com' } },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    annId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'ann')).id;
    sales = await server.tokenFor('sales');
    viewer = await server.tokenFor('viewer');
  });
  afterAll(() => server.close());
  const call = (method: Method, url: string, payload?: unknown, headers = sales) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  async function newPipeline() {
    const created = await call('POST', '/api/v1/pipelines', {
      name: `Pipeline ${Math.random()}`,
      stages: [
        { name: 'Lead', probability: 10 },
        { name: 'Proposal', probability: 50 },
        { name: 'Negotiation', probability: 80 },
      ],
    });
    expect(created.statusCode).toBe(201);
    return created.json() as { id: string; stages: { id: string; name: string }[] };
  }

  it('creates a deal for a person, moves it, and answers it with its stage history', async () => {
    const pipeline = await newPipeline();
    const [lead, proposal] = pipeline.stages;
    const created = await call('POST', '/api/v1/deals', {
      name: 'Acme',
      amount: 5000,
      currency: 'eur',
      pipelineId: pipeline.id,
      profileIds: [annId],
      closeDate: '2026-06-30',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      currency: 'EUR',
      stageId: lead?.id,
      people: [{ profileId: annId }],
    });
    const dealId = created.json().id as string;

    const moved = await call('PATCH', `/api/v1/deals/${dealId}`, { stageId: proposal?.id });
    expect(moved.statusCode).toBe(200);
    const detail = await call('GET', `/api/v1/deals/${dealId}`, undefined, viewer);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().stageHistory.map((s: { stageName: string }) => s.stageName)).toEqual([
      'Lead',
      'Proposal',
    ]);

    await server.engine.pipeline.catchUp();
    const timeline = await call(
      'GET',
      `/api/v1/profiles/${annId}/events?event=Deal%20Stage%20Changed`,
      undefined,
      viewer,
    );
    expect(timeline.json().data[0].properties).toMatchObject({
      dealId,
      fromStage: 'Lead',
      toStage: 'Proposal',
    });

    const roles = await call('PUT', `/api/v1/deals/${dealId}/people`, {
      people: [{ profileId: annId, role: 'decision_maker' }],
    });
    expect(roles.json().people).toEqual([{ profileId: annId, role: 'decision_maker' }]);

    const listed = await call(
      'GET',
      `/api/v1/deals?stageId=${proposal?.id}&profileId=${annId}`,
      undefined,
      viewer,
    );
    expect(listed.json()).toMatchObject({ data: [{ id: dealId }], nextCursor: null });
  });

  it('lets sales write and viewers only read', async () => {
    const pipelines = await call('GET', '/api/v1/pipelines', undefined, viewer);
    expect(pipelines.statusCode).toBe(200);
    expect(pipelines.json().data.length).toBeGreaterThan(0);
    const refused = await call(
      'POST',
      '/api/v1/pipelines',
      { name: 'X', stages: [{ name: 'A', probability: 1 }] },
      viewer,
    );
    expect(refused.statusCode).toBe(403);
    const pipelineId = pipelines.json().data[0].id;
    const deal = await call(
      'POST',
      '/api/v1/deals',
      { name: 'D', amount: 1, currency: 'EUR', pipelineId },
      viewer,
    );
    expect(deal.statusCode).toBe(403);
  });

  it('restricts edits of a deal to its owner when the workspace says so', async () => {
    const pipeline = await newPipeline();
    const ownerId = (await server.engine.access.members.list(server.workspaceId))[0]?.id;
    const owned = await call('POST', '/api/v1/deals', {
      name: 'Mine',
      amount: 1,
      currency: 'EUR',
      pipelineId: pipeline.id,
      ownerId,
    });
    expect(owned.statusCode).toBe(201);
    const dealId = owned.json().id as string;
    // A sales token created by no user is nobody's: while edits are open it may edit.
    expect((await call('PATCH', `/api/v1/deals/${dealId}`, { amount: 2 })).statusCode).toBe(200);
    expect((await call('PUT', '/api/v1/deal-settings', { ownerOnlyEdits: true })).statusCode).toBe(403);
    const restricted = await call('PUT', '/api/v1/deal-settings', { ownerOnlyEdits: true }, server.owner);
    expect(restricted.json()).toEqual({ ownerOnlyEdits: true });
    expect((await call('GET', '/api/v1/deal-settings', undefined, viewer)).json()).toEqual({
      ownerOnlyEdits: true,
    });
    const refused = await call('PATCH', `/api/v1/deals/${dealId}`, { amount: 3 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toBe(
      'Only the owner of this deal may change it: the workspace restricts edits to owners',
    );
    expect((await call('PUT', `/api/v1/deals/${dealId}/people`, { people: [] })).statusCode).toBe(403);
    // The workspace's owner may, and so may anyone on a deal without an owner.
    expect((await call('PATCH', `/api/v1/deals/${dealId}`, { amount: 3 }, server.owner)).statusCode).toBe(
      200,
    );
    const unowned = await call('POST', '/api/v1/deals', {
      name: 'Open',
      amount: 1,
      currency: 'EUR',
      pipelineId: pipeline.id,
    });
    expect((await call('PATCH', `/api/v1/deals/${unowned.json().id}`, { amount: 5 })).statusCode).toBe(200);
    await call('PUT', '/api/v1/deal-settings', { ownerOnlyEdits: false }, server.owner);
  });

  it('names the field that is wrong', async () => {
    const pipeline = await newPipeline();
    const badBody = await call('POST', '/api/v1/deals', {
      name: 'D',
      amount: -1,
      currency: 'euro',
      pipelineId: pipeline.id,
    });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.message).toMatch(/amount|currency/);
    const unknownStage = await call('POST', '/api/v1/deals', {
      name: 'D',
      amount: 1,
      currency: 'EUR',
      pipelineId: pipeline.id,
      stageId: 'stage_nope',
    });
    expect(unknownStage.statusCode).toBe(422);
    expect(unknownStage.json().error).toMatchObject({
      code: 'unprocessable',
      message: 'Invalid stageId: no stage stage_nope',
      details: [{ path: 'stageId', message: 'no stage stage_nope' }],
    });
    expect((await call('GET', '/api/v1/deals/deal_nope')).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/pipelines/pipe_nope')).statusCode).toBe(404);
    const sameNames = await call('POST', '/api/v1/pipelines', {
      name: 'P',
      stages: [
        { name: 'A', probability: 1 },
        { name: 'a', probability: 2 },
      ],
    });
    expect(sameNames.statusCode).toBe(400);
  });

  it('reports the pipeline by stage, the forecast, outcomes and learned stage probabilities', async () => {
    const pipeline = await newPipeline();
    const [lead, proposal, negotiation] = pipeline.stages;
    const create = async (name: string, amount: number, stageId: string | undefined, closeDate: string) =>
      (
        await call('POST', '/api/v1/deals', {
          name,
          amount,
          currency: 'EUR',
          pipelineId: pipeline.id,
          stageId,
          closeDate,
        })
      ).json().id as string;
    await create('a', 100, lead?.id, '2026-03-10');
    await create('b', 200, proposal?.id, '2026-03-20');
    await create('c', 400, negotiation?.id, '2026-04-01');
    const won = await create('d', 1000, lead?.id, '2026-03-05');
    const lost = await create('e', 50, lead?.id, '2026-03-05');
    await call('PATCH', `/api/v1/deals/${won}`, { stageId: proposal?.id });
    await call('PATCH', `/api/v1/deals/${won}`, { status: 'won', closeDate: '2026-03-15' });
    await call('PATCH', `/api/v1/deals/${lost}`, {
      status: 'lost',
      lostReason: 'No budget',
      closeDate: '2026-03-16',
    });

    const report = await call('GET', `/api/v1/reports/pipeline?pipelineId=${pipeline.id}`, undefined, viewer);
    expect(report.statusCode).toBe(200);
    expect(report.json()).toEqual({
      pipelineId: pipeline.id,
      stages: [
        { stageId: lead?.id, name: 'Lead', count: 1, amount: 100, weightedAmount: 10 },
        { stageId: proposal?.id, name: 'Proposal', count: 1, amount: 200, weightedAmount: 100 },
        { stageId: negotiation?.id, name: 'Negotiation', count: 1, amount: 400, weightedAmount: 320 },
      ],
      totals: { count: 3, amount: 700, weightedAmount: 430 },
    });

    const forecast = await call(
      'GET',
      `/api/v1/reports/forecast?pipelineId=${pipeline.id}&from=2026-03&months=2`,
    );
    expect(forecast.json().months).toEqual([
      {
        month: '2026-03',
        won: 1000,
        commit: 0,
        bestCase: 200,
        pipeline: 100,
        weighted: 1110,
        openCount: 2,
        wonCount: 1,
      },
      {
        month: '2026-04',
        won: 0,
        commit: 400,
        bestCase: 0,
        pipeline: 0,
        weighted: 320,
        openCount: 1,
        wonCount: 0,
      },
    ]);

    const later = await call(
      'GET',
      `/api/v1/reports/forecast?pipelineId=${pipeline.id}&from=2026-04&months=1`,
    );
    expect(later.json()).toMatchObject({
      overdue: { count: 2, amount: 300 },
      undated: { count: 0, amount: 0 },
    });

    const outcomes = await call('GET', `/api/v1/reports/sales?pipelineId=${pipeline.id}&since=2026-03-01`);
    expect(outcomes.json().overall).toMatchObject({
      won: 1,
      lost: 1,
      wonAmount: 1000,
      winRate: 50,
      averageDealSize: 1000,
      openCount: 3,
      openAmount: 700,
    });
    expect(outcomes.json().overall.salesCycleDays).toBeGreaterThanOrEqual(0);

    const stages = await call('GET', `/api/v1/reports/stages?pipelineId=${pipeline.id}`);
    expect(
      stages
        .json()
        .stages.map(
          (s: { name: string; learnedProbability: number | null; conversionToNext: number | null }) => [
            s.name,
            s.learnedProbability,
            s.conversionToNext,
          ],
        ),
    ).toEqual([
      // Lead: a, d, e entered; d (won) and e (lost) closed; d went on.
      ['Lead', 50, 33.3],
      ['Proposal', 100, 50],
      ['Negotiation', null, 0],
    ]);
    expect((await call('GET', '/api/v1/reports/pipeline?pipelineId=pipe_nope')).statusCode).toBe(404);
  });

  it('describes its routes in the OpenAPI document', async () => {
    const spec = (await server.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const path of [
      '/api/v1/pipelines',
      '/api/v1/deals/{id}',
      '/api/v1/deals/{id}/people',
      '/api/v1/reports/forecast',
    ])
      expect(Object.keys(spec.paths)).toContain(path);
  });
});
