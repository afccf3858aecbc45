import type { Permission } from '@tandem/contract';
import type { Principal } from '@tandem/engine';

/**
 * What a route requires, declared in its `config.access`:
 * - `public`: anyone (health checks, login, the Tracking API which checks write keys itself);
 * - `signed-in`: any valid credentials;
 * - `session`: a signed-in user in the UI (their own account's routes), never an API token;
 * - a permission from the contract's permission table.
 */
export type RouteAccess = 'public' | 'signed-in' | 'session' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

export const SESSION_COOKIE = 'tandem_session';
