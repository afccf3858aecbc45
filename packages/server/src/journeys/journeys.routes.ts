import {
  CreateJourneySchema,
  ErrorBodySchema,
  JourneyDefinitionSchema,
  JourneyListItemSchema,
  JourneyReportSchema,
  JourneyRunSchema,
  JourneyRunsQuerySchema,
  JourneySchema,
  JourneyValidationSchema,
  JourneyVersionSchema,
  PageQuerySchema,
  ProfileJourneyRunSchema,
  PublishJourneySchema,
  pageOf,
  UpdateJourneySchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

const RESPONSES = { ...ERROR_RESPONSES, 422: ErrorBodySchema } as const;

/**
 * Journeys: marketers (`audiences:write`) draw, publish, pause and archive them; everyone who
 * reads audiences sees them, their runs and their report.
 */
export async function journeysRoutes(app: App, options: { engine: Engine }) {
  const { journeys } = options.engine;
  const tags = ['Journeys'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.get(
    '/api/v1/journeys',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        querystring: PageQuerySchema,
        response: { 200: pageOf(JourneyListItemSchema), ...RESPONSES },
      },
    },
    async (request) => journeys.list(workspaceOf(request), request.query),
  );

  app.post(
    '/api/v1/journeys',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description: 'A new journey, as a draft (version 0) until published.',
        body: CreateJourneySchema,
        response: { 201: JourneySchema, ...RESPONSES },
      },
    },
    async (request, reply) => reply.code(201).send(await journeys.create(workspaceOf(request), request.body)),
  );

  app.post(
    '/api/v1/journeys/validate',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description:
          'What would stop a definition from being published, each problem with its step and field.',
        body: JourneyDefinitionSchema,
        response: { 200: JourneyValidationSchema, ...RESPONSES },
      },
    },
    async (request) => journeys.validate(workspaceOf(request), request.body),
  );

  app.get(
    '/api/v1/journeys/:id',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description: 'The draft, with the live version number and whether the draft differs from it.',
        params: IdParamsSchema,
        response: { 200: JourneySchema, ...RESPONSES },
      },
    },
    async (request) => journeys.get(workspaceOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/journeys/:id',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateJourneySchema,
        response: { 200: JourneySchema, ...RESPONSES },
      },
    },
    async (request) => journeys.update(workspaceOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/journeys/:id/publish',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description:
          'Publishes the draft as the next version (422 naming each problem as steps.<stepId>.<field>). People in flight stay on their version or migrate to the same step of the new one.',
        params: IdParamsSchema,
        body: PublishJourneySchema.optional(),
        response: { 200: JourneySchema, ...RESPONSES },
      },
    },
    async (request) =>
      journeys.publish(workspaceOf(request), request.params.id, {
        inFlight: request.body?.inFlight ?? 'stay',
      }),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/api/v1/journeys/:id/${action}`,
      {
        config: { access: 'audiences:write' },
        schema: { tags, params: IdParamsSchema, response: { 200: JourneySchema, ...RESPONSES } },
      },
      async (request) => journeys[action](workspaceOf(request), request.params.id),
    );
  }

  app.delete(
    '/api/v1/journeys/:id',
    {
      config: { access: 'audiences:write' },
      schema: {
        tags,
        description: 'Archives the journey: everyone in it exits.',
        params: IdParamsSchema,
        response: { 200: JourneySchema, ...RESPONSES },
      },
    },
    async (request) => journeys.archive(workspaceOf(request), request.params.id),
  );

  app.get(
    '/api/v1/journeys/:id/versions',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description: 'The published versions, newest first.',
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: pageOf(JourneyVersionSchema), ...RESPONSES },
      },
    },
    async (request) => journeys.versions(workspaceOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/journeys/:id/report',
    {
      config: { access: 'audiences:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: JourneyReportSchema, ...RESPONSES } },
    },
    async (request) => journeys.report(workspaceOf(request), request.params.id),
  );

  app.get(
    '/api/v1/journeys/:id/runs',
    {
      config: { access: 'audiences:read' },
      schema: {
        tags,
        description: 'People in the journey (every version): where each is and when their timer is due.',
        params: IdParamsSchema,
        querystring: JourneyRunsQuerySchema,
        response: { 200: pageOf(JourneyRunSchema), ...RESPONSES },
      },
    },
    async (request) => journeys.runs(workspaceOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/profiles/:id/journeys',
    {
      config: { access: 'profiles:read' },
      schema: {
        tags,
        description: 'A person’s journey runs, newest first, each with the steps they went through.',
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: pageOf(ProfileJourneyRunSchema), ...RESPONSES },
      },
    },
    async (request) => journeys.profileRuns(workspaceOf(request), request.params.id, request.query),
  );
}
