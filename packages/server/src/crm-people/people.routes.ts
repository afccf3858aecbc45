import {
  BulkUpdatePeopleSchema,
  BulkUpdateResultSchema,
  CreatePersonSchema,
  ErrorBodySchema,
  PeopleListQuerySchema,
  PersonSchema,
  PersonSummarySchema,
  pageOf,
  UpdatePersonSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { type App, IdParamsSchema } from '../http/route-schemas.js';
import { CRM_ERROR_RESPONSES, crmCaller } from './crm-actor.js';

/** People: the CRM view of profiles (owner, lifecycle stage, lead status, tags, custom fields). */
export async function peopleRoutes(app: App, options: { engine: Engine }) {
  const { people } = options.engine;
  const tags = ['CRM'];

  app.get(
    '/api/v1/people',
    {
      config: { access: 'crm:read', personalData: 'contactPage' },
      schema: {
        tags,
        querystring: PeopleListQuerySchema,
        response: { 200: pageOf(PersonSummarySchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return people.list(workspaceId, request.query, { actorId });
    },
  );

  app.post(
    '/api/v1/people',
    {
      config: { access: 'crm:write', personalData: 'person' },
      schema: {
        tags,
        description:
          'Creates a person by hand: a profile with identities (a known email merges into its profile).',
        body: CreatePersonSchema,
        response: { 201: PersonSchema, ...CRM_ERROR_RESPONSES, 503: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await people.create(workspaceId, request.body, actorId));
    },
  );

  app.post(
    '/api/v1/people/bulk',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        body: BulkUpdatePeopleSchema,
        response: { 200: BulkUpdateResultSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return people.bulkUpdate(workspaceId, request.body, actorId);
    },
  );

  app.get(
    '/api/v1/people/:id',
    {
      config: { access: 'crm:read', personalData: 'person' },
      schema: { tags, params: IdParamsSchema, response: { 200: PersonSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => people.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/people/:id',
    {
      config: { access: 'crm:write', personalData: 'person' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdatePersonSchema,
        response: { 200: PersonSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return people.update(workspaceId, request.params.id, request.body, actorId);
    },
  );
}
