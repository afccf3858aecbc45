import { z } from 'zod';
import { RoleSchema } from './access.js';

export const WorkspaceSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), role: RoleSchema.optional() })
  .meta({ id: 'Workspace' });
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const CreateWorkspaceSchema = z.object({ name: z.string().trim().min(1).max(200) });

/** Longest email address (RFC 5321's path limit) and password accepted anywhere. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_PASSWORD_LENGTH = 256;
export const MIN_PASSWORD_LENGTH = 8;
const EmailSchema = z
  .email({ error: 'an email address' })
  .max(MAX_EMAIL_LENGTH, { error: `at most ${MAX_EMAIL_LENGTH} characters` });
/** A new password; its strength (common passwords, patterns) is checked by the server. */
export const NewPasswordSchema = z
  .string({ error: 'a password' })
  .min(MIN_PASSWORD_LENGTH, { error: `at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(MAX_PASSWORD_LENGTH, { error: `at most ${MAX_PASSWORD_LENGTH} characters` });

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: RoleSchema,
  workspaceId: z.string().max(100).optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the token stops working (absent: never)'),
});
export const ApiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: RoleSchema,
    workspaceId: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    /** The user the token acts for: it can never do more than that user's current role allows. */
    createdBy: z.object({ id: z.string(), email: z.string() }).nullable(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof ApiTokenSchema>;
/** Only the creation answer carries the secret. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() }).meta({
  id: 'CreatedApiToken',
});

export const InviteUserSchema = z.object({
  email: EmailSchema,
  password: NewPasswordSchema.optional().describe(
    'Initial password of a new account; ignored when the account exists (its credentials are never touched)',
  ),
  role: RoleSchema,
});
export const INVITATION_STATUSES = [
  'pending',
  'active',
  'accepted',
  'declined',
  'revoked',
  'expired',
] as const;
/**
 * An invitation as its sender sees it: the same whether the account existed or not. `active`:
 * the member was added at once; `pending`: they join when they accept.
 */
export const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleSchema,
    status: z.enum(INVITATION_STATUSES),
    invitedBy: z.object({ id: z.string(), email: z.string() }).nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'Invitation' });
export type Invitation = z.infer<typeof InvitationSchema>;

export const MemberSchema = z
  .object({ id: z.string(), email: z.string(), role: RoleSchema, createdAt: z.string() })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof MemberSchema>;
export const UpdateMemberSchema = z.object({ role: RoleSchema });

/**
 * What a member holds that another member can take over when they are removed: people and
 * companies they own, their open deals and tasks, their active sequence enrollments and
 * unsolved tickets. Won or lost deals, done tasks and solved tickets keep them as history.
 */
export const MemberHoldingsSchema = z
  .object({
    people: z.number().int(),
    companies: z.number().int(),
    openDeals: z.number().int(),
    openTasks: z.number().int(),
    activeEnrollments: z.number().int(),
    unsolvedTickets: z.number().int(),
  })
  .meta({ id: 'MemberHoldings' });
export type MemberHoldings = z.infer<typeof MemberHoldingsSchema>;
/** `DELETE /api/v1/members/:id?handOverTo=`: the member who takes over what the removed one holds. */
export const RemoveMemberQuerySchema = z.object({ handOverTo: z.string().min(1).max(100).optional() });
/**
 * Someone no longer a member who still holds records here (removed without a hand-over, or
 * before hand-overs existed). `email` is null once their account itself is gone.
 */
export const FormerMemberSchema = z
  .object({ userId: z.string(), email: z.string().nullable(), holdings: MemberHoldingsSchema })
  .meta({ id: 'FormerMember' });
export type FormerMember = z.infer<typeof FormerMemberSchema>;
/** `GET /api/v1/former-members`: all of them at once (a workspace has few). */
export const FormerMembersSchema = z.object({ data: z.array(FormerMemberSchema) });
/** `POST /api/v1/former-members/:id/hand-over`: the current member who takes over what they hold. */
export const HandOverFormerMemberSchema = z.object({ handOverTo: z.string().min(1).max(100) });

/** What an invitation link shows before it is accepted (to whoever holds the link). */
export const InvitationLinkSchema = z
  .object({
    workspace: z.object({ id: z.string(), name: z.string() }),
    email: z.string(),
    role: RoleSchema,
    /** The account has no password yet: accepting sets one. */
    needsPassword: z.boolean(),
  })
  .meta({ id: 'InvitationLink' });
export const LinkTokenSchema = z.object({ token: z.string().min(1).max(200) });
export const AcceptInvitationSchema = LinkTokenSchema.extend({ password: NewPasswordSchema.optional() });
export const PasswordResetRequestSchema = z.object({ email: EmailSchema });
export const PasswordResetSchema = LinkTokenSchema.extend({ password: NewPasswordSchema });
export const ChangePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: NewPasswordSchema,
});

export const SourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** Shown only to roles that may write sources. */
    writeKey: z.string().optional(),
    /** Browser-safe, read-only key of the personalization API (`GET /v1/personalize`). */
    publishableKey: z.string().optional(),
    /**
     * `internal`: written by Tandem itself (audience events); the Tracking API refuses it.
     * `webhook`: fed by another system's webhooks through a JSONata mapping.
     */
    kind: z.enum(['tracking', 'internal', 'webhook']),
    createdAt: z.string(),
  })
  .meta({ id: 'Source' });
export type Source = z.infer<typeof SourceSchema>;
export const CreateSourceSchema = z.object({
  name: z.string().trim().min(1).max(200),
  /** Default `tracking`; a `webhook` source is then given its mapping (`PUT …/webhook`). */
  kind: z.enum(['tracking', 'webhook']).optional(),
});
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
    /** Invitations to other workspaces waiting for this user's answer. */
    invitations: z.array(
      z.object({
        id: z.string(),
        workspace: z.object({ id: z.string(), name: z.string() }),
        role: RoleSchema,
        invitedBy: z.string().nullable(),
      }),
    ),
    /** Whether Tandem can send email (invitations, password resets). */
    mailConfigured: z.boolean(),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
