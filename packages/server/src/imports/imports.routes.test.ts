import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const SURVEY = `respondent,email,score,answered_at
r1,r1@example.com,9,2025-05-01T12:00:00Z
r2,r2@example.com,oops,2025-05-02T12:00:00Z
,missing@example.com,7,2025-05-03T12:00:00Z
`;

describe.each(ENGINES)('file imports over the API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  async function upload(query: string, body: string, contentType = 'text/csv') {
    return server.app.inject({
      method: 'POST',
      url: `/api/v1/sources/${server.sourceId}/imports?${query}`,
      headers: { ...server.owner, 'content-type': contentType },
      payload: body,
    });
  }

  /** The job an accepted upload started, read once the import has run. */
  async function finishedJob(response: { statusCode: number; json(): { id: string } }) {
    expect(response.statusCode).toBe(202);
    await server.engine.imports.settle();
    return (
      await server.app.inject({ url: `/api/v1/imports/${response.json().id}`, headers: server.owner })
    ).json();
  }

  it('accepts an upload, imports it in the background and reports progress and row errors', async () => {
    const map = encodeURIComponent(
      'userId=respondent,traits.email=email,properties.score=score,timestamp=answered_at',
    );
    const response = await upload(`map=${map}&event=Survey%20Answered&fileName=nps.csv`, SURVEY);
    expect(response.statusCode).toBe(202);
    const job = response.json();
    expect(job).toMatchObject({
      status: 'running',
      fileName: 'nps.csv',
      format: 'csv',
      bytesTotal: SURVEY.length,
    });

    await server.engine.imports.settle();
    const done = (
      await server.app.inject({ url: `/api/v1/imports/${job.id}`, headers: server.owner })
    ).json();
    expect(done).toMatchObject({ status: 'completed', rowsRead: 3, rowsStored: 2, rowsRejected: 1 });
    expect(done.errors[0]).toMatchObject({ line: 3 });

    const list = (await server.app.inject({ url: '/api/v1/imports', headers: server.owner })).json();
    expect(list.data[0].id).toBe(job.id);

    const rerun = await finishedJob(
      await upload(`map=${map}&event=Survey%20Answered&fileName=nps.csv`, SURVEY),
    );
    expect(rerun).toMatchObject({ rowsStored: 0, rowsDuplicate: 2 });
  });

  it('imports NDJSON uploads', async () => {
    const lines = `${JSON.stringify({ type: 'track', userId: 'cc1', event: 'Call Logged' })}\n`;
    const done = await finishedJob(await upload('format=ndjson', lines, 'application/x-ndjson'));
    expect(done).toMatchObject({ status: 'completed', rowsStored: 1 });
  });

  it('takes NDJSON sent as JSON, or without a format, as NDJSON (a JSON body was a 500)', async () => {
    for (const contentType of ['application/json', 'application/x-ndjson']) {
      const line = JSON.stringify({ type: 'track', userId: `sent-as-${contentType}`, event: 'Call Logged' });
      const done = await finishedJob(await upload('', line, contentType));
      expect(done).toMatchObject({ status: 'completed', rowsStored: 1 });
    }
  });

  it('refuses a bad mapping with 400 naming the problem', async () => {
    const response = await upload(`map=${encodeURIComponent('colour=c')}`, SURVEY);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('colour');
  });
});
