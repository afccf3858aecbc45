import {
  ConsentHistoryPageSchema,
  ConsentHistoryQuerySchema,
  ConsentOverviewSchema,
  ConsentPurposeSchema,
  ConsentSettingsSchema,
  CreateConsentPurposeSchema,
  PreferenceLinkSchema,
  ProfileConsentSchema,
  PurposeKeyParamsSchema,
  PurposeReadersSchema,
  pageOf,
  RecordConsentSchema,
  UpdateConsentPurposeSchema,
} from '@tandem/contract';
import type { Engine, Principal } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema, NoContentSchema } from '../http/route-schemas.js';

/**
 * Consent: the workspace's purposes and default (a privacy officer's: `privacy:manage`), and each
 * profile's consent, recorded on the person's behalf by whoever may edit profiles.
 */
export async function consentRoutes(app: App, options: { engine: Engine }) {
  const { consent, emailEngagement } = options.engine;
  const tags = ['Consent'];
  const workspaceOf = (request: { principal: Principal | undefined }) =>
    requirePrincipal(request.principal).workspaceId;

  app.get(
    '/api/v1/consent/purposes',
    {
      config: { access: 'profiles:read' },
      schema: { tags, response: { 200: pageOf(ConsentPurposeSchema), ...ERROR_RESPONSES } },
    },
    async (request) => ({ data: await consent.purposes(workspaceOf(request)), nextCursor: null }),
  );

  app.post(
    '/api/v1/consent/purposes',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        body: CreateConsentPurposeSchema,
        response: { 201: ConsentPurposeSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await consent.createPurpose(workspaceOf(request), request.body)),
  );

  app.patch(
    '/api/v1/consent/purposes/:key',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        params: PurposeKeyParamsSchema,
        body: UpdateConsentPurposeSchema,
        response: { 200: ConsentPurposeSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => consent.updatePurpose(workspaceOf(request), request.params.key, request.body),
  );

  // Asked before removing a purpose: nobody grants a removed one, so what requires it stops.
  app.get(
    '/api/v1/consent/purposes/:key/readers',
    {
      config: { access: 'profiles:read' },
      schema: {
        tags,
        params: PurposeKeyParamsSchema,
        response: { 200: PurposeReadersSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      readers: await consent.readersOfPurpose(workspaceOf(request), request.params.key),
    }),
  );

  app.delete(
    '/api/v1/consent/purposes/:key',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        params: PurposeKeyParamsSchema,
        response: { 204: NoContentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await consent.deletePurpose(workspaceOf(request), request.params.key);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/consent/settings',
    {
      config: { access: 'profiles:read' },
      schema: { tags, response: { 200: ConsentSettingsSchema, ...ERROR_RESPONSES } },
    },
    async (request) => consent.settings(workspaceOf(request)),
  );

  app.put(
    '/api/v1/consent/settings',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        body: ConsentSettingsSchema,
        response: { 200: ConsentSettingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => consent.updateSettings(workspaceOf(request), request.body),
  );

  app.get(
    '/api/v1/profiles/:id/consent',
    {
      config: { access: 'profiles:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: ProfileConsentSchema, ...ERROR_RESPONSES } },
    },
    async (request) => consent.profileConsent(workspaceOf(request), request.params.id),
  );

  app.get(
    '/api/v1/profiles/:id/consent/history',
    {
      config: { access: 'profiles:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: ConsentHistoryQuerySchema,
        response: { 200: ConsentHistoryPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => consent.history(workspaceOf(request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/profiles/:id/consent/preference-link',
    {
      // Whoever holds the link may change the person's consent: as recording a decision does.
      config: { access: 'profiles:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        response: { 200: PreferenceLinkSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      // The live profile (404 for an unknown one): the link names who the person is now.
      const { profileId } = await consent.profileConsent(workspaceId, request.params.id);
      return { url: await emailEngagement.preferenceLinkFor(workspaceId, profileId) };
    },
  );

  app.get(
    '/api/v1/consent/overview',
    {
      config: { access: 'profiles:read' },
      schema: { tags, response: { 200: ConsentOverviewSchema, ...ERROR_RESPONSES } },
    },
    async (request) => consent.overview(workspaceOf(request)),
  );

  app.put(
    '/api/v1/profiles/:id/consent',
    {
      config: { access: 'profiles:write' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: RecordConsentSchema,
        response: { 200: ProfileConsentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request.principal);
      return consent.record(principal.workspaceId, request.params.id, {
        ...request.body,
        principal: principalName(principal),
      });
    },
  );
}

/** Who recorded a decision, as history shows it: the signed-in user, or the API token used. */
function principalName(principal: Principal): string {
  return principal.kind === 'session' ? principal.userId : principal.tokenId;
}
