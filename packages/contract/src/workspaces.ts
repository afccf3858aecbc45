import { z } from 'zod';
import { RoleSchema } from './access.js';

export const WorkspaceSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), role: RoleSchema.optional() })
  .meta({ id: 'Workspace' });
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const CreateWorkspaceSchema = z.object({ name: z.string().trim().min(1).max(200) });

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: RoleSchema,
  workspaceId: z.string().optional(),
});
export const ApiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: RoleSchema,
    workspaceId: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof ApiTokenSchema>;
/** Only the creation answer carries the secret. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() }).meta({
  id: 'CreatedApiToken',
});

export const InviteUserSchema = z.object({
  email: z.email(),
  password: z.string().min(8).max(200).optional(),
  role: RoleSchema,
});
export const MemberSchema = z
  .object({ id: z.string(), email: z.string(), role: RoleSchema, createdAt: z.string() })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof MemberSchema>;

export const SourceSchema = z
  .object({ id: z.string(), name: z.string(), writeKey: z.string(), createdAt: z.string() })
  .meta({ id: 'Source' });
export type Source = z.infer<typeof SourceSchema>;
export const CreateSourceSchema = z.object({ name: z.string().trim().min(1).max(200) });
export const UpdateSourceSchema = z.object({ name: z.string().trim().min(1).max(200) });

/** Lengths are capped so a login body costs bounded memory (RFC 5321's 254 for an address). */
export const LoginSchema = z.object({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
});
export const SessionInfoSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string() }),
    workspace: WorkspaceSchema,
    role: RoleSchema,
    csrfToken: z.string(),
    workspaces: z.array(WorkspaceSchema),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
