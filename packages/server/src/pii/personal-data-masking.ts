import type { Engine, PersonalMask } from '@tandem/engine';
import type { FastifyInstance } from 'fastify';
import { PERSONAL_DATA_SHAPES, type PersonalDataShape } from './personal-data-shapes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The answer holds personal data in this shape: masked for callers without pii:read. */
    personalData?: PersonalDataShape;
  }
}

/**
 * The one place the API masks personal data: before a route's answer is serialized, a route
 * that declares `config.personalData` has the personal fields the caller's role may not see
 * masked (PII settings: marked fields, pii:read, the role's allowlist). Errors pass untouched.
 */
export function installPersonalDataMasking(app: FastifyInstance, engine: Engine): void {
  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    const shape = request.routeOptions.config.personalData;
    const principal = request.principal;
    if (!shape || !principal || reply.statusCode >= 300) return payload;
    const mask = await engine.pii.maskForRole(principal.workspaceId, principal.role);
    if (!mask) return payload;
    // The route's answer is its declared shape (its response schema says so too).
    const maskShape = PERSONAL_DATA_SHAPES[shape] as (answer: unknown, mask: PersonalMask) => unknown;
    return maskShape(payload, mask);
  });
}
