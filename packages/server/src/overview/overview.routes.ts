import { OverviewQuerySchema, OverviewSchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

/** The home dashboard's figures (every role may read them). */
export async function overviewRoutes(app: App, options: { engine: Engine }) {
  const { overview } = options.engine;
  app.get(
    '/api/v1/overview',
    {
      config: { access: 'insights:read' },
      schema: {
        tags: ['Insights'],
        description:
          'Activity by UTC day over the last `days` days (today included), top events and sources, ' +
          'the largest audiences, open deals of the default pipeline by stage, unsolved tickets and SLAs at risk.',
        querystring: OverviewQuerySchema,
        response: { 200: OverviewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      overview.overview(requirePrincipal(request.principal).workspaceId, { days: request.query.days }),
  );
}
