import { PersonalDataAccessSchema, PiiSettingsSchema, UpdatePiiSettingsSchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES } from '../http/route-schemas.js';

/** PII controls: the fields marked personal, role allowlists, destinations given personal data. */
export async function piiRoutes(app: App, options: { engine: Engine }) {
  const { pii } = options.engine;
  const tags = ['Privacy'];

  app.get(
    '/api/v1/pii/settings',
    {
      config: { access: 'profiles:read' },
      schema: {
        tags,
        summary: 'The fields marked personal, per-role allowlists and unmasked destinations',
        response: { 200: PiiSettingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => pii.settings(requirePrincipal(request.principal).workspaceId),
  );

  app.put(
    '/api/v1/pii/settings',
    {
      config: { access: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Replace the PII settings',
        description:
          'Roles without pii:read (marketer, viewer) see personal fields masked, except those their allowlist names. Warehouses receive personal fields masked unless listed in unmaskedDestinations.',
        body: UpdatePiiSettingsSchema,
        response: { 200: PiiSettingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => pii.update(requirePrincipal(request.principal).workspaceId, request.body),
  );

  app.get(
    '/api/v1/pii/access',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'The personal fields the caller sees masked',
        response: { 200: PersonalDataAccessSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, role } = requirePrincipal(request.principal);
      const [settings, mask] = await Promise.all([
        pii.settings(workspaceId),
        pii.maskForRole(workspaceId, role),
      ]);
      return { role, maskedFields: settings.personalFields.filter((field) => mask?.hides(field) ?? false) };
    },
  );
}
