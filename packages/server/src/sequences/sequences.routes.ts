import {
  CreateSequenceSchema,
  EnrollmentListQuerySchema,
  EnrollmentSchema,
  EnrollResultSchema,
  EnrollSchema,
  pageOf,
  SequenceReportSchema,
  SequenceSchema,
  UpdateSequenceSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { CRM_ERROR_RESPONSES, crmCaller } from '../crm-people/crm-actor.js';
import { type App, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

const EnrollmentParamsSchema = z.object({ id: z.string().min(1), enrollmentId: z.string().min(1) });

/** Sales sequences: steps and settings, enrollments (people, lists), manual stops, the report. */
export async function sequencesRoutes(app: App, options: { engine: Engine }) {
  const { sequences } = options.engine;
  const tags = ['Sequences'];

  app.get(
    '/api/v1/sequences',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        response: { 200: z.object({ data: z.array(SequenceSchema) }), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => ({ data: await sequences.list(crmCaller(request).workspaceId) }),
  );

  app.post(
    '/api/v1/sequences',
    {
      config: { access: 'crm:write' },
      schema: { tags, body: CreateSequenceSchema, response: { 201: SequenceSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await sequences.create(workspaceId, request.body, actorId));
    },
  );

  app.get(
    '/api/v1/sequences/:id',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: SequenceSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => sequences.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/sequences/:id',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateSequenceSchema,
        response: { 200: SequenceSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => sequences.update(crmCaller(request).workspaceId, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/sequences/:id',
    {
      config: { access: 'crm:write' },
      schema: { tags, params: IdParamsSchema, response: { 204: NoContentSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await sequences.delete(crmCaller(request).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/sequences/:id/report',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        response: { 200: SequenceReportSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => sequences.report(crmCaller(request).workspaceId, request.params.id),
  );

  app.get(
    '/api/v1/sequences/:id/enrollments',
    {
      config: { access: 'crm:read', personalData: 'contactPage' },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: EnrollmentListQuerySchema,
        response: { 200: pageOf(EnrollmentSchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) =>
      sequences.enrollments(crmCaller(request).workspaceId, request.params.id, request.query),
  );

  app.post(
    '/api/v1/sequences/:id/enrollments',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: EnrollSchema,
        response: { 200: EnrollResultSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return sequences.enroll(workspaceId, request.params.id, request.body, actorId);
    },
  );

  app.post(
    '/api/v1/sequences/:id/enrollments/:enrollmentId/stop',
    {
      config: { access: 'crm:write', personalData: 'contact' },
      schema: {
        tags,
        params: EnrollmentParamsSchema,
        response: { 200: EnrollmentSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) =>
      sequences.stop(crmCaller(request).workspaceId, request.params.id, request.params.enrollmentId),
  );

  app.get(
    '/api/v1/profiles/:id/sequences',
    {
      config: { access: 'crm:read', personalData: 'contactPage' },
      schema: {
        tags,
        params: IdParamsSchema,
        response: { 200: z.object({ data: z.array(EnrollmentSchema) }), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => ({
      data: await sequences.enrollmentsOf(crmCaller(request).workspaceId, request.params.id),
    }),
  );
}
