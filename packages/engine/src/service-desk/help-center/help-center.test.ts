import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { smtpMailSender } from '../../mail/index.js';
import { ENGINES, openTestEngine, type SmtpRelay, startSmtpRelay } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { renderMarkdown } from './markdown.js';

describe.each(ENGINES)('help center on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  beforeAll(async () => {
    relay = await startSmtpRelay();
    engine = await openTestEngine(kind, {
      access: {
        mail: smtpMailSender({ url: relay.url, from: 'help@tandem.test' }),
        publicUrl: 'https://t.example',
      },
    });
  });
  afterAll(async () => {
    await engine.dispose();
    await relay.close();
  });
  const workspace = async () => (await createWorkspace(engine.store, `ws ${Math.random()}`)).id;

  it('keeps articles in ordered categories, with slugs, drafts and a public URL once published', async () => {
    const ws = await workspace();
    const billing = await engine.helpArticles.createCategory(ws, { name: 'Billing' }, null);
    const start = await engine.helpArticles.createCategory(
      ws,
      { name: 'Getting started', position: 0 },
      null,
    );
    await engine.helpArticles.updateCategory(ws, billing.id, { position: 5 }, null);
    expect((await engine.helpArticles.categories(ws)).map((c) => c.name)).toEqual([
      'Getting started',
      'Billing',
    ]);

    const draft = await engine.helpArticles.create(
      ws,
      { title: 'Reset your password!', body: 'Open **Settings**.', categoryId: start.id },
      'usr_1',
    );
    expect(draft).toMatchObject({
      slug: 'reset-your-password',
      status: 'draft',
      visibility: 'public',
      publicUrl: null,
    });
    const twin = await engine.helpArticles.create(ws, { title: 'Reset your password' }, null);
    expect(twin.slug).toBe('reset-your-password-2');

    const published = await engine.helpArticles.update(ws, draft.id, { status: 'published' }, 'usr_2');
    const key = await engine.helpArticles.siteKey(ws);
    expect(published.publicUrl).toBe(`https://t.example/help/${key}/articles/reset-your-password`);
    expect(published.updatedBy).toBe('usr_2');
    expect(published.publishedAt).not.toBeNull();
    expect(await engine.helpArticles.workspaceOfKey(key)).toBe(ws);

    await expect(
      engine.helpArticles.update(ws, twin.id, { slug: 'reset-your-password' }, null),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      engine.helpArticles.create(ws, { title: 'x', categoryId: 'hcat_nope' }, null),
    ).rejects.toMatchObject({
      code: 'unprocessable',
      details: [{ path: 'categoryId' }],
    });
    // A removed category leaves its articles uncategorised.
    await engine.helpArticles.deleteCategory(ws, start.id, null);
    expect((await engine.helpArticles.get(ws, draft.id)).categoryId).toBeNull();
  });

  it('searches every word in title and body; the public sees published public articles only', async () => {
    const ws = await workspace();
    const other = await workspace();
    const make = (title: string, body: string, extra: object) =>
      engine.helpArticles.create(ws, { title, body, ...extra }, null);
    await make('Export invoices', 'Download a PDF of each invoice.', { status: 'published' });
    await make('Invoice drafts', 'Unfinished invoice notes.', {});
    await make('Refund policy (agents)', 'How we refund an invoice 100%.', {
      status: 'published',
      visibility: 'internal',
    });
    await engine.helpArticles.create(
      other,
      { title: 'Export invoices elsewhere', status: 'published' },
      null,
    );

    await make('Crème brûlée recipes', 'Caramelise the sugar (v2.5).', { status: 'published' });
    const titles = async (q: string) => (await engine.helpArticles.list(ws, { q })).map((a) => a.title);
    // Every word must start a word of the title or body: prefixes match, case and accents do not matter.
    expect(await titles('INVOICE')).toEqual(['Export invoices', 'Invoice drafts', 'Refund policy (agents)']);
    expect(await titles('invo pdf')).toEqual(['Export invoices']);
    expect(await titles('creme BRULEE')).toEqual(['Crème brûlée recipes']);
    expect(await titles('v2.5')).toEqual(['Crème brûlée recipes']);
    expect(await titles('100%')).toEqual(['Refund policy (agents)']);
    expect(await titles('voice')).toEqual([]);
    // Query syntax is only words: quotes, stars, OR and colons are no operators (and no errors).
    expect(await titles('"invoice* OR x:')).toEqual([]);
    expect(await titles('"invoice* pdf:')).toEqual(['Export invoices']);
    // An edit re-indexes; a delete forgets.
    const renamed = await make('Old words', 'nothing', {});
    await engine.helpArticles.update(ws, renamed.id, { body: 'quarterly statements' }, null);
    expect(await titles('quarter')).toEqual(['Old words']);
    await engine.helpArticles.delete(ws, renamed.id, null);
    expect(await titles('quarter')).toEqual([]);

    const publicTitles = (await engine.helpArticles.publicArticles(ws, 'invoice')).map((a) => a.title);
    expect(publicTitles).toEqual(['Export invoices']);
    expect(await engine.helpArticles.publicArticle(ws, 'invoice-drafts')).toBeNull();
    expect(await engine.helpArticles.publicArticle(ws, 'refund-policy-agents')).toBeNull();
    expect((await engine.helpArticles.publicArticle(ws, 'export-invoices'))?.title).toBe('Export invoices');
  });

  it('signs a requester in by a one-time emailed link and shows only their public conversation', async () => {
    const ws = await workspace();
    const ticket = await engine.tickets.create(
      ws,
      { subject: 'Cannot log in', email: 'Ann@Example.com', body: 'Help me', priority: 'normal' },
      null,
    );
    await engine.tickets.reply(ws, ticket.id, { body: 'Internal: she is a VIP', public: false }, null);
    await engine.tickets.reply(ws, ticket.id, { body: 'Try resetting it', public: true }, null);
    await engine.tickets.create(
      ws,
      { subject: 'Not hers', email: 'bob@example.com', priority: 'normal' },
      null,
    );

    expect(await engine.portal.requestLink(ws, 'nobody@example.com')).toEqual({ sent: false });
    await expect(engine.portal.requestLink(ws, 'not-an-email')).rejects.toMatchObject({
      details: [{ path: 'email' }],
    });
    expect(await engine.portal.requestLink(ws, 'ANN@example.com')).toEqual({ sent: true });
    const mail = relay.messages.filter((m) => JSON.stringify(m.to).includes('ann@example.com')).at(-1);
    const token = /[?&]token=([\w%-]+)/.exec(mail?.text ?? '')?.[1];
    expect(token).toBeDefined();
    const key = await engine.helpArticles.siteKey(ws);
    expect(mail?.text).toContain(`https://t.example/help/${key}/portal/sign-in?token=`);

    const otherWs = await workspace();
    expect(await engine.portal.redeem(otherWs, decodeURIComponent(token as string))).toBeNull();
    const signedIn = await engine.portal.redeem(ws, decodeURIComponent(token as string));
    expect(signedIn?.email).toBe('ann@example.com');
    // Single use.
    expect(await engine.portal.redeem(ws, decodeURIComponent(token as string))).toBeNull();
    const session = signedIn?.session as string;
    expect(await engine.portal.emailOfSession(ws, session)).toBe('ann@example.com');
    expect(await engine.portal.emailOfSession(otherWs, session)).toBeNull();

    const mine = await engine.portal.tickets(ws, 'ann@example.com');
    expect(mine.map((t) => t.subject)).toEqual(['Cannot log in']);
    const view = await engine.portal.ticket(ws, 'ann@example.com', ticket.id);
    expect(view?.messages.map((m) => m.body)).toEqual(['Help me', 'Try resetting it']);
    const bobs = (await engine.portal.tickets(ws, 'bob@example.com'))[0];
    expect(await engine.portal.ticket(ws, 'ann@example.com', bobs?.id as string)).toBeNull();
    await expect(engine.portal.reply(ws, 'ann@example.com', bobs?.id as string, 'hi')).rejects.toMatchObject({
      code: 'not_found',
    });

    await engine.portal.reply(ws, 'ann@example.com', ticket.id, 'Still broken');
    const detail = await engine.tickets.get(ws, ticket.id);
    const last = detail.messages.at(-1);
    expect(last).toMatchObject({ body: 'Still broken', direction: 'inbound', public: true, channel: 'web' });
    expect(detail.status).toBe('open');

    await engine.portal.signOut(session);
    expect(await engine.portal.emailOfSession(ws, session)).toBeNull();
  });

  it('expires sign-in links', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { PortalService } = await import('./portal-service.js');
    const ws = await workspace();
    await engine.tickets.create(ws, { subject: 'x', email: 'late@example.com', priority: 'normal' }, null);
    const portal = new PortalService({
      store: engine.store,
      tickets: engine.tickets,
      mail: smtpMailSender({ url: relay.url, from: 'help@tandem.test' }),
      portalUrlOf: async () => 'https://t.example/help/k/portal',
      clock: () => now,
    });
    await portal.requestLink(ws, 'late@example.com');
    const text = relay.messages.filter((m) => JSON.stringify(m.to).includes('late@example.com')).at(-1)?.text;
    const token = decodeURIComponent(/token=([\w%-]+)/.exec(text ?? '')?.[1] ?? '');
    now += 16 * 60_000;
    expect(await portal.redeem(ws, token)).toBeNull();
  });
});

describe('the Markdown renderer', () => {
  it('renders the subset and never lets HTML or script links through', () => {
    const html = renderMarkdown(
      [
        '# Title',
        'Some **bold** and *em* and `<code>`.',
        '',
        '- one',
        '- [two](https://x.test/a?b=1&c=2)',
        '',
        '1. first',
        '',
        '```',
        '<script>alert(1)</script>',
        '```',
        '<img src=x onerror=alert(1)>',
        '[bad](javascript:alert(1))',
      ].join('\n'),
    );
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<strong>bold</strong> and <em>em</em> and <code>&lt;code&gt;</code>');
    expect(html).toContain('<ul><li>one</li><li><a href="https://x.test/a?b=1&amp;c=2">two</a></li></ul>');
    expect(html).toContain('<ol><li>first</li></ol>');
    expect(html).toContain('<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).not.toMatch(/<(script|img)/);
  });
});

describe('article excerpts', () => {
  it('drop Markdown marks but keep the text, angle brackets included', async () => {
    const { excerptOf } = await import('./markdown.js');
    expect(
      excerptOf('## Steps\n\n1. Open **Settings**\n- a > b\n\n```\ncode\n```\nSee [docs](https://x.test).'),
    ).toBe('Steps Open Settings a > b See docs.');
  });
});
