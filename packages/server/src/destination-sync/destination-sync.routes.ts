import { DestinationSyncSchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

const RESPONSES = { ...ERROR_RESPONSES, 422: ERROR_RESPONSES[400] };

/** The full sync of a destination holding state (warehouse, audience files). */
export async function destinationSyncRoutes(app: App, options: { engine: Engine }) {
  const { engine } = options;
  app.post(
    '/api/v1/destinations/:id/sync',
    {
      config: { access: 'destinations:write' },
      schema: {
        tags: ['Destinations'],
        description:
          'Writes everything at once: every profile into a warehouse, a full file of each subscribed audience for an audience-file destination (profiles that granted its purposes). Answers when done; 422 for other types.',
        params: IdParamsSchema,
        response: { 200: DestinationSyncSchema, ...RESPONSES },
      },
    },
    async (request) =>
      engine.syncDestination(requirePrincipal(request.principal).workspaceId, request.params.id),
  );
}
