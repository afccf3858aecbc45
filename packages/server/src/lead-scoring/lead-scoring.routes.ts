import {
  LeadScoreCalibrationSchema,
  LeadScoreSchema,
  LeadScoringSchema,
  LeadScoringSettingsSchema,
  pageOf,
  ScoredLeadSchema,
  TopLeadsQuerySchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { valueOrUnprocessable } from '../http/result-or-throw.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

const RESPONSES = { ...ERROR_RESPONSES, 422: ERROR_RESPONSES[400] };
const ProfileParamsSchema = z.object({ profileId: z.string().min(1) });

/**
 * Lead scoring: the rules (sales writes them: `crm:write`), each person's score with its
 * explanation and history, and the calibration of score bands against deals won and lost.
 */
export async function leadScoringRoutes(app: App, options: { engine: Engine }) {
  const { leadScoring } = options.engine;
  const tags = ['Lead scoring'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.get(
    '/api/v1/lead-scoring',
    {
      config: { access: 'crm:read' },
      schema: { tags, response: { 200: LeadScoringSchema, ...ERROR_RESPONSES } },
    },
    async (request) => leadScoring.settings(workspaceOf(request)),
  );

  app.put(
    '/api/v1/lead-scoring',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        description: 'Replaces the rules; every profile is rescored in the background.',
        body: LeadScoringSettingsSchema,
        response: { 200: LeadScoringSchema, ...RESPONSES },
      },
    },
    async (request) => valueOrUnprocessable(await leadScoring.update(workspaceOf(request), request.body)),
  );

  app.get(
    '/api/v1/lead-scoring/scores',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        description: 'The highest scores of the workspace, best first (one page).',
        querystring: TopLeadsQuerySchema,
        response: { 200: pageOf(ScoredLeadSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      data: await leadScoring.topLeads(workspaceOf(request), request.query.limit),
      nextCursor: null,
    }),
  );

  app.get(
    '/api/v1/lead-scoring/scores/:profileId',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: ProfileParamsSchema, response: { 200: LeadScoreSchema, ...ERROR_RESPONSES } },
    },
    async (request) => leadScoring.scoreOf(workspaceOf(request), request.params.profileId),
  );

  app.get(
    '/api/v1/lead-scoring/calibration',
    {
      config: { access: 'crm:read' },
      schema: { tags, response: { 200: LeadScoreCalibrationSchema, ...ERROR_RESPONSES } },
    },
    async (request) => leadScoring.calibration(workspaceOf(request)),
  );
}
