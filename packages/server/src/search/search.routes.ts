import { SearchQuerySchema, SearchResultsSchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

/** Global search (⌘K) over people, companies and deals. */
export async function searchRoutes(app: App, options: { engine: Engine }) {
  const { search } = options.engine;

  app.get(
    '/api/v1/search',
    {
      config: { access: 'crm:read', personalData: 'searchResults' },
      schema: {
        tags: ['Search'],
        summary: 'Find people, companies and deals by name, email or domain (prefix, one typo tolerated)',
        querystring: SearchQuerySchema,
        response: { 200: SearchResultsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => search.search(requirePrincipal(request.principal).workspaceId, request.query),
  );
}
