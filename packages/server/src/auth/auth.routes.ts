import {
  AcceptInvitationSchema,
  ChangePasswordSchema,
  InvitationLinkSchema,
  LinkTokenSchema,
  LoginSchema,
  PasswordResetRequestSchema,
  PasswordResetSchema,
  SessionInfoSchema,
} from '@tandem/contract';
import { AppError, type Engine, type Principal } from '@tandem/engine';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { sendError } from '../http/error-handler.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';
import { requirePrincipal } from './authenticate.js';
import type { LoginRateLimiter } from './login-rate-limiter.js';
import { SESSION_COOKIE } from './route-access.js';

type SessionPrincipal = Extract<Principal, { kind: 'session' }>;

/**
 * UI sign-in: a session in an httpOnly, SameSite cookie plus a CSRF token for writes; password
 * changes and resets; invitation links.
 */
export async function authRoutes(
  app: App,
  options: {
    engine: Engine;
    loginLimiter: LoginRateLimiter;
    /** Password reset requests and link uses, per client IP (and email). */
    linkLimiter: LoginRateLimiter;
    secureCookies: boolean;
  },
) {
  const { engine, loginLimiter, linkLimiter } = options;
  const { accounts, members } = engine.access;
  const tags = ['Auth'];

  function limit(limiter: LoginRateLimiter, key: string, reply: FastifyReply): boolean {
    const verdict = limiter.attempt(key);
    if (verdict.allowed) return true;
    sendError(reply, 'rate_limited', 'Too many attempts; try again later', {
      retryAfterSeconds: verdict.retryAfterSeconds,
    });
    return false;
  }

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: { tags, body: LoginSchema, response: { 200: SessionInfoSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const key = `${request.ip}|${request.body.email.trim().toLowerCase()}`;
      if (!limit(loginLimiter, key, reply)) return reply;
      const session = await accounts.login(request.body);
      if (!session) return sendError(reply, 'invalid_credentials', 'Email or password is wrong');
      loginLimiter.reset(key);
      const principal = await accounts.authenticateSession(session.sessionSecret);
      if (!principal) throw new Error('a session just created did not authenticate');
      reply.setCookie(SESSION_COOKIE, session.sessionSecret, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies || request.protocol === 'https',
        expires: new Date(session.expiresAt),
      });
      return accounts.sessionInfo(principal);
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { access: 'session' },
      schema: { tags, response: { 200: SessionInfoSchema, ...ERROR_RESPONSES } },
    },
    async (request) => accounts.sessionInfo(sessionOf(request.principal)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'session' },
      schema: { tags, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await accounts.logout(sessionOf(request.principal).sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/workspace',
    {
      config: { access: 'session' },
      schema: {
        tags,
        body: z.object({ workspaceId: z.string().min(1).max(100) }),
        response: { 200: SessionInfoSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const session = sessionOf(request.principal);
      await accounts.switchWorkspace(session.sessionId, session.userId, request.body.workspaceId);
      const role = await members.roleOf(request.body.workspaceId, session.userId);
      if (!role) throw new Error('membership vanished during a workspace switch');
      return accounts.sessionInfo({ ...session, workspaceId: request.body.workspaceId, role });
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Change your password',
        description: 'Ends every other session of your account (and what they opened, such as live streams).',
        body: ChangePasswordSchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request.principal);
      await accounts.changePassword(session, request.body.currentPassword, request.body.newPassword);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Email a link to choose a new password',
        description: 'Answers the same whether or not the email has an account.',
        body: PasswordResetRequestSchema,
        response: { 202: z.object({ message: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (!limit(linkLimiter, `${request.ip}|${request.body.email.trim().toLowerCase()}`, reply))
        return reply;
      await accounts.requestPasswordReset(request.body.email);
      return reply.code(202).send({
        message: 'If this email has an account, a link to choose a new password is on its way.',
      });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Choose a new password with an emailed reset link',
        description: 'Ends every session of the account.',
        body: PasswordResetSchema,
        response: { 200: z.object({ email: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (!limit(linkLimiter, request.ip, reply)) return reply;
      return accounts.resetPassword(request.body.token, request.body.password);
    },
  );

  app.post(
    '/api/v1/auth/invitation',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What an emailed invitation link invites to',
        body: LinkTokenSchema,
        response: { 200: InvitationLinkSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (!limit(linkLimiter, request.ip, reply)) return reply;
      return members.invitationOfLink(request.body.token);
    },
  );

  app.post(
    '/api/v1/auth/invitation/accept',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Accept an invitation with its emailed link',
        description: 'An account without a password chooses one here; then it signs in as usual.',
        body: AcceptInvitationSchema,
        response: { 200: z.object({ email: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (!limit(linkLimiter, request.ip, reply)) return reply;
      return members.acceptByLink(request.body.token, request.body.password);
    },
  );

  for (const answer of ['accept', 'decline'] as const) {
    app.post(
      `/api/v1/auth/invitations/:id/${answer}`,
      {
        config: { access: 'session' },
        schema: {
          tags,
          summary: `${answer === 'accept' ? 'Accept' : 'Decline'} one of your invitations`,
          params: IdParamsSchema,
          response: { 200: SessionInfoSchema, ...ERROR_RESPONSES },
        },
      },
      async (request) => {
        const session = sessionOf(request.principal);
        await members.answerInvitation(session.userId, request.params.id, answer === 'accept');
        return accounts.sessionInfo(session);
      },
    );
  }
}

function sessionOf(principal: Principal | undefined): SessionPrincipal {
  const checked = requirePrincipal(principal);
  if (checked.kind !== 'session')
    throw new AppError('forbidden', 'This route is for UI sessions, not API tokens');
  return checked;
}
