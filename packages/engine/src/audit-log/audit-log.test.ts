import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import type { AuditRecord } from './index.js';

const record = (workspaceId: string, overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  workspaceId,
  at: new Date().toISOString(),
  actor: { kind: 'user', id: 'usr_ann' },
  action: 'read',
  method: 'GET',
  route: '/api/v1/profiles/:id',
  status: 200,
  profileId: 'prof_1',
  entityIds: { id: 'prof_1' },
  ...overrides,
});

describe.each(ENGINES)('the audit log on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('chains entries per workspace and finds them by actor, person and action', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { id: otherId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    engine.auditLog.record(record(workspaceId));
    engine.auditLog.record(record(otherId));
    engine.auditLog.record(
      record(workspaceId, {
        actor: { kind: 'token', id: 'tok_1' },
        action: 'write',
        method: 'PATCH',
        route: '/api/v1/people/:id',
        profileId: 'prof_2',
        entityIds: { id: 'prof_2' },
        after: { lifecycleStage: 'customer' },
      }),
    );
    await engine.auditLog.flush();
    const all = await engine.auditLog.list(workspaceId, { limit: 10 });
    expect(all.data.map((entry) => entry.seq)).toEqual([2, 1]);
    expect(all.data[0]).toMatchObject({
      actorKind: 'token',
      actorId: 'tok_1',
      after: { lifecycleStage: 'customer' },
    });
    expect((await engine.auditLog.list(workspaceId, { limit: 10, actor: 'usr_ann' })).data).toHaveLength(1);
    expect((await engine.auditLog.list(workspaceId, { limit: 10, profileId: 'prof_2' })).data).toHaveLength(
      1,
    );
    expect((await engine.auditLog.list(workspaceId, { limit: 10, action: 'write' })).data).toHaveLength(1);
    expect((await engine.auditLog.list(workspaceId, { limit: 10, until: '2000-01-01' })).data).toHaveLength(
      0,
    );
    const firstPage = await engine.auditLog.list(workspaceId, { limit: 1 });
    const secondPage = await engine.auditLog.list(workspaceId, {
      limit: 1,
      cursor: firstPage.nextCursor ?? '',
    });
    expect(secondPage.data.map((entry) => entry.seq)).toEqual([1]);
    // The other workspace's chain starts at one of its own.
    expect((await engine.auditLog.list(otherId, { limit: 10 })).data.map((entry) => entry.seq)).toEqual([1]);
    expect(await engine.auditLog.verify(workspaceId)).toMatchObject({ ok: true, checked: 2, brokenAt: null });
  });

  it('reports the first broken link when a row is edited, and the tail when entries are removed', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    for (let i = 0; i < 5; i++) engine.auditLog.record(record(workspaceId, { status: 200 + i }));
    await engine.auditLog.flush();
    expect((await engine.auditLog.verify(workspaceId)).ok).toBe(true);

    await sql`update audit_entries set actor_id = 'usr_mallory' where workspace_id = ${workspaceId} and seq = 3`.execute(
      engine.store.db,
    );
    expect(await engine.auditLog.verify(workspaceId)).toMatchObject({
      ok: false,
      checked: 2,
      brokenAt: { seq: 3, reason: 'hash_mismatch' },
    });
    await sql`update audit_entries set actor_id = 'usr_ann' where workspace_id = ${workspaceId} and seq = 3`.execute(
      engine.store.db,
    );
    expect((await engine.auditLog.verify(workspaceId)).ok).toBe(true);

    await sql`update audit_contents set content = '{"after":"forged"}' where workspace_id = ${workspaceId} and seq = 2`.execute(
      engine.store.db,
    );
    expect((await engine.auditLog.verify(workspaceId)).brokenAt).toMatchObject({
      seq: 2,
      reason: 'content_mismatch',
    });

    const { id: tailId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    for (let i = 0; i < 3; i++) engine.auditLog.record(record(tailId));
    await engine.auditLog.flush();
    await sql`delete from audit_entries where workspace_id = ${tailId} and seq = 3`.execute(engine.store.db);
    expect((await engine.auditLog.verify(tailId)).brokenAt).toMatchObject({
      seq: 3,
      reason: 'head_mismatch',
    });
  });

  it('erases a person’s contents without breaking the chain, and prunes old entries from its start', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    engine.auditLog.record(record(workspaceId, { at: old, profileId: 'prof_gone' }));
    engine.auditLog.record(
      record(workspaceId, {
        action: 'write',
        method: 'POST',
        route: '/api/v1/people',
        profileId: null,
        entityIds: {},
        // Typed in another case than identity resolution keeps it.
        after: { email: 'Gone@Example.com' },
      }),
    );
    engine.auditLog.record(record(workspaceId, { profileId: 'prof_kept' }));
    await engine.auditLog.flush();
    const holder = engine.personData.find((h) => h.domain === 'audit_log');
    const person = {
      workspaceId,
      profileIds: ['prof_gone'],
      identifiers: [{ type: 'email', value: 'gone@example.com' }],
    };
    expect(await holder?.exportPerson(person)).toHaveLength(2);
    expect(await holder?.erasePerson(person)).toEqual({ audit_entries: 2 });
    const entries = (await engine.auditLog.list(workspaceId, { limit: 10 })).data;
    expect(entries.map((entry) => entry.erased)).toEqual([false, true, true]);
    expect(JSON.stringify(entries).toLowerCase()).not.toContain('gone');
    expect((await engine.auditLog.verify(workspaceId)).ok).toBe(true);

    const before = new Date(Date.now() - 30 * 86_400_000).toISOString();
    expect(await engine.auditLog.prune({ workspaceId, before, limit: 100 })).toBe(1);
    expect((await engine.auditLog.list(workspaceId, { limit: 10 })).data.map((entry) => entry.seq)).toEqual([
      3, 2,
    ]);
    expect(await engine.auditLog.verify(workspaceId)).toMatchObject({ ok: true, checked: 2 });
    engine.auditLog.record(record(workspaceId));
    expect(await engine.auditLog.verify(workspaceId)).toMatchObject({ ok: true, checked: 3 });
  });

  it('keeps one chain when batches from several recorders append at once', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { AuditLogService } = await import('./index.js');
    const processes = [0, 1, 2].map(() => new AuditLogService(engine.store));
    await Promise.all(
      processes.map(async (process) => {
        for (let batch = 0; batch < 5; batch++) {
          for (let i = 0; i < 10; i++) process.record(record(workspaceId));
          await process.flush();
        }
      }),
    );
    expect(await engine.auditLog.verify(workspaceId)).toMatchObject({ ok: true, checked: 150 });
  });
});
