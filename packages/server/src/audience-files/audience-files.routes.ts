import { Readable } from 'node:stream';
import { AudienceFileListQuerySchema, AudienceFileSchema, pageOf } from '@tandem/contract';
import { AppError, audienceFileContentType, type Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

const FileParamsSchema = IdParamsSchema.extend({ fileId: z.string().min(1) });
const RAW_FORMATS: ReadonlySet<string> = new Set(['csv', 'ndjson']);

/** Files of audience-file destinations: their list, and each file to download. */
export async function audienceFilesRoutes(app: App, options: { engine: Engine }) {
  const { audienceFiles } = options.engine;
  const tags = ['Destinations'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.get(
    '/api/v1/destinations/:id/files',
    {
      config: { access: 'destinations:read' },
      schema: {
        tags,
        description:
          'Files of an audience-file destination, newest first: full exports, then per hour the additions and removals.',
        params: IdParamsSchema,
        querystring: AudienceFileListQuerySchema,
        response: { 200: pageOf(AudienceFileSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => audienceFiles.list(workspaceOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/destinations/:id/files/:fileId',
    {
      config: { access: 'destinations:read' },
      schema: {
        tags,
        description: 'Downloads one file: CSV (with its header) or NDJSON.',
        params: FileParamsSchema,
        response: {
          200: z.string().describe('The file: text/csv or application/x-ndjson'),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const { workspaceId, role } = requirePrincipal(request.principal);
      const file = await audienceFiles.get(workspaceId, request.params.id, request.params.fileId);
      // CSV and NDJSON carry emails, phones and names in clear: only for roles that see personal
      // data. Customer-match files hold SHA-256 hashes and go to anyone who reads destinations.
      if (RAW_FORMATS.has(file.format) && (await options.engine.pii.maskForRole(workspaceId, role)))
        throw new AppError(
          'forbidden',
          `A ${file.format.toUpperCase()} audience file holds personal data in clear: downloading it needs the pii:read permission (sales, support, admin or owner). Customer-match files are hashed and downloadable.`,
        );
      const content = await audienceFiles.content(workspaceId, request.params.id, request.params.fileId);
      const name = file.fileName.replace('/', '-');
      return (
        reply
          .header('content-type', audienceFileContentType(file.format))
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'no-store')
          // A stream skips the response serializer; the schema only documents the body.
          .send(Readable.from(content) as unknown as string)
      );
    },
  );
}
