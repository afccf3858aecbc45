import { LoginSchema, SessionInfoSchema } from '@tandem/contract';
import { AppError, type Engine, type Principal } from '@tandem/engine';
import { z } from 'zod';
import { sendError } from '../http/error-handler.js';
import { type App, ERROR_RESPONSES, NoContentSchema } from '../http/route-schemas.js';
import { requirePrincipal } from './authenticate.js';
import type { LoginRateLimiter } from './login-rate-limiter.js';
import { SESSION_COOKIE } from './route-access.js';

type SessionPrincipal = Extract<Principal, { kind: 'session' }>;

/** UI sign-in: a session in an httpOnly, SameSite cookie plus a CSRF token for writes. */
export async function authRoutes(
  app: App,
  options: { engine: Engine; loginLimiter: LoginRateLimiter; secureCookies: boolean },
) {
  const { engine, loginLimiter } = options;
  const tags = ['Auth'];

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: { tags, body: LoginSchema, response: { 200: SessionInfoSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const key = `${request.ip}|${request.body.email.trim().toLowerCase()}`;
      const verdict = loginLimiter.attempt(key);
      if (!verdict.allowed) {
        return sendError(reply, 'rate_limited', 'Too many sign-in attempts; try again later', {
          retryAfterSeconds: verdict.retryAfterSeconds,
        });
      }
      const session = await engine.access.login(request.body);
      if (!session) return sendError(reply, 'invalid_credentials', 'Email or password is wrong');
      loginLimiter.reset(key);
      const principal = await engine.access.authenticateSession(session.sessionSecret);
      if (principal?.kind !== 'session') throw new Error('a session just created did not authenticate');
      reply.setCookie(SESSION_COOKIE, session.sessionSecret, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies || request.protocol === 'https',
        expires: new Date(session.expiresAt),
      });
      return engine.access.sessionInfo(principal);
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { access: 'signed-in' },
      schema: { tags, response: { 200: SessionInfoSchema, ...ERROR_RESPONSES } },
    },
    async (request) => engine.access.sessionInfo(sessionOf(request.principal)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'signed-in' },
      schema: { tags, response: { 204: NoContentSchema, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      await engine.access.logout(sessionOf(request.principal).sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/workspace',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        body: z.object({ workspaceId: z.string().min(1) }),
        response: { 200: SessionInfoSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const session = sessionOf(request.principal);
      await engine.access.switchWorkspace(session.sessionId, session.userId, request.body.workspaceId);
      const role = await engine.access.roleOf(request.body.workspaceId, session.userId);
      if (!role) throw new Error('membership vanished during a workspace switch');
      return engine.access.sessionInfo({ ...session, workspaceId: request.body.workspaceId, role });
    },
  );
}

function sessionOf(principal: Principal | undefined): SessionPrincipal {
  const checked = requirePrincipal(principal);
  if (checked.kind !== 'session')
    throw new AppError('forbidden', 'This route is for UI sessions, not API tokens');
  return checked;
}
