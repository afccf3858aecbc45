import {
  IdentitySettingsPatchSchema,
  IdentitySettingsSchema,
  PipelineStatusSchema,
  ProfileListQuerySchema,
  ProfileLookupQuerySchema,
  ProfileMergeSchema,
  ProfileSchema,
  ProfileSummarySchema,
  pageOf,
  TimelineEventSchema,
  TimelineQuerySchema,
  UnmergeRequestSchema,
  UnmergeResultSchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

/** Unified profiles, their merges, the identity rules and the pipeline's progress. */
export async function profilesRoutes(app: App, options: { engine: Engine }) {
  const { profiles, identity, pipeline } = options.engine;
  const tags = ['Profiles'];
  const workspaceOf = (request: { principal: Parameters<typeof requirePrincipal>[0] }) =>
    requirePrincipal(request.principal).workspaceId;

  app.get(
    '/api/v1/profiles',
    {
      config: { access: 'profiles:read', personalData: 'profilePage' },
      schema: {
        tags,
        querystring: ProfileListQuerySchema,
        response: { 200: pageOf(ProfileSummarySchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => profiles.list(workspaceOf(request), request.query),
  );

  app.get(
    '/api/v1/profiles/lookup',
    {
      config: { access: 'profiles:read', personalData: 'profile' },
      schema: {
        tags,
        querystring: ProfileLookupQuerySchema,
        response: { 200: ProfileSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => profiles.lookup(workspaceOf(request), request.query.type, request.query.value),
  );

  app.get(
    '/api/v1/profiles/:id',
    {
      config: { access: 'profiles:read', personalData: 'profile' },
      schema: { tags, params: IdParamsSchema, response: { 200: ProfileSchema, ...ERROR_RESPONSES } },
    },
    async (request) => profiles.get(workspaceOf(request), request.params.id),
  );

  app.get(
    '/api/v1/profiles/:id/events',
    {
      config: { access: 'profiles:read', personalData: 'timelinePage' },
      schema: {
        tags,
        params: IdParamsSchema,
        querystring: TimelineQuerySchema,
        response: { 200: pageOf(TimelineEventSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => profiles.timeline(workspaceOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/profiles/:id/merges',
    {
      config: { access: 'profiles:read' },
      schema: {
        tags,
        params: IdParamsSchema,
        response: { 200: z.object({ data: z.array(ProfileMergeSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const profile = await profiles.get(workspaceOf(request), request.params.id);
      return { data: await identity.mergesOf(workspaceOf(request), profile.id) };
    },
  );

  app.post(
    '/api/v1/profiles/:id/unmerge',
    {
      config: { access: 'profiles:merge', personalData: 'unmergeResult' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UnmergeRequestSchema,
        response: { 200: UnmergeResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      const split = await pipeline.unmerge({
        workspaceId,
        profileId: request.params.id,
        mergeId: request.body.mergeId,
      });
      const [survivor, restored] = await Promise.all([
        profiles.get(workspaceId, split.survivorId),
        profiles.get(workspaceId, split.restoredId),
      ]);
      return { survivor, restored };
    },
  );

  app.get(
    '/api/v1/identity/settings',
    {
      config: { access: 'profiles:read' },
      schema: { tags, response: { 200: IdentitySettingsSchema, ...ERROR_RESPONSES } },
    },
    async (request) => identity.settings(workspaceOf(request)),
  );

  app.patch(
    '/api/v1/identity/settings',
    {
      config: { access: 'profiles:merge' },
      schema: {
        tags,
        body: IdentitySettingsPatchSchema,
        response: { 200: IdentitySettingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => identity.updateSettings(workspaceOf(request), request.body),
  );

  app.get(
    '/api/v1/pipeline',
    {
      config: { access: 'sources:read' },
      schema: {
        tags,
        description:
          "The pipeline's progress on this workspace's events only, one entry per stage in the order they run (`unify`: identity and traits; `consent`; `segment`: computed traits and audiences; `lead-scoring`; `sequence-stops`; `journeys`; `delivery`: the destinations' outbox; `analytics`: the insights copy): `lagEvents` counts its events not yet processed (at most 10,000 are counted), `lagSeconds` is the age of the oldest, `headSeq` is its newest event's seq and `checkpointSeq` the seq up to which all its events are processed.",
        response: { 200: PipelineStatusSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ stages: await pipeline.workspaceStatus(workspaceOf(request)) }),
  );
}
