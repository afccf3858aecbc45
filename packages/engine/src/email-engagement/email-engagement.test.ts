import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../email/index.js';
import type { Engine } from '../engine.js';
import { newId } from '../ids/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { EmailEngagementService, EmailPolicy, type EngagementKind } from './index.js';

const START = Date.parse('2026-05-04T09:00:00.000Z');
const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const HTML = `<html><body><p>Hi</p><a href="https://shop.example/a?x=1&amp;y=2">A</a>
<a class="b" href='https://shop.example/b'>B</a><a href="%%UNSUBSCRIBE_URL%%">Unsubscribe</a>
<a href="%%PREFERENCES_URL%%">Preferences</a></body></html>`;

describe.each(ENGINES)('email engagement on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = START;
  let workspaceId: string;
  let annId: string;
  let marked: { messageId: string; kind: EngagementKind }[];
  let engagement: EmailEngagementService;
  let policy: EmailPolicy;

  beforeEach(async () => {
    now = START;
    engine = await openTestEngine(kind, {
      segment: { clock: () => now },
      access: { publicUrl: 'https://tandem.example.test/' },
      mail: { listen: { host: '127.0.0.1', port: 0 } },
      emailEngagement: { mailDomain: 'mail.example.test', clock: () => now },
    });
    workspaceId = (await createWorkspace(engine.store, `email ${Math.random()}`)).id;
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [{ type: 'identify', userId: 'ann', traits: { email: 'ann@example.com' }, messageId: 'm1' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    annId = (await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).id;
    marked = [];
    // The engine's service with the email domain's markEngagement standing in (the lead wires the real one).
    engagement = new EmailEngagementService({
      store: engine.store,
      preferences: engine.emailPreferences,
      events: engine.crmEvents,
      wake: () => undefined,
      markEngagement: async (_db, _workspaceId, messageId, kind) => {
        marked.push({ messageId, kind });
      },
      publicUrl: 'https://tandem.example.test/',
      mailDomain: 'mail.example.test',
      clock: () => now,
    });
    policy = new EmailPolicy(engine.emailPreferences, engagement);
  });
  afterEach(() => engine.dispose());

  const outgoing = (extra: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
    workspaceId,
    messageId: newId('emailMessage'),
    profileId: annId,
    to: 'ann@example.com',
    category: 'marketing',
    topicId: null,
    origin: { kind: 'api', id: 'test' },
    overCap: 'wait',
    ...extra,
  });
  const decide = (email: OutgoingEmail) => policy.decide(engine.store.db, email, now);
  /** Sends one email as the sender would: decide, decorate, record. */
  const send = async (email: OutgoingEmail) => {
    expect(await decide(email)).toEqual({ action: 'send' });
    const decorated = policy.decorate(email, {
      subject: 'Hi',
      html: HTML,
      text: 'Bye: %%UNSUBSCRIBE_URL%%',
      headers: {},
    });
    await policy.recordSent(engine.store.db, email, now);
    return decorated;
  };
  const tokensOf = (html: string, path: string) =>
    [...html.matchAll(new RegExp(`https://tandem\\.example\\.test${path}([\\w.-]+)`, 'g'))].map(
      (m) => m[1] ?? '',
    );
  const events = async (name: string) => {
    await engine.pipeline.catchUp();
    const page = await engine.profiles.timeline(workspaceId, annId, { limit: 100, event: name });
    return page.data.map((event) => (event as { properties?: Record<string, unknown> }).properties ?? {});
  };

  it('gates marketing email on suppression, consent, subscriptions; transactional on suppression only', async () => {
    const prefs = engine.emailPreferences;
    const news = await prefs.createTopic(workspaceId, { name: 'Newsletter', defaultSubscribed: false });
    const product = await prefs.createTopic(workspaceId, { name: 'Product news', defaultSubscribed: true });
    expect(await decide(outgoing())).toEqual({ action: 'send' });
    // Opt-in topic: nobody until they say yes; opt-out topic: everyone until they say no.
    expect(await decide(outgoing({ topicId: news.id }))).toEqual({ action: 'skip', reason: 'unsubscribed' });
    expect(await decide(outgoing({ topicId: product.id }))).toEqual({ action: 'send' });
    await engine.store.db.transaction().execute((trx) =>
      prefs.updateSubscriptions(trx, {
        workspaceId,
        profileId: annId,
        update: { topics: { [news.id]: true, [product.id]: false } },
        source: 'admin',
      }),
    );
    expect(await decide(outgoing({ topicId: news.id }))).toEqual({ action: 'send' });
    expect(await decide(outgoing({ topicId: product.id }))).toEqual({
      action: 'skip',
      reason: 'unsubscribed',
    });
    expect(await decide(outgoing({ topicId: product.id, category: 'transactional' }))).toEqual({
      action: 'send',
    });

    await engine.consent.record(workspaceId, annId, {
      purposes: { marketing: false },
      source: 'api',
      principal: 'usr_test',
    });
    expect(await decide(outgoing({ topicId: news.id }))).toEqual({ action: 'skip', reason: 'no_consent' });
    expect(await decide(outgoing({ category: 'transactional' }))).toEqual({ action: 'send' });

    await prefs.suppress(workspaceId, { address: 'ANN@example.com ', reason: 'manual' });
    expect(await decide(outgoing({ category: 'transactional' }))).toEqual({
      action: 'skip',
      reason: 'suppressed',
    });
    const listed = await prefs.listSuppressions(workspaceId, { q: 'ann@', limit: 10 });
    expect(listed.data).toMatchObject([{ address: 'ann@example.com', reason: 'manual', profileId: annId }]);
    expect(await decide(outgoing({ to: '' }))).toEqual({ action: 'skip', reason: 'no_address' });
  });

  it('caps marketing email per person across senders: waits until the oldest send ages out, or skips', async () => {
    await engine.emailPreferences.setFrequencyCap(workspaceId, { enabled: true, max: 2, period: '1d' });
    await send(outgoing({ origin: { kind: 'journey', id: 'jrn_1' } }));
    now += 3_600_000;
    await send(outgoing({ origin: { kind: 'broadcast', id: 'bcast_1' } }));
    // Transactional email is not counted.
    await policy.recordSent(engine.store.db, outgoing({ category: 'transactional' }), now);
    now += 3_600_000;
    expect(await decide(outgoing())).toEqual({ action: 'wait', until: START + 86_400_000 });
    expect(await decide(outgoing({ overCap: 'skip' }))).toEqual({ action: 'skip', reason: 'frequency_cap' });
    expect(await decide(outgoing({ category: 'transactional' }))).toEqual({ action: 'send' });
    now = START + 86_400_000;
    expect(await decide(outgoing())).toEqual({ action: 'send' });
  });

  it('rewrites links, adds a pixel and RFC 8058 headers, and tells people from machines', async () => {
    const email = outgoing();
    const decorated = await send(email);
    expect(decorated.envelopeFrom).toMatch(/^bounce\+[0-9a-z]{26}[0-9a-f]{12}@mail\.example\.test$/);
    expect(decorated.envelopeFrom.length - '@mail.example.test'.length).toBeLessThanOrEqual(64);
    expect(decorated.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(decorated.headers['List-Unsubscribe']).toMatch(
      /^<https:\/\/tandem\.example\.test\/e\/u\/[\w.-]+>, <mailto:unsubscribe\+[0-9a-z]{38}@mail\.example\.test>$/,
    );
    expect(decorated.html).not.toContain('https://shop.example');
    expect(decorated.html).not.toContain('%%');
    expect(decorated.text).toMatch(/^Bye: https:\/\/tandem\.example\.test\/e\/u\//);
    const [linkA, linkB, honeypot] = tokensOf(decorated.html, '/e/c/');
    const [pixel] = tokensOf(decorated.html, '/e/o/');
    expect(tokensOf(decorated.html, '/email/preferences/')).toHaveLength(1);

    // Machines: a proxy prefetching the pixel, a HEAD request, anything in the first seconds.
    await engagement.open(pixel ?? '', { method: 'GET', userAgent: HUMAN });
    await engagement.open(pixel ?? '', {
      method: 'GET',
      userAgent: 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)',
    });
    now += 60_000;
    await engagement.open(pixel ?? '', { method: 'GET', userAgent: 'Mozilla/5.0' });
    await engagement.open(pixel ?? '', { method: 'HEAD', userAgent: HUMAN });
    await engagement.open(pixel ?? '', { method: 'GET', userAgent: HUMAN });
    const opens = await events('Email Opened');
    expect(opens.map((o) => o.machineReason ?? 'person').sort()).toEqual([
      'apple_mail_privacy_protection',
      'google_image_proxy',
      'head_request',
      'person',
      'too_soon_after_send',
    ]);
    expect(opens.filter((o) => o.machine === false)).toHaveLength(1);

    // A person clicks one link; a scanner follows both within a second, and the hidden one.
    expect(await engagement.click(linkA ?? '', { method: 'GET', userAgent: HUMAN })).toBe(
      'https://shop.example/a?x=1&y=2',
    );
    now += 60_000;
    expect(await engagement.click(linkB ?? '', { method: 'GET', userAgent: HUMAN })).toBe(
      'https://shop.example/b',
    );
    now += 200;
    await engagement.click(linkA ?? '', { method: 'GET', userAgent: HUMAN });
    expect(await engagement.click(honeypot ?? '', { method: 'GET', userAgent: HUMAN })).toBeNull();
    const clicks = await events('Email Link Clicked');
    expect(clicks.map((c) => c.machineReason ?? 'person').sort()).toEqual([
      'all_links_at_once',
      'honeypot_link',
      'person',
      'person',
    ]);
    // Only people's opens and clicks are marked on the message (machine opens as such).
    expect(marked.filter((m) => m.messageId === email.messageId).map((m) => m.kind)).toEqual([
      'machine_open',
      'machine_open',
      'machine_open',
      'machine_open',
      'opened',
      'clicked',
      'clicked',
    ]);

    // A forged or altered token is worth nothing.
    const [body, mac] = (linkA ?? '').split('.');
    expect(await engagement.click(`${body}x.${mac}`, { method: 'GET', userAgent: HUMAN })).toBeNull();
    expect(await engagement.click('nonsense', { method: 'GET', userAgent: HUMAN })).toBeNull();
  });

  it('unsubscribes in one click, from the email’s topic, and shows the choice on the preference page', async () => {
    const news = await engine.emailPreferences.createTopic(workspaceId, {
      name: 'News',
      defaultSubscribed: true,
    });
    const decorated = await send(outgoing({ topicId: news.id }));
    const [unsubscribe] = tokensOf(decorated.html, '/e/u/');
    const [preferences] = tokensOf(decorated.html, '/email/preferences/');
    expect(await engagement.unsubscribeTarget(unsubscribe ?? '')).toMatchObject({ topic: { name: 'News' } });
    expect(await engagement.unsubscribe(unsubscribe ?? '', 'one_click')).toBe(true);
    expect(await engagement.unsubscribe(unsubscribe ?? '', 'one_click')).toBe(true);
    expect(await decide(outgoing({ topicId: news.id }))).toEqual({ action: 'skip', reason: 'unsubscribed' });
    expect(await decide(outgoing())).toEqual({ action: 'send' });
    // Once, however often the link is posted.
    expect(await events('Unsubscribed')).toMatchObject([
      { all: false, topicIds: [news.id], source: 'one_click' },
    ]);

    expect(await engagement.preferencePage(preferences ?? '')).toMatchObject({
      unsubscribedAll: false,
      topics: [{ topicId: news.id, name: 'News', subscribed: false }],
    });
    expect(await engagement.preferencePage(unsubscribe ?? '')).toBeUndefined();
    await engagement.savePreferences(preferences ?? '', {
      topics: { [news.id]: true },
      unsubscribedAll: true,
    });
    expect(await decide(outgoing())).toEqual({ action: 'skip', reason: 'unsubscribed' });
    const person = await engine.emailPreferences.personPreferences(workspaceId, annId);
    expect(person).toMatchObject({
      unsubscribedAll: true,
      topics: [{ subscribed: true, source: 'preference_page' }],
    });
    expect(person.history.map((h) => h.source)).toEqual(['preference_page', 'preference_page', 'one_click']);
  });

  it('suppresses hard bounces and complaints received through the SMTP listener', async () => {
    await engine.mailChannel.start();
    const port = engine.mailChannel.port ?? 0;
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const returnMail = async (to: string, reportType: string, report: string, status = '') => {
      await client.sendMail({
        envelope: { from: 'mailer-daemon@mx.remote.test', to: [to] },
        raw: [
          'From: Mail Delivery System <mailer-daemon@mx.remote.test>',
          `To: ${to}`,
          'Subject: Returned mail',
          'MIME-Version: 1.0',
          `Content-Type: multipart/report; report-type=${reportType}; boundary="XX"`,
          '',
          '--XX',
          'Content-Type: text/plain',
          '',
          'Your message could not be delivered.',
          '--XX',
          `Content-Type: message/${reportType}`,
          '',
          report,
          status,
          '--XX--',
          '',
        ].join('\r\n'),
      });
    };

    const bouncesRecorded = async () =>
      (
        await engine.store.db
          .selectFrom('email_engagements')
          .select('engagement_id')
          .where('workspace_id', '=', workspaceId)
          .where('kind', '=', 'bounced')
          .execute()
      ).length;

    // A delay notice (4.x.x) is a soft bounce: an event, no suppression.
    const delayed = await send(outgoing());
    await returnMail(
      delayed.envelopeFrom,
      'delivery-status',
      'Reporting-MTA: dns; mx.remote.test\r\n\r\nFinal-Recipient: rfc822; ann@example.com\r\nAction: delayed',
      'Status: 4.4.1\r\n',
    );
    expect(await decide(outgoing())).toEqual({ action: 'send' });
    // No engagement is recorded: reports count only bounces that failed for good.
    expect(await bouncesRecorded()).toBe(0);

    const bounced = await send(outgoing());
    await returnMail(
      bounced.envelopeFrom,
      'delivery-status',
      'Reporting-MTA: dns; mx.remote.test\r\n\r\nFinal-Recipient: rfc822; ann@example.com\r\nAction: failed',
      'Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n',
    );
    expect(await decide(outgoing({ category: 'transactional' }))).toEqual({
      action: 'skip',
      reason: 'suppressed',
    });
    expect(await bouncesRecorded()).toBe(1);
    expect(await events('Email Bounced')).toMatchObject([
      { bounceType: 'hard', status: '5.1.1', reason: '550 5.1.1 user unknown' },
      { bounceType: 'soft', status: '4.4.1' },
    ]);

    // A complaint about an email to another address of the workspace.
    await engine.emailPreferences.unsuppress(workspaceId, 'ann@example.com');
    const complained = await send(outgoing({ to: 'ann@work.example' }));
    await returnMail(
      complained.envelopeFrom,
      'feedback-report',
      'Feedback-Type: abuse\r\nUser-Agent: SomeISP/1.0\r\nVersion: 1',
    );
    const listed = await engine.emailPreferences.listSuppressions(workspaceId, { limit: 10 });
    expect(listed.data).toMatchObject([
      { address: 'ann@work.example', reason: 'complaint', profileId: annId },
    ]);
    expect(await events('Email Marked as Spam')).toMatchObject([{ feedbackType: 'abuse' }]);

    // A forged bounce address (wrong MAC) is refused at the listener… or ignored: nothing changes.
    const forged = complained.envelopeFrom.replace(/[0-9a-f]{12}@/, '000000000000@');
    await returnMail(forged, 'feedback-report', 'Feedback-Type: abuse').catch(() => undefined);
    expect((await engine.emailPreferences.listSuppressions(workspaceId, { limit: 10 })).data).toHaveLength(1);
    client.close();
  });

  it('suppresses an address the relay refuses for good (5xx), not for a while (4xx)', async () => {
    const email = outgoing();
    await decide(email);
    await engine.store.db
      .transaction()
      .execute((trx) => policy.onRelayRejected(trx, email, { code: 450, response: '450 try later' }, now));
    expect(await decide(outgoing())).toEqual({ action: 'send' });
    await engine.store.db
      .transaction()
      .execute((trx) => policy.onRelayRejected(trx, email, { code: 550, response: '550 no such user' }, now));
    expect(await decide(outgoing())).toEqual({ action: 'skip', reason: 'suppressed' });
  });
});
