import { roleAllows } from '@tandem/contract';
import type { Engine, Principal } from '@tandem/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from '../http/error-handler.js';
import { SESSION_COOKIE } from './route-access.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves credentials (Bearer token, else session cookie) before anything else runs, then
 * enforces the route's declared access: 401 without valid credentials, 403 without the
 * permission, 403 for a cookie-authenticated write without the CSRF header.
 */
export function installAuthentication(app: FastifyInstance, engine: Engine): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (request.is404) return; // the not-found handler answers; nothing to protect
    // Admin API routes that did not declare their access are closed, not open (checked below);
    // outside /api/v1 (web UI files, API docs) everything is public.
    if (access === 'public' || (access === undefined && !request.url.startsWith('/api/v1/'))) return;
    const principal = await principalOf(request, engine);
    request.principal = principal;
    if (!principal) return sendError(reply, 'unauthorized', 'Sign in or send Authorization: Bearer <token>');
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      if (request.headers['x-csrf-token'] !== principal.csrfToken) {
        return sendError(reply, 'csrf_failed', 'Missing or wrong X-CSRF-Token header');
      }
    }
    if (access === undefined) return sendError(reply, 'forbidden', 'This route declares no access rule');
    if (access === 'session') {
      if (principal.kind === 'session') return;
      return sendError(reply, 'forbidden', 'This route is for signed-in users, not API tokens');
    }
    if (access !== 'signed-in' && !roleAllows(principal.role, access)) {
      return sendError(reply, 'forbidden', `Role ${principal.role} lacks permission ${access}`);
    }
  });
}

async function principalOf(request: FastifyRequest, engine: Engine): Promise<Principal | undefined> {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1] ? engine.access.tokens.authenticate(match[1]) : undefined;
  }
  const sessionSecret = request.cookies[SESSION_COOKIE];
  return sessionSecret ? engine.access.accounts.authenticateSession(sessionSecret) : undefined;
}

/** The principal of a route that required credentials (the hook above guarantees one). */
export function requirePrincipal(principal: Principal | undefined): Principal {
  if (!principal) throw new Error('principal missing on an authenticated route');
  return principal;
}
