import {
  CreateTaskSchema,
  pageOf,
  TaskListQuerySchema,
  TaskSchema,
  UpdateTaskSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { type App, IdParamsSchema } from '../http/route-schemas.js';
import { CRM_ERROR_RESPONSES, crmCaller } from './crm-actor.js';

/** Tasks: "my tasks" (`?assignee=me&status=open`), the overdue queue (`?overdue=true`), completion. */
export async function tasksRoutes(app: App, options: { engine: Engine }) {
  const { tasks } = options.engine;
  const tags = ['CRM'];

  app.get(
    '/api/v1/tasks',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: TaskListQuerySchema,
        response: { 200: pageOf(TaskSchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return tasks.list(workspaceId, request.query, { actorId });
    },
  );

  app.post(
    '/api/v1/tasks',
    {
      config: { access: 'crm:write' },
      schema: { tags, body: CreateTaskSchema, response: { 201: TaskSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await tasks.create(workspaceId, request.body, actorId));
    },
  );

  app.get(
    '/api/v1/tasks/:id',
    {
      config: { access: 'crm:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: TaskSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => tasks.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/tasks/:id',
    {
      config: { access: 'crm:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateTaskSchema,
        response: { 200: TaskSchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return tasks.update(workspaceId, request.params.id, request.body, actorId);
    },
  );
}
