import { createHash } from 'node:crypto';
import type { Engine } from '@tandem/engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LoginRateLimiter } from '../auth/login-rate-limiter.js';
import type { App } from '../http/route-schemas.js';
import {
  articlePage,
  homePage,
  notFoundPage,
  page,
  portalRedeemPage,
  portalSignInPage,
  portalTicketPage,
  portalTicketsPage,
} from './help-pages.js';

/** The portal session cookie; its path is the one help center, so it is sent nowhere else. */
export const PORTAL_COOKIE = 'tandem_portal';

const KeyParams = z.object({ workspaceKey: z.string().min(1).max(64) });
const FormSchema = z.record(z.string(), z.string());

/** The form token of a portal session: only a page served to that session knows it. */
function csrfOf(session: string): string {
  return createHash('sha256').update(`portal-csrf:${session}`).digest('hex').slice(0, 32);
}

/**
 * The public help center and customer portal: server-rendered pages, no admin login. Only
 * published public articles are served; the portal signs requesters in by an emailed one-time
 * link and its session cookie opens that workspace's portal alone (never the admin API).
 */
export async function helpPublicRoutes(
  app: App,
  options: { engine: Engine; secureCookies: boolean; linkLimiter: LoginRateLimiter },
) {
  const { helpArticles, portal } = options.engine;
  // Forms post urlencoded bodies (in this plugin only).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  const hide = true;
  const config = { access: 'public' as const };

  const html = (
    reply: FastifyReply,
    status: number,
    title: string,
    base: string,
    body: string,
    csrf?: string,
  ) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(page({ title, base, body, signedIn: csrf ? { csrf } : undefined }));

  /** The workspace of the key in the URL, or a 404 page already sent. */
  async function siteOf(request: { params: { workspaceKey: string } }, reply: FastifyReply) {
    const key = request.params.workspaceKey;
    const base = `/help/${encodeURIComponent(key)}`;
    const workspaceId = await helpArticles.workspaceOfKey(key);
    if (!workspaceId) {
      await html(reply, 404, 'Not found', base, notFoundPage(base));
      return null;
    }
    return { workspaceId, base };
  }

  async function sessionOf(request: FastifyRequest, workspaceId: string) {
    const secret = request.cookies[PORTAL_COOKIE];
    if (!secret) return null;
    const email = await portal.emailOfSession(workspaceId, secret);
    return email ? { email, secret, csrf: csrfOf(secret) } : null;
  }

  app.get(
    '/help/:workspaceKey',
    {
      config,
      schema: { hide, params: KeyParams, querystring: z.object({ q: z.string().max(200).optional() }) },
    },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const q = request.query.q?.trim() ?? '';
      const [categories, articles] = await Promise.all([
        helpArticles.categories(site.workspaceId),
        helpArticles.publicArticles(site.workspaceId, q || undefined),
      ]);
      return html(
        reply,
        200,
        q ? `Search: ${q}` : 'Help center',
        site.base,
        homePage(site.base, categories, articles, q),
      );
    },
  );

  app.get(
    '/help/:workspaceKey/articles/:slug',
    { config, schema: { hide, params: KeyParams.extend({ slug: z.string().min(1).max(200) }) } },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const article = await helpArticles.publicArticle(site.workspaceId, request.params.slug);
      if (!article) return html(reply, 404, 'Not found', site.base, notFoundPage(site.base));
      return html(reply, 200, article.title, site.base, articlePage(site.base, article));
    },
  );

  // --- the customer portal ---
  app.get(
    '/help/:workspaceKey/portal',
    { config, schema: { hide, params: KeyParams } },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const session = await sessionOf(request, site.workspaceId);
      if (!session) return html(reply, 200, 'Your requests', site.base, portalSignInPage(site.base, {}));
      const tickets = await portal.tickets(site.workspaceId, session.email);
      return html(
        reply,
        200,
        'Your requests',
        site.base,
        portalTicketsPage(site.base, session.email, tickets),
        session.csrf,
      );
    },
  );

  app.post(
    '/help/:workspaceKey/portal/link',
    { config, schema: { hide, params: KeyParams, body: FormSchema } },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const email = (request.body.email ?? '').trim();
      // Each request may send a mail: limited per address and caller, like sign-in attempts.
      if (!options.linkLimiter.attempt(`${request.ip}|${email.toLowerCase()}`).allowed)
        return html(
          reply,
          429,
          'Your requests',
          site.base,
          portalSignInPage(site.base, { email, error: 'Too many sign-in links asked for; try again later.' }),
        );
      try {
        await portal.requestLink(site.workspaceId, email);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'unprocessable')
          return html(
            reply,
            400,
            'Your requests',
            site.base,
            portalSignInPage(site.base, { email, error: 'Enter a valid email address.' }),
          );
        if (code === 'not_ready')
          return html(
            reply,
            503,
            'Your requests',
            site.base,
            portalSignInPage(site.base, { email, error: 'Sign-in by email is not available right now.' }),
          );
        throw error;
      }
      return html(
        reply,
        200,
        'Check your email',
        site.base,
        portalSignInPage(site.base, { email, sent: true }),
      );
    },
  );

  app.get(
    '/help/:workspaceKey/portal/sign-in',
    {
      config,
      schema: { hide, params: KeyParams, querystring: z.object({ token: z.string().max(200).optional() }) },
    },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const token = request.query.token;
      if (!token)
        return html(
          reply,
          400,
          'Sign in',
          site.base,
          portalRedeemPage(site.base, '', 'This link is incomplete.'),
        );
      return html(reply, 200, 'Sign in', site.base, portalRedeemPage(site.base, token));
    },
  );

  app.post(
    '/help/:workspaceKey/portal/sign-in',
    { config, schema: { hide, params: KeyParams, body: FormSchema } },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const signedIn = await portal.redeem(site.workspaceId, request.body.token ?? '');
      if (!signedIn)
        return html(
          reply,
          400,
          'Sign in',
          site.base,
          portalRedeemPage(site.base, '', 'This sign-in link has expired or was already used.'),
        );
      reply.setCookie(PORTAL_COOKIE, signedIn.session, {
        path: site.base,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies || request.protocol === 'https',
        maxAge: 8 * 3600,
      });
      return reply.redirect(`${site.base}/portal`, 303);
    },
  );

  app.post(
    '/help/:workspaceKey/portal/sign-out',
    { config, schema: { hide, params: KeyParams, body: FormSchema } },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const session = await sessionOf(request, site.workspaceId);
      if (session && request.body.csrf === session.csrf) await portal.signOut(session.secret);
      reply.clearCookie(PORTAL_COOKIE, { path: site.base });
      return reply.redirect(`${site.base}/portal`, 303);
    },
  );

  app.get(
    '/help/:workspaceKey/portal/tickets/:ticketId',
    { config, schema: { hide, params: KeyParams.extend({ ticketId: z.string().min(1).max(100) }) } },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const session = await sessionOf(request, site.workspaceId);
      if (!session) return reply.redirect(`${site.base}/portal`, 303);
      const view = await portal.ticket(site.workspaceId, session.email, request.params.ticketId);
      if (!view) return html(reply, 404, 'Not found', site.base, notFoundPage(site.base), session.csrf);
      return html(
        reply,
        200,
        view.ticket.subject,
        site.base,
        portalTicketPage(site.base, view, session.csrf),
        session.csrf,
      );
    },
  );

  app.post(
    '/help/:workspaceKey/portal/tickets/:ticketId/replies',
    {
      config,
      schema: { hide, params: KeyParams.extend({ ticketId: z.string().min(1).max(100) }), body: FormSchema },
    },
    async (request, reply) => {
      const site = await siteOf(request, reply);
      if (!site) return reply;
      const session = await sessionOf(request, site.workspaceId);
      if (!session) return reply.redirect(`${site.base}/portal`, 303);
      const { ticketId } = request.params;
      const view = await portal.ticket(site.workspaceId, session.email, ticketId);
      if (!view) return html(reply, 404, 'Not found', site.base, notFoundPage(site.base), session.csrf);
      if (request.body.csrf !== session.csrf)
        return html(
          reply,
          403,
          view.ticket.subject,
          site.base,
          portalTicketPage(site.base, view, session.csrf, 'The form expired: send your reply again.'),
          session.csrf,
        );
      const text = request.body.text ?? '';
      if (text.trim() === '' || text.length > 20_000)
        return html(
          reply,
          400,
          view.ticket.subject,
          site.base,
          portalTicketPage(
            site.base,
            view,
            session.csrf,
            text.trim() === ''
              ? 'Write a reply first.'
              : 'The reply is too long (20,000 characters at most).',
          ),
          session.csrf,
        );
      await portal.reply(site.workspaceId, session.email, ticketId, text);
      return reply.redirect(`${site.base}/portal/tickets/${encodeURIComponent(ticketId)}`, 303);
    },
  );
}
