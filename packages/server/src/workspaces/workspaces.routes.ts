import {
  ApiTokenSchema,
  CreatedApiTokenSchema,
  CreateTokenSchema,
  CreateWorkspaceSchema,
  FormerMembersSchema,
  HandOverFormerMemberSchema,
  InvitationSchema,
  InviteUserSchema,
  MemberHoldingsSchema,
  MemberSchema,
  PageQuerySchema,
  pageOf,
  RemoveMemberQuerySchema,
  type Role,
  roleAllows,
  roleCanGrant,
  UpdateMemberSchema,
  WorkspaceSchema,
} from '@tandem/contract';
import {
  AppError,
  createWorkspace,
  type Engine,
  listWorkspacesOfUser,
  type MemberActor,
  type Principal,
  workspaceById,
} from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import type { Config } from '../config.js';
import { pageOfList } from '../http/page-of-list.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/** Workspaces, their members and invitations, and API tokens. */
export async function workspacesRoutes(
  app: App,
  options: { engine: Engine; workspaceCreation: Config['workspaceCreation'] },
) {
  const { engine } = options;
  const { members, tokens } = engine.access;

  app.post(
    '/api/v1/workspaces',
    {
      config: { access: 'session' },
      schema: {
        tags: ['Workspaces'],
        description:
          'Creates a workspace owned by the signed-in user. Needs a UI session (never an API token) and, by default (TANDEM_WORKSPACE_CREATION=owners), a user who owns a workspace already.',
        body: CreateWorkspaceSchema,
        response: { 201: WorkspaceSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      if (principal.kind !== 'session') throw new Error('the session access rule let a token through');
      await assertMayCreateWorkspace(engine, principal.userId, options.workspaceCreation);
      const workspace = await createWorkspace(engine.store, request.body.name);
      await members.add(workspace.id, principal.userId, 'owner');
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
        description:
          'Creates a token acting for the caller in one workspace, with a role no higher than the caller’s. A token can only create tokens for its own workspace.',
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
      const token = await tokens.create({
        workspaceId,
        name: request.body.name,
        role: request.body.role,
        userId: principal.userId,
        expiresAt: request.body.expiresAt,
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
      return pageOfList(await tokens.list(principal.workspaceId), request.query, (t) => t.id);
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
      await tokens.revoke(requirePrincipal(request.principal).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        summary: 'Invite someone to the workspace',
        description:
          'Adds the email to the workspace (at once, or once accepted when TANDEM_INVITATIONS_NEED_ACCEPTANCE is set) and emails them a link. An existing account is only added: its password is never touched, and the answer is the same whether the account existed.',
        body: InviteUserSchema,
        response: { 201: InvitationSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      return reply
        .code(201)
        .send(await members.invite(actorOf(principal), principal.workspaceId, request.body));
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
      return pageOfList(await members.list(principal.workspaceId), request.query, (m) => m.id);
    },
  );

  app.patch(
    '/api/v1/members/:id',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        summary: "Change a member's role",
        description:
          'Nobody grants a role above their own or changes a member ranked above them; the last owner cannot be demoted.',
        params: IdParamsSchema,
        body: UpdateMemberSchema,
        response: { 200: MemberSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      return members.changeRole(
        actorOf(principal),
        principal.workspaceId,
        request.params.id,
        request.body.role,
      );
    },
  );

  app.delete(
    '/api/v1/members/me',
    {
      config: { access: 'session' },
      schema: {
        tags: ['Members'],
        summary: 'Leave the current workspace',
        description: 'The last owner cannot leave; your session in the workspace ends.',
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      if (!principal.userId) throw new Error('a session without a user');
      await members.remove(actorOf(principal), principal.workspaceId, principal.userId);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/members/:id',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        summary: 'Remove a member',
        description:
          'Removing someone else needs members:manage and may not target a member ranked above you; the last owner cannot be removed. Their sessions in the workspace end and their tokens there are revoked. With `handOverTo` (another current member, else 422) that member takes over the people and companies they own, their open deals and tasks, active sequence enrollments and unsolved tickets; without it their unsolved tickets become unassigned and the rest keeps them as owner.',
        params: IdParamsSchema,
        querystring: RemoveMemberQuerySchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      await members.remove(actorOf(principal), principal.workspaceId, request.params.id, {
        handOverTo: request.query.handOverTo,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/members/:id/holdings',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        summary: 'What a member holds',
        description:
          'How many people and companies the member owns, open deals, open tasks, active sequence enrollments and unsolved tickets they hold: what removing them with `handOverTo` would hand over.',
        params: IdParamsSchema,
        response: { 200: MemberHoldingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      engine.memberHoldings(requirePrincipal(request.principal).workspaceId, request.params.id),
  );

  app.get(
    '/api/v1/former-members',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        summary: 'Records of former members',
        description:
          'Everyone no longer a member who still owns people or companies, or holds open deals or tasks, active sequence enrollments or unsolved tickets (removed without a hand-over), with what they hold; `email` is null once their account is gone. By email, not paged.',
        response: { 200: FormerMembersSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      data: await engine.formerMembersHoldings(requirePrincipal(request.principal).workspaceId),
    }),
  );

  app.post(
    '/api/v1/former-members/:id/hand-over',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        summary: "Hand a former member's records to a member",
        description:
          'The current member `handOverTo` (else 422) takes over what the former member still holds, as a removal with `handOverTo` would; answers how many of each moved. A current member is refused (409): remove them with a hand-over instead.',
        params: IdParamsSchema,
        body: HandOverFormerMemberSchema,
        response: { 200: MemberHoldingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      return engine.handOverFormerMember(
        actorOf(principal),
        principal.workspaceId,
        request.params.id,
        request.body.handOverTo,
      );
    },
  );

  app.get(
    '/api/v1/invitations',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        summary: 'Invitations waiting for an answer',
        querystring: PageQuerySchema,
        response: { 200: pageOf(InvitationSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      return pageOfList(await members.pendingInvitations(principal.workspaceId), request.query, (i) => i.id);
    },
  );

  app.delete(
    '/api/v1/invitations/:id',
    {
      config: { access: 'members:manage' },
      schema: {
        tags: ['Members'],
        summary: 'Withdraw an invitation',
        params: IdParamsSchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await members.revokeInvitation(requirePrincipal(request.principal).workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

function actorOf(principal: Principal): MemberActor {
  return { userId: principal.userId, role: principal.role };
}

async function assertMayCreateWorkspace(
  engine: Engine,
  userId: string,
  policy: Config['workspaceCreation'],
): Promise<void> {
  switch (policy) {
    case 'any-user':
      return;
    case 'owners': {
      const owned = (await listWorkspacesOfUser(engine.store, userId)).some((w) => w.role === 'owner');
      if (!owned) {
        throw new AppError(
          'forbidden',
          'Only users who own a workspace may create one here (TANDEM_WORKSPACE_CREATION=owners)',
        );
      }
      return;
    }
    case 'operators':
      throw new AppError(
        'forbidden',
        'Workspaces are created by operators with `tandem workspace create` (TANDEM_WORKSPACE_CREATION=operators)',
      );
    default: {
      const unknown: never = policy;
      throw new Error(`Unknown workspace creation policy ${String(unknown)}`);
    }
  }
}

function isWorkspace<T extends { id?: string }>(
  workspace: T,
): workspace is T & { id: string; name: string; createdAt: string } {
  return workspace.id !== undefined;
}

/** The caller's role in a workspace: a token acts only in its own; a user in any of theirs. */
async function roleIn(engine: Engine, workspaceId: string, principal: Principal): Promise<Role | undefined> {
  if (workspaceId === principal.workspaceId) return principal.role;
  if (principal.kind === 'token') {
    throw new AppError('forbidden', 'A token acts only in its own workspace');
  }
  return engine.access.members.roleOf(workspaceId, principal.userId);
}

function assertCanGrant(granter: Role, role: Role): void {
  if (!roleCanGrant(granter, role))
    throw new AppError('forbidden', `A ${granter} cannot grant the ${role} role`);
}
