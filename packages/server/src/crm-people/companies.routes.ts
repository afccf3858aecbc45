import {
  CompanyDuplicatesSchema,
  CompanyListQuerySchema,
  CompanyPersonLinkSchema,
  CompanyPersonParamsSchema,
  CompanySchema,
  CompanySummarySchema,
  CreateCompanySchema,
  CrmSettingsSchema,
  MergeCompaniesSchema,
  pageOf,
  UpdateCompanySchema,
} from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { type App, IdParamsSchema } from '../http/route-schemas.js';
import { CRM_ERROR_RESPONSES, crmCaller } from './crm-actor.js';

/** Companies: domains, owner, fields, their people; duplicates by domain, merged by hand. */
export async function companiesRoutes(app: App, options: { engine: Engine }) {
  const { companies } = options.engine;
  const tags = ['CRM'];

  app.get(
    '/api/v1/companies',
    {
      config: { access: 'crm:read' },
      schema: {
        tags,
        querystring: CompanyListQuerySchema,
        response: { 200: pageOf(CompanySummarySchema), ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => companies.list(crmCaller(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/companies',
    {
      config: { access: 'crm:write', personalData: 'company' },
      schema: { tags, body: CreateCompanySchema, response: { 201: CompanySchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { workspaceId, actorId } = crmCaller(request);
      return reply.code(201).send(await companies.create(workspaceId, request.body, actorId));
    },
  );

  app.get(
    '/api/v1/companies/duplicates',
    {
      config: { access: 'crm:read' },
      schema: { tags, response: { 200: CompanyDuplicatesSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => companies.duplicates(crmCaller(request).workspaceId),
  );

  app.get(
    '/api/v1/companies/:id',
    {
      config: { access: 'crm:read', personalData: 'company' },
      schema: { tags, params: IdParamsSchema, response: { 200: CompanySchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => companies.get(crmCaller(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/companies/:id',
    {
      config: { access: 'crm:write', personalData: 'company' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: UpdateCompanySchema,
        response: { 200: CompanySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return companies.update(workspaceId, request.params.id, request.body, actorId);
    },
  );

  app.post(
    '/api/v1/companies/:id/merge',
    {
      config: { access: 'crm:write', personalData: 'company' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: MergeCompaniesSchema,
        response: { 200: CompanySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return companies.merge(workspaceId, request.params.id, request.body.otherId, actorId);
    },
  );

  app.post(
    '/api/v1/companies/:id/people',
    {
      config: { access: 'crm:write', personalData: 'company' },
      schema: {
        tags,
        params: IdParamsSchema,
        body: CompanyPersonLinkSchema,
        response: { 200: CompanySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return companies.addPerson(workspaceId, request.params.id, request.body.profileId, actorId);
    },
  );

  app.delete(
    '/api/v1/companies/:id/people/:profileId',
    {
      config: { access: 'crm:write', personalData: 'company' },
      schema: {
        tags,
        params: CompanyPersonParamsSchema,
        response: { 200: CompanySchema, ...CRM_ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { workspaceId, actorId } = crmCaller(request);
      return companies.removePerson(workspaceId, request.params.id, request.params.profileId, actorId);
    },
  );

  app.get(
    '/api/v1/crm/settings',
    {
      config: { access: 'crm:read' },
      schema: { tags, response: { 200: CrmSettingsSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => companies.settings(crmCaller(request).workspaceId),
  );

  app.put(
    '/api/v1/crm/settings',
    {
      config: { access: 'crm:write' },
      schema: { tags, body: CrmSettingsSchema, response: { 200: CrmSettingsSchema, ...CRM_ERROR_RESPONSES } },
    },
    async (request) => companies.updateSettings(crmCaller(request).workspaceId, request.body),
  );
}
