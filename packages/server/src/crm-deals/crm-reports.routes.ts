import {
  ForecastQuerySchema,
  ForecastReportSchema,
  PipelineReportSchema,
  ReportQuerySchema,
  SalesReportQuerySchema,
  SalesReportSchema,
  StageReportSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

/** Sales reports of a pipeline: by stage, forecast by close month, outcomes, learned stage probabilities. */
export async function crmReportsRoutes(app: App, options: { engine: Engine }) {
  const { crmReports } = options.engine;
  const tags = ['Reports'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.get(
    '/api/v1/reports/pipeline',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: ReportQuerySchema,
        response: { 200: PipelineReportSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => crmReports.pipeline(workspaceOf(request), request.query.pipelineId),
  );

  app.get(
    '/api/v1/reports/forecast',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: ForecastQuerySchema,
        response: { 200: ForecastReportSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => crmReports.forecast(workspaceOf(request), request.query),
  );

  app.get(
    '/api/v1/reports/sales',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: SalesReportQuerySchema,
        response: { 200: SalesReportSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => crmReports.sales(workspaceOf(request), request.query),
  );

  app.get(
    '/api/v1/reports/stages',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: ReportQuerySchema,
        response: { 200: StageReportSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => crmReports.stages(workspaceOf(request), request.query.pipelineId),
  );
}
