import { mayHoldUnportableText, toPortableValue } from '@tandem/engine';
import type { FastifyInstance } from 'fastify';

/**
 * Requests hold the same text on both engines: PostgreSQL refuses NUL in text, which made a
 * name with `\u0000`, or `%00` in a path or query, a 500 there and a stored value (or a plain
 * miss) on SQLite. JSON bodies lose their NULs and have lone surrogates replaced by U+FFFD, as
 * the log's events do; so do path parameters, query strings and form bodies. Fastify's own JSON
 * parser (prototype poisoning refused) does the parsing; plugins that read raw bodies replace it.
 * An empty body with a JSON Content-Type is no body.
 */
export function installPortableText(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    // A DELETE sent with a JSON Content-Type and no body (curl, some clients) is no body at all;
    // a route that needs one says which fields are missing.
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parse(request, text, (error, value) => {
      if (error) done(error, undefined);
      else done(null, mayHoldUnportableText(text) ? toPortableValue(value) : value);
    });
  });
  app.addHook('preValidation', async (request) => {
    // Percent-decoding yields U+FFFD for broken sequences, never a lone surrogate: only NUL.
    if (request.url.includes('%00')) {
      request.params = toPortableValue(request.params);
      request.query = toPortableValue(request.query);
    }
    // Forms (urlencoded, parsed into plain objects) are small: a scan of their JSON is cheap.
    const { body } = request;
    if (
      typeof body === 'object' &&
      body !== null &&
      Object.getPrototypeOf(body) === Object.prototype &&
      !request.headers['content-type']?.startsWith('application/json') &&
      mayHoldUnportableText(JSON.stringify(body))
    )
      request.body = toPortableValue(body);
  });
}
