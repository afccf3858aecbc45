import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImportJobSchema, ImportOptionsSchema, PageQuerySchema, pageOf } from '@tandem/contract';
import type { Engine } from '@tandem/engine';

import { requirePrincipal } from '../auth/authenticate.js';
import { crmActorOf } from '../crm-deals/crm-actor.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

/** Uploads may be many gigabytes: they are streamed to disk, never held in memory. */
const MAX_UPLOAD_BYTES = 50 * 1024 ** 3;
const UPLOAD_TYPES = [
  'text/csv',
  'application/x-ndjson',
  'application/jsonl',
  'application/json',
  'application/octet-stream',
];
/** Content types that say the file is NDJSON when neither `format` nor the file name does. */
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/jsonl', 'application/json']);

/** File imports: upload a CSV / NDJSON file to a source, then follow its progress. */
export async function importsRoutes(app: App, options: { engine: Engine }) {
  const { engine } = options;
  const tags = ['Imports'];

  // Hand the raw request stream to the handler instead of buffering the body. NDJSON sent as
  // `application/json` (curl -H 'Content-Type: application/json' --data-binary @file) is a file too.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));

  app.post(
    '/api/v1/sources/:id/imports',
    {
      config: { access: 'sources:write' },
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        tags,
        summary:
          'Upload a CSV or NDJSON file (raw body) and import it in the background: as Segment calls, or as CRM deals (`type=deal`)',
        params: IdParamsSchema,
        querystring: ImportOptionsSchema,
        response: { 202: ImportJobSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      const workspaceId = principal.workspaceId;
      const source = await engine.sources.get(workspaceId, request.params.id);
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const sentAs = NDJSON_TYPES.has(contentType)
        ? 'ndjson'
        : contentType === 'text/csv'
          ? 'csv'
          : undefined;
      const folder = await mkdtemp(join(tmpdir(), 'tandem-upload-'));
      const filePath = join(folder, 'upload');
      try {
        // Registered above for the upload content types: the body is the request stream.
        await pipeline(request.body as Readable, createWriteStream(filePath));
        const job = await engine.imports.start({
          source: { workspaceId, sourceId: source.id },
          filePath,
          bytesTotal: (await stat(filePath)).size,
          fileName: request.query.fileName ?? `upload.${request.query.format ?? sentAs ?? 'csv'}`,
          import: request.query,
          removeWhenDone: true,
          // A deal import's deals are created by whoever uploaded (audit trail, events).
          actorId: crmActorOf(principal),
        });
        return reply.code(202).send(job);
      } catch (error) {
        await rm(folder, { recursive: true, force: true });
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/imports',
    {
      config: { access: 'sources:read' },
      schema: {
        tags,
        querystring: PageQuerySchema,
        response: { 200: pageOf(ImportJobSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => engine.imports.list(requirePrincipal(request.principal).workspaceId, request.query),
  );

  app.get(
    '/api/v1/imports/:id',
    {
      config: { access: 'sources:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: ImportJobSchema, ...ERROR_RESPONSES } },
    },
    async (request) => engine.imports.get(requirePrincipal(request.principal).workspaceId, request.params.id),
  );
}
