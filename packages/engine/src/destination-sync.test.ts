import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { ENGINES, openTestEngine } from './testing/index.js';
import { openWarehouseConnection } from './warehouse/index.js';
import { createWorkspace } from './workspaces/index.js';

// A destination's full sync fed from the real profiles and audiences, into a real MariaDB
// warehouse and the store's audience files; consent decides who is written.

const MYSQL_URL = process.env.TANDEM_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';

describe.each(ENGINES)('the full sync of a destination on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let workspaceId: string;
  let audienceId: string;
  const schema = `tandem_sync_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const warehouse = openWarehouseConnection({ engine: 'mysql', url: MYSQL_URL, timeoutMs: 5_000 });

  beforeAll(async () => {
    engine = await openTestEngine(kind, {
      delivery: { secretKey: randomBytes(32), allowPrivateNetworks: true },
    });
    workspaceId = (await createWorkspace(engine.store, 'Sync')).id;
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const users = Array.from({ length: 6 }, (_, i) => `u${i}`);
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: users.map((userId, i) => ({
        type: 'identify',
        userId,
        messageId: `id-${userId}`,
        traits: { plan: i % 2 === 0 ? 'pro' : 'free', email: `${userId}@example.com`, age: 20 + i },
      })),
      request: {},
    });
    await engine.pipeline.catchUp();
    const audience = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!audience.ok) throw new Error(JSON.stringify(audience.error));
    audienceId = audience.value.id;
    await engine.segment.catchUp();
    // u0 (a pro) refuses marketing.
    const u0 = await engine.profiles.lookup(workspaceId, 'user_id', 'u0');
    await engine.consent.record(workspaceId, u0.id, {
      purposes: { marketing: false },
      source: 'api',
      principal: 'test',
    });
  });
  afterAll(async () => {
    await warehouse.query(`DROP DATABASE IF EXISTS \`${schema}\``);
    await warehouse.close();
    await engine.dispose();
  });

  const create = async (input: Parameters<Engine['destinations']['create']>[1]) => {
    const created = await engine.destinations.create(workspaceId, input);
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.value.id;
  };

  it('exports each subscribed audience’s members who granted the purposes as a full file', async () => {
    const id = await create({
      name: 'Lists',
      type: 'audience-file',
      config: { format: 'csv' },
      purposes: ['marketing'],
      subscriptions: [{ kind: 'audience', audienceId, on: ['entered', 'exited'] }],
    });
    const result = await engine.syncDestination(workspaceId, id);
    expect(result.type).toBe('audience-file');
    const [file] = result.type === 'audience-file' ? result.files : [];
    expect(file).toMatchObject({ kind: 'full', rows: 2, audience: { id: audienceId, name: 'Pro' } });
    let text = '';
    for await (const chunk of await engine.audienceFiles.content(workspaceId, id, file!.id))
      text += chunk.toString();
    const emails = text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[2]);
    expect(emails.sort()).toEqual(['u2@example.com', 'u4@example.com']);
  });

  it('writes every profile, its identities and memberships into the warehouse', async () => {
    const id = await create({
      name: 'DW',
      type: 'warehouse',
      config: { engine: 'mysql', url: MYSQL_URL, schema },
    });
    // Personal fields go out masked until the PII settings let this warehouse have them.
    expect(await engine.syncDestination(workspaceId, id)).toEqual({ type: 'warehouse', profiles: 6 });
    const profileRows = () =>
      warehouse.query(`SELECT email, plan, age FROM \`${schema}\`.profiles ORDER BY age`);
    expect((await profileRows()).map((r) => [r.email, r.plan, r.age])).toEqual(
      Array.from({ length: 6 }, (_, i) => ['u•••@e•••.com', i % 2 === 0 ? 'pro' : 'free', 20 + i]),
    );
    const emailIdentities = await warehouse.query(
      `SELECT DISTINCT value FROM \`${schema}\`.identities WHERE type = 'email'`,
    );
    expect(emailIdentities.map((r) => r.value)).toEqual(['u•••@e•••.com']);

    await engine.pii.update(workspaceId, { personalFields: ['email'], unmaskedDestinations: [id] });
    expect(await engine.syncDestination(workspaceId, id)).toEqual({ type: 'warehouse', profiles: 6 });
    expect((await profileRows()).map((r) => [r.email, r.plan, r.age])).toEqual(
      Array.from({ length: 6 }, (_, i) => [`u${i}@example.com`, i % 2 === 0 ? 'pro' : 'free', 20 + i]),
    );
    const members = await warehouse.query(
      `SELECT count(*) AS n FROM \`${schema}\`.audience_memberships WHERE audience_id = ? AND member = 1`,
      [audienceId],
    );
    expect(Number(members[0]?.n)).toBe(3);
    const identities = await warehouse.query(
      `SELECT count(*) AS n FROM \`${schema}\`.identities WHERE type = 'user_id'`,
    );
    expect(Number(identities[0]?.n)).toBe(6);
  });

  it('has no full sync for a destination without state, and answers not_found for another workspace’s', async () => {
    const hook = await create({ name: 'Hook', type: 'webhook', config: { url: 'https://example.com/hook' } });
    await expect(engine.syncDestination(workspaceId, hook)).rejects.toMatchObject({ code: 'unprocessable' });
    const other = await createWorkspace(engine.store, 'Other');
    await expect(engine.syncDestination(other.id, hook)).rejects.toMatchObject({ code: 'not_found' });
  });
});
