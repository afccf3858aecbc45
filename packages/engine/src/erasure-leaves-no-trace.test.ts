import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JourneyDefinition } from '@tandem/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from './engine.js';
import { personOfProfile } from './identity/index.js';
import { smtpMailSender } from './mail/index.js';
import { ENGINES, openTestEngine, type SmtpRelay, startSmtpRelay } from './testing/index.js';
import { createWorkspace } from './workspaces/index.js';

// A privacy erasure, run the way a request runs (engine.privacy), then every column of every
// table of the store is searched for the erased person's identifiers and profile ids. Ann is put
// in as many domains as the engine's services reach; Bob, beside her everywhere, must stay.

const PUBLIC_URL = 'https://tandem.example.test';
const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text><p>Hello {{ traits.name }}</p><a href="https://shop.example/deals">Deals</a>
  <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

/**
 * Tables allowed to keep a trace of an erased person, each with why (docs/privacy.md and the
 * person-data docs). Empty: what erasure keeps (request records, suppressions, deletion notices,
 * erased audit entries) keeps keyed hashes only, never an identifier or a profile id.
 */
const ALLOWED_TRACES: Readonly<Record<string, string>> = {};

/** Records keyed by a person's profile whose own ids other rows hang off (mail, timers, audit). */
const RECORDS_OF_PERSON = {
  tickets: 'ticket_id',
  journey_runs: 'run_id',
  sequence_enrollments: 'enrollment_id',
  email_messages: 'message_id',
  crm_activities: 'activity_id',
  crm_tasks: 'task_id',
  deliveries: 'delivery_id',
} as const;

/** One column of one table holding an erased person's value: how many rows, and which value. */
interface Trace {
  readonly table: string;
  readonly column: string;
  readonly needle: string;
  readonly rows: number;
}

describe.each(ENGINES)('an erasure on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  const hooks = http.createServer((request, response) => {
    request.resume().on('end', () => response.writeHead(200).end());
  });

  beforeAll(async () => {
    relay = await startSmtpRelay();
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    engine = await openTestEngine(kind, {
      delivery: { secretKey: randomBytes(32), allowPrivateNetworks: true, pollMs: 100, baseBackoffMs: 50 },
      pipeline: { pollMs: 50 },
      mail: { smtpUrl: relay.url },
      access: { publicUrl: PUBLIC_URL, mail: smtpMailSender({ url: relay.url, from: 'portal@acme.test' }) },
      sequences: { replyDomain: 'replies.acme.test' },
    });
    engine.pipeline.start();
    engine.dispatcher.start();
  });
  afterAll(async () => {
    await engine?.dispose();
    await relay?.close();
    await new Promise((resolve) => hooks.close(resolve));
  });

  /** Every table of the store (SQLite's FTS shadow tables hold the FTS table's own rows). */
  async function tablesOfStore(): Promise<{ table: string; columns: string[]; scoped: boolean }[]> {
    const db = engine.store.db;
    const columnsOf = new Map<string, string[]>();
    if (engine.store.kind === 'sqlite') {
      const { rows } = await sql<{ table: string; column: string }>`
        SELECT m.name AS "table", c.name AS "column" FROM sqlite_master m, pragma_table_info(m.name) c
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '%_fts_%'`.execute(db);
      for (const { table, column } of rows) columnsOf.set(table, [...(columnsOf.get(table) ?? []), column]);
    } else {
      // The test store is a schema of its own, the connection's search path (current_schema()).
      const { rows } = await sql<{ table: string; column: string; type: string }>`
        SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS type
        FROM information_schema.columns c JOIN information_schema.tables t
          ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`.execute(db);
      const textLike = new Set(['text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY']);
      for (const { table, column, type } of rows) {
        const columns = columnsOf.get(table) ?? [];
        columnsOf.set(
          table,
          textLike.has(type) || column === 'workspace_id' ? [...columns, column] : columns,
        );
      }
    }
    return [...columnsOf].map(([table, columns]) => ({
      table,
      columns: columns.filter((column) => column !== 'workspace_id'),
      scoped: columns.includes('workspace_id'),
    }));
  }

  /** Each (table, column, needle) whose rows of the workspace contain the needle, any case. */
  async function tracesOf(workspaceId: string, needles: readonly string[]): Promise<Trace[]> {
    const db = engine.store.db;
    const asText = (column: string) =>
      engine.store.kind === 'sqlite' ? sql`CAST(${sql.ref(column)} AS TEXT)` : sql`${sql.ref(column)}::text`;
    // LIKE patterns, `!` escaping LIKE's own wildcards (ids hold `_`).
    const patterns = needles.map((needle) => `%${needle.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`);
    const traces: Trace[] = [];
    for (const { table, columns, scoped } of await tablesOfStore()) {
      // One statement per column: a count per needle.
      for (const column of columns) {
        const counts = patterns.map(
          (pattern, n) =>
            sql`sum(CASE WHEN lower(${asText(column)}) LIKE ${pattern} ESCAPE '!' THEN 1 ELSE 0 END) AS ${sql.ref(`n${n}`)}`,
        );
        const { rows } = await sql<Record<string, number | string | null>>`
          SELECT ${sql.join(counts)} FROM ${sql.table(table)}
          ${scoped ? sql`WHERE workspace_id = ${workspaceId}` : sql``}`.execute(db);
        needles.forEach((needle, n) => {
          const count = Number(rows[0]?.[`n${n}`] ?? 0);
          if (count > 0) traces.push({ table, column, needle, rows: count });
        });
      }
    }
    return traces;
  }

  /** The pipeline through the log's end and every delivery made. */
  async function settled(workspaceId: string) {
    await engine.pipeline.catchUp();
    await vi.waitFor(
      async () => {
        const waiting = await engine.store.db
          .selectFrom('deliveries')
          .select('delivery_id')
          .where('workspace_id', '=', workspaceId)
          .where('status', '!=', 'delivered')
          .execute();
        expect(waiting).toEqual([]);
      },
      { timeout: 20_000, interval: 100 },
    );
  }

  /** The ids of the records of `RECORDS_OF_PERSON` that belong to these profiles. */
  async function recordsOf(workspaceId: string, profileIds: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [table, idColumn] of Object.entries(RECORDS_OF_PERSON)) {
      const { rows } = await sql<{ id: string }>`
        SELECT ${sql.ref(idColumn)} AS id FROM ${sql.table(table)}
        WHERE workspace_id = ${workspaceId} AND profile_id IN (${sql.join(profileIds)})`.execute(
        engine.store.db,
      );
      ids.push(...rows.map((row) => row.id));
    }
    return ids;
  }

  /**
   * Ann and Bob through the real pipeline (two devices merged, traits, a company, a computed
   * trait, an audience, lead scoring, consent, a webhook's deliveries, an audience file, a journey
   * that lists them and makes a task, a rejected call) and a newsletter sent to both; then Ann in
   * the CRM (record, note, task, deal, a company's contact, a sequence), the desk (a ticket solved
   * by mail, its survey, a portal link), email (an open, a topic choice, a suppression), consent
   * recorded by support, the audit log and a privacy export. Bob gets a note and a ticket too.
   */
  async function annAndBobEverywhere() {
    const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const people = {
      ann: {
        email: `Ann-${run}@Example.test`,
        userId: `ann-${run}`,
        anonymousId: `anon-ann-${run}`,
        visitId: `visit-ann-${run}`,
        phone: `+1555${Date.now() % 10_000_000}`,
      },
      bob: {
        email: `bob-${run}@example.test`,
        userId: `bob-${run}`,
        anonymousId: `anon-bob-${run}`,
        visitId: `visit-bob-${run}`,
        phone: `+1666${Date.now() % 10_000_000}`,
      },
    };
    const { id: workspaceId } = await createWorkspace(engine.store, `erasure ${run}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order',
    });
    const pro = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    const scoring = await engine.leadScoring.update(workspaceId, {
      rules: [
        { name: 'Orders', group: 'engagement', condition: { event: 'Order' }, points: 10, perEvent: true },
      ],
    });
    if (!orders.ok || !pro.ok || !scoring.ok) throw new Error('definitions refused');
    const { port } = hooks.address() as AddressInfo;
    const hook = await engine.destinations.create(workspaceId, {
      name: 'hook',
      type: 'webhook',
      config: { url: `http://127.0.0.1:${port}/hook` },
      subscriptions: [{ kind: 'event' }, { kind: 'trait' }],
    });
    const file = await engine.destinations.create(workspaceId, {
      name: 'lists',
      type: 'audience-file',
      config: { format: 'csv' },
      subscriptions: [{ kind: 'audience', audienceId: pro.value.id, on: ['entered'] }],
    });
    if (!hook.ok || !file.ok) throw new Error('destinations refused');
    const list = await engine.lists.create(workspaceId, { name: 'New sign-ups' }, null);
    const journey = await engine.journeys.create(workspaceId, {
      name: 'Onboarding',
      entry: { kind: 'event', event: 'Signed Up', where: [] },
      steps: [
        { id: 'listed', kind: 'list', listId: list.id, action: 'add', next: 'call' },
        { id: 'call', kind: 'create_task', title: 'Welcome call', next: 'wait' },
        { id: 'wait', kind: 'delay', duration: '1d' },
      ],
    } as unknown as JourneyDefinition); // the contract's input, parsed by the service
    await engine.journeys.publish(workspaceId, journey.id, { inFlight: 'stay' });

    const collect = async (calls: Record<string, unknown>[]) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: calls.map((call) => ({ messageId: `${run}-${randomBytes(6).toString('hex')}`, ...call })),
        request: {},
      });
      await engine.pipeline.catchUp();
    };
    // An earlier visit on another device: a profile of its own, merged into the person's later.
    await collect(
      Object.values(people).map(({ visitId }) => ({ type: 'page', anonymousId: visitId, name: 'Pricing' })),
    );
    const calls = Object.values(people).flatMap(({ email, phone, userId, anonymousId, visitId }) => [
      // A visit before signing in, with a consent banner's answer and the address in a property.
      {
        type: 'track',
        anonymousId,
        event: 'Newsletter',
        properties: { email },
        context: { consent: { categoryPreferences: { marketing: true, analytics: false } } },
      },
      { type: 'identify', userId, anonymousId, traits: { email, phone, plan: 'pro', name: userId } },
      { type: 'track', userId, event: 'Signed Up', properties: { referrer: email } },
      { type: 'track', userId, event: 'Order', properties: { total: 10 } },
      { type: 'track', userId, anonymousId: visitId, event: 'Signed In' },
      { type: 'group', userId, groupId: 'acme', traits: { name: 'Acme' } },
      // A call the collector refuses, kept for the debugger with the person's ids in it.
      { type: 'bogus', userId, anonymousId },
    ]);
    await collect(calls);
    const profileOf = async (userId: string) =>
      (await engine.profiles.lookup(workspaceId, 'user_id', userId)).id;
    const ann = await profileOf(people.ann.userId);
    const bob = await profileOf(people.bob.userId);

    // The CRM: her record (found by her user id), a note, a task and a deal she is on.
    await engine.people.create(
      workspaceId,
      { userId: people.ann.userId, name: 'Ann Lee', tags: ['vip'] },
      null,
    );
    await engine.activities.create(
      workspaceId,
      { kind: 'note', profileId: ann, body: `Ann asked to be written to at ${people.ann.email}` },
      null,
    );
    await engine.tasks.create(
      workspaceId,
      { title: 'Call Ann back', dueAt: '2030-01-01T00:00:00Z', profileId: ann },
      null,
    );
    const sales = await engine.pipelines.create(
      workspaceId,
      { name: 'Sales', stages: [{ name: 'Lead', probability: 10 }] },
      null,
    );
    await engine.deals.create(
      workspaceId,
      {
        name: 'Acme renewal',
        amount: 1200,
        currency: 'EUR',
        pipelineId: sales.id,
        people: [{ profileId: ann, role: 'champion' }],
      },
      null,
    );
    await engine.activities.create(workspaceId, { kind: 'note', profileId: bob, body: 'Bob is happy' }, null);
    await engine.tickets.create(
      workspaceId,
      { subject: 'Login', email: people.bob.email, priority: 'normal', body: 'Locked out.' },
      null,
      { channel: 'api' },
    );
    // A company naming her its contact (a relation custom field).
    await engine.customFields.create(
      workspaceId,
      { entity: 'company', key: 'contact', label: 'Contact', type: 'relation', relationTo: 'person' },
      null,
    );
    await engine.companies.create(workspaceId, { name: 'Acme', fields: { contact: ann } }, null);
    // A sales sequence she is enrolled in.
    const outbound = await engine.sequences.create(
      workspaceId,
      { name: 'Outbound', steps: [{ id: 'call', kind: 'task', title: 'Call them', delay: '3d' }] },
      null,
    );
    await engine.sequences.enroll(workspaceId, outbound.id, { profileIds: [ann] }, null);

    // The desk: a ticket she opened with her address, answered and solved by mail (a survey
    // follows), and a sign-in link to the help portal.
    await engine.mailboxes.create(workspaceId, { address: `help-${run}@acme.test` });
    const ticket = await engine.tickets.create(
      workspaceId,
      { subject: 'Invoice address', email: people.ann.email, priority: 'normal', body: 'I moved, Ann.' },
      null,
      { channel: 'api' },
    );
    await engine.tickets.reply(
      workspaceId,
      ticket.id,
      { body: 'Fixed it, Ann.', public: true, status: 'solved' },
      null,
    );
    await engine.mailChannel.whenIdle();
    await engine.satisfaction.whenIdle();
    await engine.portal.requestLink(workspaceId, people.ann.email);
    // Consent recorded on her behalf, by support.
    await engine.consent.record(workspaceId, ann, {
      purposes: { marketing: true },
      source: 'api',
      note: 'by phone',
    });

    // Email: a newsletter sent to both, opened by Ann; her topic choice and a suppression.
    await engine.emailSettings.update(workspaceId, {
      fromAddress: 'news@acme.test',
      fromName: 'Acme',
      perSecond: 1000,
    });
    const template = await engine.emailTemplates.create(workspaceId, {
      name: 'Newsletter',
      subject: 'News for {{ traits.name }}',
      mjml: MJML,
      category: 'marketing',
    });
    await engine.store.db.transaction().execute((trx) =>
      engine.emailQueue.enqueue(
        trx,
        [ann, bob].map((profileId) => ({
          workspaceId,
          profileId,
          templateId: template.id,
          origin: { kind: 'journey' as const, id: journey.id, stepId: 'call' },
          event: { product: 'Blue shoes' },
        })),
      ),
    );
    expect(await engine.emailSender.sendDue()).toMatchObject({ sent: 2 });
    const mail = relay.messages.findLast((m) =>
      JSON.stringify(m.to).toLowerCase().includes(people.ann.email.toLowerCase()),
    );
    const openToken = new RegExp(`${PUBLIC_URL}/e/o/([\\w.-]+)`).exec(mail?.html || '')?.[1] ?? '';
    await engine.emailEngagement.open(openToken, { method: 'GET', userAgent: 'Mozilla/5.0 (Macintosh)' });
    const topic = await engine.emailPreferences.createTopic(workspaceId, {
      name: 'Product news',
      defaultSubscribed: true,
    });
    await engine.store.db.transaction().execute((trx) =>
      engine.emailPreferences.updateSubscriptions(trx, {
        workspaceId,
        profileId: ann,
        update: { topics: { [topic.id]: false } },
        source: 'admin',
      }),
    );
    await engine.emailPreferences.suppress(workspaceId, { address: people.ann.email, reason: 'manual' });

    // The audit log: a user read her profile.
    engine.auditLog.record({
      workspaceId,
      at: new Date().toISOString(),
      actor: { kind: 'user', id: 'usr_support' },
      action: 'read',
      method: 'GET',
      route: '/api/v1/profiles/:id',
      status: 200,
      profileId: ann,
      entityIds: { id: ann },
    });
    // …and a change whose answer named no profile: only the body names her.
    engine.auditLog.record({
      workspaceId,
      at: new Date().toISOString(),
      actor: { kind: 'user', id: 'usr_support' },
      action: 'write',
      method: 'POST',
      route: '/api/v1/email/suppressions',
      status: 201,
      profileId: null,
      entityIds: {},
      after: { address: people.ann.email, reason: 'manual' },
    });
    await engine.auditLog.flush();

    // Her export, made before the deletion (the deletion must take it too).
    await engine.privacy.create(
      workspaceId,
      { type: 'export', identifier: { type: 'user_id', value: people.ann.userId } },
      null,
    );
    await engine.privacy.runPending();

    await settled(workspaceId);
    return { workspaceId, people, ann, bob };
  }

  it('leaves no trace of the erased person in any table, and the other person untouched', async () => {
    const { workspaceId, people, ann, bob } = await annAndBobEverywhere();
    // Ann's ids, taken before they go: every profile merged into her and every identifier linked.
    const person = await personOfProfile(engine.store.db, workspaceId, ann);
    const needles = [
      ...new Set([
        people.ann.email,
        people.ann.userId,
        people.ann.anonymousId,
        people.ann.visitId,
        people.ann.phone,
        ...person.profileIds,
        ...person.identifiers.map((identifier) => identifier.value),
        ...(await recordsOf(workspaceId, person.profileIds)),
      ]),
    ];
    // The scan sees her before: in each domain the scenario put her in.
    const before = new Set((await tracesOf(workspaceId, needles)).map((trace) => trace.table));
    for (const table of [
      'events',
      'rejections',
      'profile_identifiers',
      'profile_traits',
      'computed_trait_values',
      'audience_members',
      'lead_scores',
      'deliveries',
      'consent_decisions',
      'journey_runs',
      'static_list_members',
      'profile_merges',
      'company_members',
      'audience_file_rows',
      'crm_companies',
      'sequence_enrollments',
      'csat_surveys',
      'help_portal_tokens',
      'crm_activities',
      'crm_tasks',
      'crm_deal_people',
      'tickets',
      'ticket_messages',
      'ticket_emails',
      'sla_clocks',
      'journey_timers',
      'email_messages',
      'email_sends',
      'email_engagements',
      'email_subscription_changes',
      'email_suppressions',
      'audit_contents',
      'privacy_exports',
    ])
      expect(before, `the scenario puts Ann in ${table}`).toContain(table);
    const bobBefore = await tracesOf(workspaceId, [people.bob.email, people.bob.userId, bob]);

    const request = await engine.privacy.create(
      workspaceId,
      { type: 'delete', identifier: { type: 'email', value: people.ann.email.toUpperCase() } },
      null,
    );
    await engine.privacy.runPending();
    const done = await engine.privacy.get(workspaceId, request.id);
    expect(done).toMatchObject({ status: 'done', report: { personFound: true } });
    // Nothing re-made afterwards by a stage or the dispatcher still at work.
    await settled(workspaceId);

    const left = (await tracesOf(workspaceId, needles)).filter(
      (trace) => !Object.hasOwn(ALLOWED_TRACES, trace.table),
    );
    expect(left.map((t) => `${t.table}.${t.column} holds ${t.needle} (${t.rows} rows)`)).toEqual([]);
    // Bob is still there, found by his user id, his rows as they were.
    expect(await engine.profiles.lookup(workspaceId, 'user_id', people.bob.userId)).toMatchObject({
      id: bob,
    });
    expect(await tracesOf(workspaceId, [people.bob.email, people.bob.userId, bob])).toEqual(bobBefore);
  }, 120_000);
});
