import {
  PersonPredictionsSchema,
  PredictionFitRequestSchema,
  PredictionFitSchema,
  PredictionRunSchema,
  PredictionSettingsSchema,
  PredictionsOverviewSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { valueOrUnprocessable } from '../http/result-or-throw.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

const RESPONSES = { ...ERROR_RESPONSES, 422: ERROR_RESPONSES[400] };
const ProfileParamsSchema = z.object({ profileId: z.string().min(1) });
const PersonPredictionsResponseSchema = z.object({ predictions: PersonPredictionsSchema.nullable() });

/**
 * Predictions: fit a model on the workspace's orders, the page's overview, settings (schedule,
 * order event), "refresh now", and one person's predictions. Reading is `insights:read`;
 * changing settings or refreshing is `insights:write`.
 */
export async function predictionsRoutes(app: App, options: { engine: Engine }) {
  const { predictions } = options.engine;
  const tags = ['Predictions'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.post(
    '/api/v1/predictions/fit',
    {
      config: { access: 'insights:read' },
      schema: {
        tags,
        description:
          'Fits BG/NBD or Gamma-Gamma by maximum likelihood on the events of one name (same UTC date = one ' +
          'purchase). 422 naming the field when there is nothing to fit (no orders, no repeat buyer, no value).',
        body: PredictionFitRequestSchema,
        response: { 200: PredictionFitSchema, ...RESPONSES },
      },
    },
    async (request) => {
      const fitted = await predictions.fit(workspaceOf(request), request.body);
      // The engine names the request's fields; the API names them in the body, as for 400s.
      if (fitted.ok) return fitted.value;
      return valueOrUnprocessable({
        ok: false,
        error: fitted.error.map((d) => ({ ...d, path: `body.${d.path}` })),
      });
    },
  );

  app.get(
    '/api/v1/predictions',
    {
      config: { access: 'insights:read' },
      schema: { tags, response: { 200: PredictionsOverviewSchema, ...ERROR_RESPONSES } },
    },
    async (request) => predictions.overview(workspaceOf(request)),
  );

  app.put(
    '/api/v1/predictions/settings',
    {
      config: { access: 'insights:write' },
      schema: {
        tags,
        body: PredictionSettingsSchema,
        response: { 200: PredictionSettingsSchema, ...RESPONSES },
      },
    },
    async (request) => predictions.setSettings(workspaceOf(request), request.body),
  );

  app.post(
    '/api/v1/predictions/refresh',
    {
      config: { access: 'insights:write' },
      schema: {
        tags,
        description: "Starts a refresh now; it runs in the background (see the overview's lastRun).",
        response: { 202: PredictionRunSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(202).send(await predictions.start(workspaceOf(request))),
  );

  app.get(
    '/api/v1/predictions/people/:profileId',
    {
      config: { access: 'insights:read' },
      schema: {
        tags,
        params: ProfileParamsSchema,
        response: { 200: PersonPredictionsResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      predictions: await predictions.personPredictions(workspaceOf(request), request.params.profileId),
    }),
  );
}
