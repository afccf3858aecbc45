import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

// A rule is a union of shapes: its error used to say "Invalid input" whatever was wrong in it.
describe.each(ENGINES)('validation errors inside a rule on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const create = async (rule: unknown) => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/audiences',
      headers: server.owner,
      payload: { name: 'Recent sign-ups', rule },
    });
    expect(response.statusCode).toBe(400);
    return response.json().error as { message: string; details: { path: string; message: string }[] };
  };

  it('names the field of the shape the rule came closest to, however deep', async () => {
    const window = await create({ event: 'Signed Up', within: { days: 7 } });
    expect(window.message).toBe('Invalid body.rule.within: Invalid input: expected string, received object');
    const nested = await create({
      all: [
        { trait: 'plan', op: 'eq', value: 'pro' },
        { any: [{ event: 'Signed Up', count: { op: 'gte', value: -1 } }] },
      ],
    });
    expect(nested.details).toEqual([
      { path: 'body.rule.all.1.any.0.count.value', message: expect.stringContaining('>=0') },
    ]);
    const operator = await create({ not: { trait: 'plan', op: 'equals', value: 'pro' } });
    expect(operator.details.map((d) => d.path)).toEqual(['body.rule.not.op']);
  });

  it('keeps the union’s own error when the rule matches no shape at all', async () => {
    expect((await create('plan is pro')).message).toBe('Invalid body.rule: Invalid input');
    expect((await create({ color: 'blue' })).message).toBe('Invalid body.rule: Invalid input');
  });
});
