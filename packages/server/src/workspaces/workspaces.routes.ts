import {
  ApiTokenSchema,
  CreatedApiTokenSchema,
  CreateTokenSchema,
  CreateWorkspaceSchema,
  InviteUserSchema,
  MemberSchema,
  PageQuerySchema,
  pageOf,
  type Role,
  roleAllows,
  roleCanGrant,
  WorkspaceSchema,
} from '@tandem/contract';
import { AppError, createWorkspace, type Engine, listWorkspacesOfUser, workspaceById } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { pageOfList } from '../http/page-of-list.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/** Workspaces, their members and API tokens. */
export async function workspacesRoutes(app: App, options: { engine: Engine }) {
  const { engine } = options;

  app.post(
    '/api/v1/workspaces',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['Workspaces'],
        body: CreateWorkspaceSchema,
        response: { 201: WorkspaceSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      if (!principal.userId) {
        throw new AppError('forbidden', 'This token acts for no user, so it cannot own a new workspace');
      }
      const workspace = await createWorkspace(engine.store, request.body.name);
      await engine.access.addMember(workspace.id, principal.userId, 'owner');
      return reply.code(201).send(workspace);
    },
  );

  app.get(
    '/api/v1/workspaces',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['Workspaces'],
        querystring: PageQuerySchema,
        response: { 200: pageOf(WorkspaceSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      // A token acts in exactly one workspace, even when its user belongs to more.
      const workspaces =
        principal.kind === 'token'
          ? [{ ...(await workspaceById(engine.store, principal.workspaceId)), role: principal.role }]
          : await listWorkspacesOfUser(engine.store, principal.userId);
      return pageOfList(workspaces.filter(isWorkspace), request.query, (w) => w.id);
    },
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { access: 'tokens:manage' },
      schema: {
        tags: ['Tokens'],
        body: CreateTokenSchema,
        response: { 201: CreatedApiTokenSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      const workspaceId = request.body.workspaceId ?? principal.workspaceId;
      const granterRole = await roleIn(engine, workspaceId, principal);
      if (!granterRole || !roleAllows(granterRole, 'tokens:manage')) {
        throw new AppError('forbidden', `You cannot manage tokens of workspace ${workspaceId}`);
      }
      assertCanGrant(granterRole, request.body.role);
      const token = await engine.access.createToken({
        workspaceId,
        name: request.body.name,
        role: request.body.role,
        userId: principal.userId,
      });
      return reply.code(201).send(token);
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { access: 'tokens:manage' },
      schema: {
        tags: ['Tokens'],
        querystring: PageQuerySchema,
        response: { 200: pageOf(ApiTokenSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      return pageOfList(await engine.access.listTokens(principal.workspaceId), request.query, (t) => t.id);
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: 'tokens:manage' },
      schema: {
        tags: ['Tokens'],
        params: IdParamsSchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await engine.access.revokeToken(requirePrincipal(request.principal).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        body: InviteUserSchema,
        response: { 201: MemberSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      assertCanGrant(principal.role, request.body.role);
      return reply.code(201).send(await engine.access.inviteMember(principal.workspaceId, request.body));
    },
  );

  app.get(
    '/api/v1/members',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['Members'],
        querystring: PageQuerySchema,
        response: { 200: pageOf(MemberSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      return pageOfList(await engine.access.listMembers(principal.workspaceId), request.query, (m) => m.id);
    },
  );
}

function isWorkspace<T extends { id?: string }>(
  workspace: T,
): workspace is T & { id: string; name: string; createdAt: string } {
  return workspace.id !== undefined;
}

async function roleIn(
  engine: Engine,
  workspaceId: string,
  principal: ReturnType<typeof requirePrincipal>,
): Promise<Role | undefined> {
  if (workspaceId === principal.workspaceId) return principal.role;
  return principal.userId ? engine.access.roleOf(workspaceId, principal.userId) : undefined;
}

function assertCanGrant(granter: Role, role: Role): void {
  if (!roleCanGrant(granter, role))
    throw new AppError('forbidden', `A ${granter} cannot grant the ${role} role`);
}
