import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import type { Database } from '../store/index.js';
import {
  ENGINES,
  holderOf,
  openTestEngine,
  personRefOf,
  rowsMentioning,
  type SmtpRelay,
  startSmtpRelay,
} from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { emailCountsByOrigin } from './index.js';
import { StoreMarketingSlots } from './marketing-slots.js';

// Email's three holders on one real send: email (the messages), email_preferences (subscriptions,
// suppressions, the send log) and email_engagement (opens and clicks through the tracked links).

const PUBLIC_URL = 'https://tandem.example.test';
const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text><p>Hello {{ traits.name }}</p><a href="https://shop.example/deals">Deals</a>
  <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;
const EMAIL_TABLES: readonly (keyof Database)[] = [
  'email_messages',
  'email_marketing_slots',
  'email_sends',
  'email_engagements',
  'email_subscription_changes',
  'email_suppressions',
];
const HOLDERS = ['email', 'email_preferences', 'email_engagement'] as const;

describe.each(ENGINES)('email’s person data on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  // Opens a second after sending look like a mail scanner's: the clock moves on before they open.
  let now = Date.parse('2026-05-04T09:00:00.000Z');
  beforeAll(async () => {
    relay = await startSmtpRelay();
    engine = await openTestEngine(kind, {
      mail: { smtpUrl: relay.url },
      access: { publicUrl: PUBLIC_URL },
      email: { clock: () => now },
      emailEngagement: { clock: () => now },
    });
  });
  afterAll(async () => {
    await engine?.dispose();
    await relay?.close();
  });

  /**
   * Ann and Bob each get a newsletter, open it, click it, change a subscription, get suppressed,
   * and have their next one being sent (its slot held).
   */
  async function mailedTwoPeople() {
    const { id: workspaceId } = await createWorkspace(engine.store, `mail ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const annAddress = `Ann.${Math.random().toString(36).slice(2)}@Example.test`;
    const bobAddress = `bob.${Math.random().toString(36).slice(2)}@example.test`;
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [
        { type: 'identify', userId: 'ann', traits: { email: annAddress, name: 'Ann' }, messageId: 'id-ann' },
        { type: 'identify', userId: 'bob', traits: { email: bobAddress, name: 'Bob' }, messageId: 'id-bob' },
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    const ann = (await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).id;
    const bob = (await engine.profiles.lookup(workspaceId, 'user_id', 'bob')).id;
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
          origin: { kind: 'journey' as const, id: 'jrn_news', stepId: 'step_1' },
          event: { product: 'Blue shoes' },
        })),
      ),
    );
    expect(await engine.emailSender.sendDue()).toMatchObject({ sent: 2 });
    now += 3_600_000;
    for (const address of [annAddress, bobAddress]) {
      const mail = relay.messages.findLast((m) =>
        JSON.stringify(m.to).toLowerCase().includes(address.toLowerCase()),
      );
      const tokens = (path: string) =>
        [...(mail?.html || '').matchAll(new RegExp(`${PUBLIC_URL}${path}([\\w.-]+)`, 'g'))].map(
          (m) => m[1] ?? '',
        );
      await engine.emailEngagement.open(tokens('/e/o/')[0] ?? '', { method: 'GET', userAgent: HUMAN });
      await engine.emailEngagement.click(tokens('/e/c/')[0] ?? '', { method: 'GET', userAgent: HUMAN });
    }
    const topic = await engine.emailPreferences.createTopic(workspaceId, {
      name: 'Product news',
      defaultSubscribed: true,
    });
    for (const profileId of [ann, bob])
      await engine.store.db.transaction().execute((trx) =>
        engine.emailPreferences.updateSubscriptions(trx, {
          workspaceId,
          profileId,
          update: { topics: { [topic.id]: false } },
          source: 'admin',
        }),
      );
    for (const address of [annAddress, bobAddress])
      await engine.emailPreferences.suppress(workspaceId, {
        address,
        reason: 'manual',
        note: 'asked by phone',
      });
    await new StoreMarketingSlots(engine.store).take(
      workspaceId,
      [
        { profileId: ann, messageId: 'em_next_for_ann' },
        { profileId: bob, messageId: 'em_next_for_bob' },
      ],
      now,
    );
    return { workspaceId, ann, bob, annAddress, bobAddress };
  }

  const rowsOf = async (workspaceId: string, needles: string[]) =>
    Object.fromEntries(
      await Promise.all(
        EMAIL_TABLES.map(async (t) => [t, await rowsMentioning(engine, workspaceId, t, needles)] as const),
      ),
    );
  const none = Object.fromEntries(EMAIL_TABLES.map((t) => [t, 0]));

  it('exports the mail sent to the person, what they did with it, and their preferences', async () => {
    const { workspaceId, ann, annAddress } = await mailedTwoPeople();
    const person = await personRefOf(engine, workspaceId, ann);
    const [email, preferences, engagement] = (await Promise.all(
      HOLDERS.map((domain) => holderOf(engine, domain).exportPerson(person)),
    )) as [
      {
        messages: { subject: string; to: string; template: string; openedAt: string | null }[];
        marketingBeingSent: { message: string; heldUntil: string }[];
      },
      {
        subscriptionChanges: { topic: string; subscribed: boolean }[];
        suppressions: { address: string }[];
        sent: unknown[];
      },
      { engagements: { kind: string; url: string | null }[] },
    ];
    expect(email.messages).toMatchObject([
      {
        subject: 'News for Ann',
        to: annAddress.toLowerCase(),
        template: 'Newsletter',
        openedAt: expect.any(String),
      },
    ]);
    expect(email.marketingBeingSent).toEqual([{ message: 'em_next_for_ann', heldUntil: expect.any(String) }]);
    expect(preferences).toMatchObject({
      subscriptionChanges: [{ topic: 'Product news', subscribed: false }],
      suppressions: [{ address: annAddress.toLowerCase() }],
      sent: [expect.objectContaining({ category: 'marketing' })],
    });
    expect(engagement.engagements.map((e) => e.kind).sort()).toEqual(['clicked', 'opened']);
    expect(JSON.stringify([email, preferences, engagement])).not.toContain('Bob');
  });

  it('erases every email row of the person, by profile and by address, and leaves the other’s', async () => {
    const { workspaceId, ann, bob, annAddress, bobAddress } = await mailedTwoPeople();
    const annRows = await rowsOf(workspaceId, [ann, annAddress]);
    for (const table of EMAIL_TABLES) expect(annRows[table], table).toBeGreaterThan(0);
    const bobBefore = await rowsOf(workspaceId, [bob, bobAddress]);
    const person = await personRefOf(engine, workspaceId, ann);
    const counts = Object.assign(
      {},
      ...(await Promise.all(HOLDERS.map((d) => holderOf(engine, d).erasePerson(person)))),
    );
    expect(counts).toEqual({
      email_messages: 1,
      email_marketing_slots: 1,
      email_sends: 1,
      email_engagements: annRows.email_engagements,
      email_subscription_changes: 1,
      email_suppressions: 1,
    });
    expect(await rowsOf(workspaceId, [ann, annAddress])).toEqual(none);
    expect(await rowsOf(workspaceId, [bob, bobAddress])).toEqual(bobBefore);
    for (const domain of HOLDERS)
      expect(Object.values(await holderOf(engine, domain).erasePerson(person)).every((n) => n === 0)).toBe(
        true,
      );
  });

  it('anonymizes: the journey’s sent, opened and clicked counts stay, nothing names the person', async () => {
    const { workspaceId, ann, annAddress } = await mailedTwoPeople();
    const countsBefore = await emailCountsByOrigin(engine.store.db, workspaceId, 'journey', 'jrn_news');
    expect(countsBefore).toEqual([expect.objectContaining({ sent: 2, opened: 2, clicked: 2 })]);
    const person = await personRefOf(engine, workspaceId, ann);
    for (const domain of HOLDERS) {
      const holder = holderOf(engine, domain);
      if (!holder.anonymizePerson) throw new Error(`${domain} keeps counts: it anonymizes`);
      await holder.anonymizePerson(person, 'prof_anonymous_1');
    }
    expect(await emailCountsByOrigin(engine.store.db, workspaceId, 'journey', 'jrn_news')).toEqual(
      countsBefore,
    );
    expect(await rowsOf(workspaceId, [ann, annAddress, 'News for Ann'])).toEqual(none);
    expect(await rowsOf(workspaceId, ['prof_anonymous_1'])).toMatchObject({
      email_messages: 1,
      email_sends: 1,
      email_engagements: expect.any(Number),
    });
  });
});
