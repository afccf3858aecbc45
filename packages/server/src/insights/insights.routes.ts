import {
  AttributionQuerySchema,
  AttributionResultSchema,
  ErrorBodySchema,
  FunnelPeopleQuerySchema,
  FunnelPeopleResultSchema,
  FunnelQuerySchema,
  FunnelResultSchema,
  InsightQuerySchema,
  InsightResultSchema,
  PathsQuerySchema,
  PathsResultSchema,
  RetentionQuerySchema,
  RetentionResultSchema,
  SavedFunnelPeopleSchema,
  SaveFunnelPeopleSchema,
  TrendQuerySchema,
  TrendResultSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { crmCaller } from '../crm-people/crm-actor.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

// 503: the analytics copy is not open in this process yet.
const RESPONSES = { ...ERROR_RESPONSES, 503: ErrorBodySchema };

/**
 * Event analytics over the analytics copy: trends, funnels (and a step's people, savable as a
 * static list), paths, retention and attribution. Queries are POSTed: their filters nest.
 */
export async function insightsRoutes(app: App, options: { engine: Engine }) {
  const { insights } = options.engine;
  const tags = ['Insights'];

  app.post(
    '/api/v1/insights/trend',
    {
      config: { access: 'insights:read' },
      schema: { tags, body: TrendQuerySchema, response: { 200: TrendResultSchema, ...RESPONSES } },
    },
    async (request) => insights.trend(crmCaller(request).workspaceId, request.body),
  );

  app.post(
    '/api/v1/insights/funnel',
    {
      config: { access: 'insights:read' },
      schema: {
        tags,
        description: 'People per step who did the steps in order within the window from the first.',
        body: FunnelQuerySchema,
        response: { 200: FunnelResultSchema, ...RESPONSES },
      },
    },
    async (request) => insights.funnel(crmCaller(request).workspaceId, request.body),
  );

  app.post(
    '/api/v1/insights/funnel/people',
    {
      config: { access: 'insights:read' },
      schema: {
        tags,
        description: "A page of a step's people: who reached it, or who reached the step before and stopped.",
        body: FunnelPeopleQuerySchema,
        response: { 200: FunnelPeopleResultSchema, ...RESPONSES },
      },
    },
    async (request) => insights.funnelPeople(crmCaller(request).workspaceId, request.body),
  );

  app.post(
    '/api/v1/insights/funnel/people/list',
    {
      config: { access: 'insights:write' },
      schema: {
        tags,
        description: "Saves a step's people (such as those who dropped) as a new static list.",
        body: SaveFunnelPeopleSchema,
        response: { 201: SavedFunnelPeopleSchema, ...RESPONSES },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await insights.saveFunnelPeople(workspaceId, request.body, actorId));
    },
  );

  app.post(
    '/api/v1/insights/paths',
    {
      config: { access: 'insights:read' },
      schema: { tags, body: PathsQuerySchema, response: { 200: PathsResultSchema, ...RESPONSES } },
    },
    async (request) => insights.paths(crmCaller(request).workspaceId, request.body),
  );

  app.post(
    '/api/v1/insights/retention',
    {
      config: { access: 'insights:read' },
      schema: { tags, body: RetentionQuerySchema, response: { 200: RetentionResultSchema, ...RESPONSES } },
    },
    async (request) => insights.retention(crmCaller(request).workspaceId, request.body),
  );

  app.post(
    '/api/v1/insights/attribution',
    {
      config: { access: 'insights:read' },
      schema: {
        tags,
        body: AttributionQuerySchema,
        response: { 200: AttributionResultSchema, ...RESPONSES },
      },
    },
    async (request) => insights.attribution(crmCaller(request).workspaceId, request.body),
  );

  app.post(
    '/api/v1/insights/query',
    {
      config: { access: 'insights:read' },
      schema: {
        tags,
        description: 'Any insight by its kind (what saved insights and dashboard tiles store).',
        body: InsightQuerySchema,
        response: { 200: InsightResultSchema, ...RESPONSES },
      },
    },
    async (request) => insights.run(crmCaller(request).workspaceId, request.body),
  );
}
