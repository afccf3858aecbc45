import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, type SmtpRelay, startSmtpRelay } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { type EmailSendPolicy, emailCountsByOrigin, markEngagement, SEND_EVERYTHING } from './index.js';

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text><h1>Hello {{ traits.name | default: "friend" }}</h1>
  <p>Your plan: {{ traits.plan }}. {{ event.product }}</p>
  <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

describe.each(ENGINES)('email templates and sending on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  let now = Date.parse('2026-03-02T10:00:00.000Z');
  beforeAll(async () => {
    relay = await startSmtpRelay();
    engine = await openTestEngine(kind, {
      mail: { smtpUrl: relay.url },
      email: { clock: () => now, baseBackoffMs: 1000 },
    });
  });
  afterEach(() => engine.emailSender.usePolicy(SEND_EVERYTHING));
  afterAll(async () => {
    await engine?.dispose();
    await relay?.close();
  });

  async function workspaceWith(people: { userId: string; traits: Record<string, unknown> }[]) {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: people.map((p) => ({
        type: 'identify',
        userId: p.userId,
        traits: p.traits,
        messageId: `id-${p.userId}`,
      })),
      request: {},
    });
    await engine.pipeline.catchUp();
    const ids: Record<string, string> = {};
    for (const p of people)
      ids[p.userId] = (await engine.profiles.lookup(workspaceId, 'user_id', p.userId)).id;
    await engine.emailSettings.update(workspaceId, {
      fromAddress: 'news@acme.test',
      fromName: 'Acme',
      perSecond: 1000,
    });
    const template = await engine.emailTemplates.create(workspaceId, {
      name: 'Welcome',
      subject: 'Hi {{ traits.name }}',
      mjml: MJML,
      category: 'marketing',
    });
    return { workspaceId, sourceId: source.id, ids, template };
  }

  const queue = (workspaceId: string, templateId: string, profileIds: string[], originId = 'bcast_test') =>
    engine.store.db.transaction().execute((trx) =>
      engine.emailQueue.enqueue(
        trx,
        profileIds.map((profileId) => ({
          workspaceId,
          profileId,
          templateId,
          origin: { kind: 'journey' as const, id: originId, stepId: 'step_1' },
          event: { product: 'Blue shoes' },
        })),
      ),
    );
  const mailTo = (address: string) => relay.messages.filter((m) => JSON.stringify(m.to).includes(address));
  const statusOf = async (workspaceId: string, messageId: string) =>
    engine.store.db
      .selectFrom('email_messages')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();
  const eventsOf = async (workspaceId: string, profileId: string) => {
    await engine.pipeline.catchUp();
    const rows = await engine.store.db
      .selectFrom('profile_events')
      .select(['event'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .execute();
    return rows.flatMap((r) => (r.event === null ? [] : [r.event])).sort();
  };

  it('refuses a template whose MJML or Liquid is broken, naming the field', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const base = { name: 'T', subject: 'Hi', mjml: MJML, category: 'marketing' as const };
    const failure = (input: typeof base & { text?: string }) =>
      engine.emailTemplates.create(workspaceId, input).then(
        () => undefined,
        (error: { code: string; details: { path: string }[] }) => ({
          code: error.code,
          paths: error.details.map((d) => d.path),
        }),
      );
    expect(await failure({ ...base, mjml: '<mjml><mj-body><mj-sectin/></mj-body></mjml>' })).toEqual({
      code: 'unprocessable',
      paths: ['mjml'],
    });
    expect(await failure({ ...base, subject: 'Hi {{ traits.name ' })).toMatchObject({ paths: ['subject'] });
    expect(await failure({ ...base, text: 'Hi {% if x %}' })).toMatchObject({ paths: ['text'] });
    const good = await engine.emailTemplates.create(workspaceId, base);
    await expect(
      engine.emailTemplates.update(workspaceId, good.id, { subject: '{{ x | nofilter }}' }),
    ).rejects.toMatchObject({
      code: 'unprocessable',
    });
  });

  it('sends personalized mail through the relay; each is Email Sent + Delivered on the person', async () => {
    const { workspaceId, ids, template } = await workspaceWith([
      { userId: 'ann', traits: { email: 'Ann@Example.test', name: 'Ann <b>', plan: 'pro' } },
      { userId: 'bob', traits: { email: 'bob@example.test', name: 'Bob', plan: 'free' } },
      { userId: 'nomail', traits: { name: 'No Mail' } },
    ]);
    const [annMessage, , noMail] = await queue(workspaceId, template.id, [
      ids.ann ?? '',
      ids.bob ?? '',
      ids.nomail ?? '',
    ]);
    const report = await engine.emailSender.sendDue();
    expect(report).toMatchObject({ claimed: 3, sent: 2, skipped: 1 });
    const [ann] = mailTo('ann@example.test');
    expect(ann?.subject).toBe('Hi Ann <b>');
    expect(ann?.from?.text).toContain('news@acme.test');
    expect(ann?.html).toContain('Hello Ann &lt;b&gt;');
    expect(ann?.html).toContain('%%UNSUBSCRIBE_URL%%');
    expect(ann?.text).toContain('Hello Ann <b>');
    expect(ann?.text).toContain('Your plan: pro. Blue shoes');
    expect(ann?.messageId).toBe(`<${annMessage}@acme.test>`);
    expect(await statusOf(workspaceId, annMessage ?? '')).toMatchObject({
      status: 'sent',
      to_address: 'ann@example.test',
      subject: 'Hi Ann <b>',
    });
    expect(await statusOf(workspaceId, noMail ?? '')).toMatchObject({
      status: 'skipped',
      error: 'no_address',
    });
    expect(await eventsOf(workspaceId, ids.ann ?? '')).toEqual(['Email Delivered', 'Email Sent']);
    expect(await eventsOf(workspaceId, ids.nomail ?? '')).toContain('Email Skipped');
    // Reports and engagement.
    await markEngagement(
      engine.store.db,
      workspaceId,
      annMessage ?? '',
      'opened',
      new Date(now).toISOString(),
    );
    expect(
      await markEngagement(
        engine.store.db,
        workspaceId,
        annMessage ?? '',
        'opened',
        new Date(now).toISOString(),
      ),
    ).toBe(false);
    expect(await emailCountsByOrigin(engine.store.db, workspaceId, 'journey', 'bcast_test')).toEqual([
      expect.objectContaining({ stepId: 'step_1', sent: 2, delivered: 2, opened: 1, skipped: 1, queued: 0 }),
    ]);
  });

  it('keeps to the workspace rate and its sliding-hour cap', async () => {
    const people = Array.from({ length: 6 }, (_, i) => ({
      userId: `r${i}`,
      traits: { email: `r${i}@rate.test` },
    }));
    const { workspaceId, ids, template } = await workspaceWith(people);
    await engine.emailSettings.update(workspaceId, { perSecond: 2, perHour: 4 });
    await queue(workspaceId, template.id, Object.values(ids));
    let sent = 0;
    for (let pass = 0; pass < 5; pass++) sent += (await engine.emailSender.sendDue()).sent;
    expect(sent).toBe(2);
    now += 1000;
    for (let pass = 0; pass < 5; pass++) sent += (await engine.emailSender.sendDue()).sent;
    expect(sent).toBe(4);
    // The hour is full: nothing more until the first minute leaves the window.
    now += 5000;
    for (let pass = 0; pass < 5; pass++) sent += (await engine.emailSender.sendDue()).sent;
    expect(sent).toBe(4);
    now += 3_600_000;
    for (let pass = 0; pass < 5; pass++) sent += (await engine.emailSender.sendDue()).sent;
    now += 1000;
    for (let pass = 0; pass < 5; pass++) sent += (await engine.emailSender.sendDue()).sent;
    expect(sent).toBe(6);
  });

  it('retries a 4xx with backoff, bounces on a 5xx and tells the policy', async () => {
    const { workspaceId, ids, template } = await workspaceWith([
      { userId: 'soft', traits: { email: 'soft@retry.test' } },
    ]);
    const rejected: number[] = [];
    engine.emailSender.usePolicy({
      ...SEND_EVERYTHING,
      onRelayRejected: async (_db, _email, r) => void rejected.push(r.code),
    });
    relay.refuse(451, 'Try again later');
    const [soft] = await queue(workspaceId, template.id, [ids.soft ?? '']);
    expect(await engine.emailSender.sendDue()).toMatchObject({ retried: 1 });
    const waiting = await statusOf(workspaceId, soft ?? '');
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
    expect(Date.parse(waiting.next_attempt_at)).toBe(now + 1000);
    expect(await engine.emailSender.sendDue()).toMatchObject({ claimed: 0 });
    now += 1000;
    expect(await engine.emailSender.sendDue()).toMatchObject({ sent: 1 });
    expect(await statusOf(workspaceId, soft ?? '')).toMatchObject({ status: 'sent', attempts: 2 });

    relay.refuse(550, 'No such user');
    const [hard] = await queue(workspaceId, template.id, [ids.soft ?? '']);
    expect(await engine.emailSender.sendDue()).toMatchObject({ bounced: 1 });
    expect(await statusOf(workspaceId, hard ?? '')).toMatchObject({ status: 'bounced' });
    expect(rejected).toEqual([550]);
    expect(await eventsOf(workspaceId, ids.soft ?? '')).toContain('Email Bounced');
  });

  it('skips, waits and decorates as the send policy says', async () => {
    const { workspaceId, ids, template } = await workspaceWith([
      { userId: 'gone', traits: { email: 'gone@policy.test' } },
      { userId: 'later', traits: { email: 'later@policy.test' } },
      { userId: 'ok', traits: { email: 'ok@policy.test' } },
    ]);
    const policy: EmailSendPolicy = {
      ...SEND_EVERYTHING,
      decide: async (_db, email) =>
        email.to.startsWith('gone')
          ? { action: 'skip', reason: 'unsubscribed' }
          : email.to.startsWith('later')
            ? { action: 'wait', until: now + 60_000 }
            : { action: 'send' },
      decorate: (email, rendered) => ({
        ...rendered,
        html: rendered.html.replace('%%UNSUBSCRIBE_URL%%', `https://t.test/u/${email.messageId}`),
        headers: { ...rendered.headers, 'List-Unsubscribe': `<https://t.test/u/${email.messageId}>` },
      }),
    };
    engine.emailSender.usePolicy(policy);
    const [gone, later, ok] = await queue(workspaceId, template.id, [
      ids.gone ?? '',
      ids.later ?? '',
      ids.ok ?? '',
    ]);
    expect(await engine.emailSender.sendDue()).toMatchObject({ sent: 1, skipped: 1, deferred: 1 });
    expect(await statusOf(workspaceId, gone ?? '')).toMatchObject({
      status: 'skipped',
      error: 'unsubscribed',
    });
    expect(await statusOf(workspaceId, later ?? '')).toMatchObject({ status: 'queued', attempts: 0 });
    const [mail] = mailTo('ok@policy.test');
    expect(mail?.html).toContain(`https://t.test/u/${ok}`);
    expect(mail?.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe(
      `List-Unsubscribe: <https://t.test/u/${ok}>`,
    );
  });

  it('sends a merged-away profile’s mail to its survivor', async () => {
    const { workspaceId, sourceId, ids, template } = await workspaceWith([
      { userId: 'carl', traits: { email: 'carl@merge.test', name: 'Carl' } },
    ]);
    await engine.collector.collect({
      source: { workspaceId, sourceId },
      calls: [{ type: 'identify', anonymousId: 'anon-carl', traits: { name: 'Anon' }, messageId: 'anon-1' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    const anon = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-carl')).id;
    expect(anon).not.toBe(ids.carl);
    const [queued] = await queue(workspaceId, template.id, [anon]);
    await engine.collector.collect({
      source: { workspaceId, sourceId },
      calls: [{ type: 'identify', userId: 'carl', anonymousId: 'anon-carl', messageId: 'link-1' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    const live = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-carl')).id;
    expect(await engine.emailSender.sendDue()).toMatchObject({ sent: 1 });
    expect(mailTo('carl@merge.test')).toHaveLength(1);
    expect(await statusOf(workspaceId, queued ?? '')).toMatchObject({ status: 'sent', profile_id: live });
  });

  it('previews a template for a person, the links left as markers', async () => {
    const { workspaceId, ids, template } = await workspaceWith([
      { userId: 'dee', traits: { email: 'dee@preview.test', name: 'Dee', plan: 'team' } },
    ]);
    const preview = await engine.emailTemplates.preview(workspaceId, template.id, {
      profileId: ids.dee,
      event: { product: 'Red hat' },
    });
    expect(preview.errors).toEqual([]);
    expect(preview.subject).toBe('Hi Dee');
    expect(preview.html).toContain('Your plan: team. Red hat');
    expect(preview.text).toContain('%%UNSUBSCRIBE_URL%%');
    await expect(
      engine.emailTemplates.preview(workspaceId, template.id, { profileId: 'prof_nobody' }),
    ).rejects.toMatchObject({ code: 'unprocessable' });
  });

  it('encodes a non-ASCII subject and sender name, and spreads a broadcast by its per-minute throttle', async () => {
    const { workspaceId, ids } = await workspaceWith([
      { userId: 'zoe', traits: { email: 'zoe@unicode.test', name: 'Zoë Ünïcødé 🌷' } },
      { userId: 'yan', traits: { email: 'yan@unicode.test', name: 'Yan' } },
      { userId: 'xia', traits: { email: 'xia@unicode.test', name: 'Xia' } },
    ]);
    await engine.emailSettings.update(workspaceId, { fromName: 'Équipe Acme' });
    const template = await engine.emailTemplates.create(workspaceId, {
      name: 'Unicode',
      subject: 'Bonjour {{ traits.name }} — une offre spéciale pour vous aujourd’hui seulement, vraiment',
      mjml: MJML,
      category: 'marketing',
    });
    const audience = await engine.audiences.create(workspaceId, {
      name: 'Unicode people',
      rule: { trait: 'email', op: 'ends_with', value: '@unicode.test' },
    });
    if (!audience.ok) throw new Error(JSON.stringify(audience.error));
    await engine.pipeline.catchUp();
    await engine.segment.catchUp();
    const broadcast = await engine.broadcasts.create(
      workspaceId,
      { templateId: template.id, audienceId: audience.value.id, perMinute: 60 },
      null,
    );
    await engine.broadcasts.runDue();
    const rows = await engine.store.db
      .selectFrom('email_messages')
      .select(['profile_id', 'not_before'])
      .where('workspace_id', '=', workspaceId)
      .where('origin_id', '=', broadcast.id)
      .orderBy('not_before')
      .execute();
    expect(rows).toHaveLength(3);
    // One a second: 60 a minute.
    expect(rows.map((r) => Date.parse(r.not_before) - Date.parse(rows[0]?.not_before ?? ''))).toEqual([
      0, 1000, 2000,
    ]);
    for (let i = 0; i < 3; i++) {
      await engine.emailSender.sendDue();
      now += 1000;
    }
    const [zoe] = mailTo('zoe@unicode.test');
    expect(zoe?.subject).toBe(
      'Bonjour Zoë Ünïcødé 🌷 — une offre spéciale pour vous aujourd’hui seulement, vraiment',
    );
    expect(zoe?.from?.value[0]).toEqual({ name: 'Équipe Acme', address: 'news@acme.test' });
    expect(zoe?.text).toContain('Hello Zoë Ünïcødé 🌷');
    expect(ids.zoe).toBeDefined();
    await engine.broadcasts.runDue();
    expect(await engine.broadcasts.get(workspaceId, broadcast.id)).toMatchObject({
      status: 'sent',
      recipients: 3,
      sent: 3,
      delivered: 3,
    });
  });

  it('fails over to the next relay when one cannot be reached', async () => {
    const failover = await openTestEngine(kind, {
      email: { smtpUrl: `smtp://127.0.0.1:1, ${relay.url}`, clock: () => now },
    });
    try {
      const { id: workspaceId } = await createWorkspace(failover.store, `ws ${Math.random()}`);
      const source = await failover.sources.create(workspaceId, { name: 'web' });
      await failover.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: [
          { type: 'identify', userId: 'fay', traits: { email: 'fay@failover.test' }, messageId: 'fay' },
        ],
        request: {},
      });
      await failover.pipeline.catchUp();
      const fay = (await failover.profiles.lookup(workspaceId, 'user_id', 'fay')).id;
      const template = await failover.emailTemplates.create(workspaceId, {
        name: 'F',
        subject: 'Failover',
        mjml: MJML,
        category: 'transactional',
      });
      await failover.store.db.transaction().execute((trx) =>
        failover.emailQueue.enqueue(
          trx,
          [0, 1].map(() => ({
            workspaceId,
            profileId: fay,
            templateId: template.id,
            origin: { kind: 'api' as const, id: 'test' },
          })),
        ),
      );
      expect(await failover.emailSender.sendDue()).toMatchObject({ sent: 2 });
      expect(mailTo('fay@failover.test')).toHaveLength(2);
    } finally {
      await failover.dispose();
    }
  });
});
