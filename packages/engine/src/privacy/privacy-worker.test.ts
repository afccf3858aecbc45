import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { ENGINES, isolatedStoreOptions } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

describe.each(ENGINES)('the privacy worker on %s', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Two engines (two server processes) on one store; `clock` moves their leases' time. */
  async function twoProcesses() {
    const { options, dispose } = await isolatedStoreOptions(kind);
    cleanups.push(dispose);
    let now = Date.now();
    const engineOptions = {
      ...options,
      delivery: { secretKey: randomBytes(32) },
      privacy: { clock: () => now, leaseMs: 60_000 },
    };
    const first = await Engine.open(engineOptions);
    cleanups.push(() => first.close());
    // In-memory SQLite is one connection's database: the second "process" is the same engine there.
    const second = kind === 'sqlite' ? first : await Engine.open({ ...engineOptions, migrate: false });
    if (second !== first) cleanups.push(() => second.close());
    const { id: workspaceId } = await createWorkspace(first.store, 'Privacy worker');
    return { first, second, workspaceId, now: () => now, advance: (ms: number) => (now += ms) };
  }

  it('runs each request once, however many workers race for it', async () => {
    const { first, second, workspaceId } = await twoProcesses();
    const identifiers = Array.from({ length: 6 }, (_, i) => ({
      type: 'user_id' as const,
      value: `gone-${i}`,
    }));
    await first.privacy.bulk(workspaceId, { type: 'delete', identifiers }, null);
    const ran = await Promise.all([
      first.privacy.runPending(),
      second.privacy.runPending(),
      first.privacy.runPending(),
    ]);
    expect(ran.reduce((sum, count) => sum + count, 0)).toBe(6);
    const done = await first.privacy.list(workspaceId, { limit: 50, status: 'done' });
    expect(done.data).toHaveLength(6);
    // The record keeps no identifier: neither the value nor its seal once run.
    const stored = await first.store.db.selectFrom('privacy_requests').selectAll().execute();
    expect(stored.every((row) => row.sealed_identifier === null)).toBe(true);
    expect(JSON.stringify(stored)).not.toContain('gone-');
  });

  it('takes over a request whose lease ran out (its process died), not one still leased', async () => {
    const { first, second, workspaceId, now, advance } = await twoProcesses();
    const request = await first.privacy.create(
      workspaceId,
      { type: 'delete', identifier: { type: 'email', value: 'x@example.com' } },
      null,
    );
    // A process claimed it and died: the row is running under its lease.
    await first.store.db
      .updateTable('privacy_requests')
      .set({
        status: 'running',
        lease_owner: 'dead',
        lease_until: new Date(now() + 60_000).toISOString(),
      })
      .where('request_id', '=', request.id)
      .execute();
    expect(await second.privacy.runPending()).toBe(0);
    advance(61_000);
    expect(await second.privacy.runPending()).toBe(1);
    expect((await first.privacy.get(workspaceId, request.id)).status).toBe('done');
  });

  it('removes an export once expired: its download then answers not found', async () => {
    const { first, workspaceId, advance } = await twoProcesses();
    const request = await first.privacy.create(
      workspaceId,
      { type: 'export', identifier: { type: 'user_id', value: 'someone' } },
      null,
    );
    await first.privacy.runPending();
    const { report } = await first.privacy.get(workspaceId, request.id);
    const token = report.downloadUrl?.split('/').at(-1) ?? '';
    expect(JSON.parse(await first.privacy.download(token, 'json'))).toMatchObject({
      person: { identifiers: [{ type: 'user_id', value: 'someone' }] },
    });
    advance(6 * 86_400_000);
    expect(await first.privacy.purgeExpiredExports()).toBe(0);
    advance(86_400_000 + 1000);
    await expect(first.privacy.download(token, 'html')).rejects.toMatchObject({ code: 'not_found' });
    expect(await first.privacy.purgeExpiredExports()).toBe(1);
  });

  it('does not show one workspace’s requests to another', async () => {
    const { first, workspaceId } = await twoProcesses();
    const request = await first.privacy.create(
      workspaceId,
      { type: 'export', identifier: { type: 'user_id', value: 'someone' } },
      null,
    );
    const { id: other } = await createWorkspace(first.store, 'Other');
    await expect(first.privacy.get(other, request.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await first.privacy.list(other, { limit: 50 })).data).toEqual([]);
  });
});
