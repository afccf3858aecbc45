import { ENGINES } from '@tandem/engine/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

// Ada's identifiers: unlikely strings, so that finding one anywhere means a copy of her survived.
const ADA = {
  userId: 'priv-ada-7f3q',
  anonymousIds: ['anon-ada-k1x9', 'anon-ada-k2y8', 'anon-ada-k3z7'],
  email: 'Ada.Lovelace.7f3q@Example.com',
};
const BOB = { userId: 'priv-bob-9w2e', anonymousId: 'anon-bob-p4r5', email: 'bob.9w2e@example.com' };

/** Every table of the store and each of its columns holding one of `needles`, as `table.column: needle`. */
async function scanStore(server: TestServer, needles: readonly string[]): Promise<string[]> {
  const db = server.engine.store.db;
  const lowered = needles.map((needle) => needle.toLowerCase());
  const tables =
    server.engine.store.kind === 'sqlite'
      ? (
          await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'
              AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%'`.execute(db)
        ).rows.map((row) => row.name)
      : (
          await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db)
        ).rows.map((row) => row.name);
  expect(tables.length).toBeGreaterThan(50);
  const found = new Set<string>();
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(db);
    for (const row of rows)
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const text = (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).toLowerCase();
        for (const needle of lowered) if (text.includes(needle)) found.add(`${table}.${column}: ${needle}`);
      }
  }
  return [...found].sort();
}

// Tables the log, identity and privacy hold; the other domains' holders are merged beside them.
const OWN_TABLES =
  /^(events|rejections|profiles|profile_identifiers|profile_events|profile_merges|identity_separations|identifier_rejections|privacy_\w+)\./;

describe.each(ENGINES)('privacy requests on %s', (kind) => {
  let server: TestServer;
  let adaProfileId = '';
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload === undefined ? {} : { payload }) });
  const track = async (batch: unknown[]) => {
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: { batch },
    });
    expect(sent.statusCode).toBe(200);
    return sent;
  };
  const runRequest = async (payload: unknown) => {
    const created = await call('POST', '/api/v1/privacy/requests', payload);
    expect(created.statusCode).toBe(202);
    expect(created.json()).toMatchObject({ status: 'pending', report: { domains: {} } });
    await server.engine.privacy.runPending();
    const done = await call('GET', `/api/v1/privacy/requests/${created.json().id}`);
    expect(done.json().status).toBe('done');
    return done.json();
  };

  beforeAll(async () => {
    server = await startTestServer(kind);
    const [first, second, third] = ADA.anonymousIds;
    await track([
      // Three visits as three anonymous visitors, then the login that links them all.
      { type: 'page', anonymousId: first, name: 'Pricing', properties: { plan: 'pro' } },
      { type: 'track', anonymousId: second, event: 'Viewed Docs' },
      { type: 'track', anonymousId: third, event: 'Newsletter', context: { traits: { email: ADA.email } } },
      {
        type: 'identify',
        anonymousId: first,
        userId: ADA.userId,
        traits: { email: ADA.email, name: 'Ada L' },
      },
      { type: 'track', anonymousId: second, userId: ADA.userId, event: 'Signed In' },
      { type: 'track', userId: ADA.userId, event: 'Secret Thing', properties: { ssn: 'x' } },
      // A call collect refuses, kept for the debugger with her id in it.
      { type: 'bogus', userId: ADA.userId },
      { type: 'identify', userId: BOB.userId, anonymousId: BOB.anonymousId, traits: { email: BOB.email } },
      { type: 'track', userId: BOB.userId, event: 'Secret Thing' },
    ]);
    await server.engine.pipeline.catchUp();
  });
  afterAll(() => server.close());

  it('exports everything held about a person, downloadable by its token for a limited time', async () => {
    const done = await runRequest({ type: 'export', identifier: { type: 'user_id', value: ADA.userId } });
    expect(done.report.personFound).toBe(true);
    expect(done.report.domains.events.events).toBeGreaterThanOrEqual(6);
    expect(done.report.downloadUrl).toMatch(/^\/api\/v1\/privacy\/exports\/[\w-]{40,}$/);
    expect(Date.parse(done.report.expiresAt) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    // The record holds no personal data, only the kind of identifier.
    expect(JSON.stringify(done)).not.toContain(ADA.userId);
    const json = await server.app.inject({ method: 'GET', url: done.report.downloadUrl });
    expect(json.statusCode).toBe(200);
    const document = JSON.parse(json.body);
    expect(document.person.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'user_id', value: ADA.userId },
        ...ADA.anonymousIds.map((value) => ({ type: 'anonymous_id', value })),
      ]),
    );
    expect(document.domains.events.events.map((e: { event: string | null }) => e.event)).toContain(
      'Signed In',
    );
    expect(document.domains.events.rejectedCalls).toHaveLength(1);
    expect(document.domains.identity.profiles.length).toBeGreaterThanOrEqual(1);
    const html = await server.app.inject({ method: 'GET', url: `${done.report.downloadUrl}?format=html` });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('Signed In');
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/v1/privacy/exports/not-a-real-token-at-all-xx' }))
        .statusCode,
    ).toBe(404);
  });

  it('deletes a person everywhere the log and identity hold them, through every linked identifier', async () => {
    const profileId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', ADA.userId)).id;
    adaProfileId = profileId;
    const tasks = await call('POST', '/api/v1/tasks', {
      title: 'Call back',
      dueAt: '2030-01-01T00:00:00Z',
      profileId,
    });
    expect(tasks.statusCode).toBe(201);
    const note = await call('POST', '/api/v1/activities', {
      kind: 'note',
      profileId,
      body: 'Asked about pricing',
    });
    expect(note.statusCode).toBe(201);
    const done = await runRequest({
      type: 'delete',
      identifier: { type: 'email', value: ADA.email.toUpperCase() },
    });
    expect(done.report.personFound).toBe(true);
    expect(done.report.domains.events).toMatchObject({ rejections: 1 });
    expect(done.report.domains.events.events).toBeGreaterThanOrEqual(6);
    expect(done.report.domains.identity.profiles).toBeGreaterThanOrEqual(1);

    const needles = [ADA.userId, ADA.email, ...ADA.anonymousIds, profileId];
    const leftovers = await scanStore(server, needles);
    expect(leftovers.filter((where) => OWN_TABLES.test(where))).toEqual([]);
    // Bob is untouched.
    expect((await scanStore(server, [BOB.userId])).length).toBeGreaterThan(0);
  });

  it('leaves no copy of the person in any table of the store once every domain’s holder is in', async () => {
    const profileLeft = await scanStore(server, [ADA.userId, ADA.email, ...ADA.anonymousIds, adaProfileId]);
    // Reports which table.column still holds what: the list the other domains' holders close.
    expect(profileLeft).toEqual([]);
  });

  it('drops re-sent calls of a suppressed person, counted and shown without personal data; unsuppress lifts it', async () => {
    const before = server.engine.privacy.admission.dropped(server.workspaceId);
    await runRequest({ type: 'suppress_and_delete', identifier: { type: 'user_id', value: BOB.userId } });
    const resent = await track([
      { type: 'track', userId: BOB.userId, event: 'Came Back' },
      { type: 'page', anonymousId: BOB.anonymousId, name: 'Home' },
      { type: 'identify', userId: 'someone-new', traits: { email: BOB.email } },
      { type: 'track', userId: 'someone-else', event: 'Kept' },
    ]);
    expect(resent.json()).toMatchObject({ success: true });
    expect(server.engine.privacy.admission.dropped(server.workspaceId) - before).toBe(3);
    const db = server.engine.store.db;
    const suppressed = await db
      .selectFrom('rejections')
      .select(['payload', 'message'])
      .where('workspace_id', '=', server.workspaceId)
      .where('code', '=', 'suppressed')
      .execute();
    expect(suppressed).toHaveLength(3);
    expect(JSON.parse(suppressed[0]?.payload ?? '{}')).toEqual({ type: 'track', event: 'Came Back' });
    expect(await scanStore(server, [BOB.userId, BOB.email, BOB.anonymousId])).toEqual(
      (await scanStore(server, [BOB.userId, BOB.email, BOB.anonymousId])).filter(
        (where) => !OWN_TABLES.test(where),
      ),
    );
    const kept = await db
      .selectFrom('events')
      .select('user_id')
      .where('user_id', '=', 'someone-else')
      .execute();
    expect(kept).toHaveLength(1);

    await runRequest({ type: 'unsuppress', identifier: { type: 'user_id', value: BOB.userId } });
    await track([{ type: 'track', userId: BOB.userId, anonymousId: BOB.anonymousId, event: 'Back Again' }]);
    const stored = await db.selectFrom('events').select('event').where('user_id', '=', BOB.userId).execute();
    expect(stored.map((e) => e.event)).toEqual(['Back Again']);
  });

  it('anonymizes a person: the events stay, counted under a random profile, without who they were', async () => {
    const carol = {
      userId: 'priv-carol-m3n4',
      anonymousId: 'anon-carol-m3n4',
      email: 'carol.m3n4@example.com',
    };
    await track([
      {
        type: 'identify',
        userId: carol.userId,
        anonymousId: carol.anonymousId,
        traits: { email: carol.email },
      },
      { type: 'track', userId: carol.userId, event: 'Bought', properties: { total: 30, note: carol.email } },
      { type: 'track', anonymousId: carol.anonymousId, event: 'Viewed' },
    ]);
    await server.engine.pipeline.catchUp();
    const done = await runRequest({
      type: 'anonymize',
      identifier: { type: 'anonymous_id', value: carol.anonymousId },
    });
    expect(done.report.domains.events.events_anonymized).toBe(3);
    expect(done.report.domains.identity.profile_events).toBe(3);
    const left = await scanStore(server, [carol.userId, carol.anonymousId, carol.email]);
    expect(left.filter((where) => OWN_TABLES.test(where))).toEqual([]);
    const kept = await server.engine.store.db
      .selectFrom('events')
      .select(['event', 'user_id', 'anonymous_id'])
      .where('workspace_id', '=', server.workspaceId)
      .where('event', 'in', ['Bought', 'Viewed'])
      .execute();
    expect(kept).toHaveLength(2);
    expect(kept.every((event) => event.user_id === null && event.anonymous_id?.startsWith('prof_'))).toBe(
      true,
    );
  });

  it('deletes events by scope and re-derives the profiles they touched', async () => {
    await track([
      { type: 'identify', userId: 'scoped-1', traits: { plan: 'pro' } },
      { type: 'track', userId: 'scoped-1', event: 'Card Number Typed', properties: { card: 'cardno-4242' } },
      { type: 'track', userId: 'scoped-1', event: 'Card Number Typed', properties: { card: 'cardno-4343' } },
    ]);
    await server.engine.pipeline.catchUp();
    const deleted = await call('POST', '/api/v1/privacy/deletions', { event: 'Card Number Typed' });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ events: 2, profiles: 1 });
    expect(await scanStore(server, ['cardno-4242', 'cardno-4343'])).toEqual([]);
    const empty = await call('POST', '/api/v1/privacy/deletions', {});
    expect(empty.statusCode).toBe(400);
  });

  it('answers 400 naming the field for a bad request, and lists requests by status and type', async () => {
    const bad = await call('POST', '/api/v1/privacy/requests', {
      type: 'erase',
      identifier: { type: 'user_id', value: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('type');
    const tooMany = await call('POST', '/api/v1/privacy/requests/bulk', {
      type: 'delete',
      identifiers: Array.from({ length: 5001 }, (_, i) => ({ type: 'user_id', value: `u${i}` })),
    });
    expect(tooMany.statusCode).toBe(400);
    expect(JSON.stringify(tooMany.json())).toContain('identifiers');
    const bulk = await call('POST', '/api/v1/privacy/requests/bulk', {
      type: 'delete',
      identifiers: [
        { type: 'user_id', value: 'nobody-1' },
        { type: 'anonymous_id', value: 'nobody-2' },
      ],
    });
    expect(bulk.statusCode).toBe(202);
    expect(bulk.json().data).toHaveLength(2);
    const pending = await call('GET', '/api/v1/privacy/requests?status=pending&type=delete');
    expect(pending.json().data).toHaveLength(2);
    await server.engine.privacy.runPending();
    const exports = await call('GET', '/api/v1/privacy/requests?type=export&limit=1');
    expect(exports.json().data.map((r: { type: string }) => r.type)).toEqual(['export']);
    const page = await call('GET', '/api/v1/privacy/requests?limit=2');
    expect(page.json().data).toHaveLength(2);
    const next = await call('GET', `/api/v1/privacy/requests?limit=50&cursor=${page.json().nextCursor}`);
    expect(next.json().data.length).toBeGreaterThan(2);
    expect(next.json().data[0].id < page.json().data[1].id).toBe(true);
    const viewer = await server.tokenFor('viewer');
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/v1/privacy/requests', headers: viewer }))
        .statusCode,
    ).toBe(403);
  });
});
