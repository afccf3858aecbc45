import type { Engine } from '@tandem/engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { consentChoicesOf, recordConsentChoices } from '../consent/consent-choices.js';
import type { App } from '../http/route-schemas.js';
import { invalidLinkPage, preferencesPage, unsubscribeConfirmPage, unsubscribedPage } from './email-pages.js';

// Tokens are longer than the router's parameter limit (they carry a link's URL): a wildcard takes them.
const TokenParams = z.object({ '*': z.string().min(1).max(8000) });
// A transparent 1×1 GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * What recipients reach from an email, with no login (the signed token is the key): the open
 * pixel, tracked links, RFC 8058 one-click unsubscribe (and its confirm page), the preference page.
 */
export async function emailPublicRoutes(app: App, options: { engine: Engine }) {
  const { engine } = options;
  const engagement = engine.emailEngagement;
  // Forms and one-click unsubscribe post urlencoded or multipart bodies (in this plugin only).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, new URLSearchParams(String(body))),
  );
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (_request, _body, done) =>
    done(null, new URLSearchParams()),
  );
  const config = { access: 'public' as const };
  const hide = true;
  const trackingOf = (request: FastifyRequest) => ({
    method: request.method,
    userAgent: request.headers['user-agent'],
  });
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(body);
  const formOf = (request: FastifyRequest) =>
    request.body instanceof URLSearchParams ? request.body : new URLSearchParams();

  // The pixel answers the same whatever the token: nothing to learn by probing it.
  app.get('/e/o/*', { config, schema: { hide, params: TokenParams } }, async (request, reply) => {
    await engagement.open(request.params['*'], trackingOf(request));
    return reply
      .header('content-type', 'image/gif')
      .header('cache-control', 'no-store, max-age=0')
      .send(PIXEL);
  });

  app.get('/e/c/*', { config, schema: { hide, params: TokenParams } }, async (request, reply) => {
    const url = await engagement.click(request.params['*'], trackingOf(request));
    if (!url) return html(reply, 404, invalidLinkPage());
    return reply.header('cache-control', 'no-store').redirect(url, 302);
  });

  app.get('/e/u/*', { config, schema: { hide, params: TokenParams } }, async (request, reply) => {
    const target = await engagement.unsubscribeTarget(request.params['*']);
    if (!target) return html(reply, 404, invalidLinkPage());
    return html(
      reply,
      200,
      unsubscribeConfirmPage(request.url, target.topic?.name ?? null, target.preferencesUrl),
    );
  });

  // RFC 8058: a mail client posts `List-Unsubscribe=One-Click`; the confirm page posts `confirm=1`.
  app.post('/e/u/*', { config, schema: { hide, params: TokenParams } }, async (request, reply) => {
    const fromPage = formOf(request).get('confirm') === '1';
    const target = await engagement.unsubscribeTarget(request.params['*']);
    const done = target
      ? await engagement.unsubscribe(request.params['*'], fromPage ? 'link' : 'one_click')
      : false;
    if (!fromPage)
      return reply
        .code(done ? 200 : 404)
        .type('text/plain')
        .send(done ? 'Unsubscribed' : 'Unknown link');
    return done
      ? html(reply, 200, unsubscribedPage(target?.preferencesUrl ?? null))
      : html(reply, 404, invalidLinkPage());
  });

  app.get(
    '/email/preferences/*',
    {
      config,
      schema: { hide, params: TokenParams, querystring: z.object({ saved: z.string().optional() }) },
    },
    async (request, reply) => {
      const page = await engagement.preferencePage(request.params['*']);
      const person = await engagement.personOfPreferenceLink(request.params['*']);
      if (!page || !person) return html(reply, 404, invalidLinkPage());
      const purposes = await consentChoicesOf(engine, person);
      return html(
        reply,
        200,
        preferencesPage(request.url.split('?')[0] ?? '', page, request.query.saved === '1', purposes),
      );
    },
  );

  app.post(
    '/email/preferences/*',
    { config, schema: { hide, params: TokenParams } },
    async (request, reply) => {
      const form = formOf(request);
      const chosen = new Set(form.getAll('topic'));
      const topics = Object.fromEntries(
        form.getAll('shown').map((topicId) => [topicId, chosen.has(topicId)]),
      );
      const saved = await engagement.savePreferences(request.params['*'], {
        topics,
        unsubscribedAll: form.get('unsubscribedAll') === '1',
      });
      const person = await engagement.personOfPreferenceLink(request.params['*']);
      if (!saved || !person) return html(reply, 404, invalidLinkPage());
      // The consent purposes shown, with the person's request as proof.
      await recordConsentChoices(engine, person, {
        shown: form.getAll('shownPurpose'),
        granted: new Set(form.getAll('purpose')),
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      // Post/redirect/get: a reload does not post again.
      return reply.redirect(`${request.url.split('?')[0]}?saved=1`, 303);
    },
  );
}
