import type { Readable } from 'node:stream';
import {
  AuditChainReportSchema,
  AuditEntrySchema,
  AuditLogExportQuerySchema,
  AuditLogQuerySchema,
  pageOf,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

/** The audit log: entries (filtered, paged), their export, and the hash chain's verification. */
export async function auditLogRoutes(app: App, options: { engine: Engine }) {
  const { auditLog } = options.engine;
  const tags = ['Audit log'];

  app.get(
    '/api/v1/audit-log',
    {
      config: { access: 'audit:read' },
      schema: {
        tags,
        summary: 'Reads of people’s data and changes, newest first',
        querystring: AuditLogQuerySchema,
        response: { 200: pageOf(AuditEntrySchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => auditLog.list(requirePrincipal(request.principal).workspaceId, request.query),
  );

  app.get(
    '/api/v1/audit-log/export',
    {
      config: { access: 'audit:read' },
      schema: {
        tags,
        summary: 'Download the entries matching the filters as NDJSON or CSV',
        querystring: AuditLogExportQuerySchema,
        response: { 200: z.string().describe('application/x-ndjson or text/csv'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const file = auditLog.exportFile(requirePrincipal(request.principal).workspaceId, filters, format);
      return (
        reply
          .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
          .header('content-disposition', `attachment; filename="audit-log.${format}"`)
          .header('cache-control', 'no-store')
          // A stream skips the response serializer; the schema only documents the body.
          .send(file satisfies Readable as unknown as string)
      );
    },
  );

  app.get(
    '/api/v1/audit-log/verify',
    {
      config: { access: 'audit:read' },
      schema: {
        tags,
        summary: 'Check the workspace’s hash chain; reports the first broken link',
        response: { 200: AuditChainReportSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => auditLog.verify(requirePrincipal(request.principal).workspaceId),
  );
}
