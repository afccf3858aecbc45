import { z } from 'zod';
import { PageQuerySchema } from './paging.js';

// Service desk tickets: the requester is a profile, the conversation mixes public replies and
// internal notes, and every change is also an event on the requester's timeline.

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const TicketStatusSchema = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TicketPrioritySchema = z.enum(TICKET_PRIORITIES);
export type TicketPriority = z.infer<typeof TicketPrioritySchema>;

/** Where a ticket or a message came from. */
export const TICKET_CHANNELS = ['api', 'web', 'email'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

/** Attachments are stored with the ticket; each is capped at this many bytes. */
export const MAX_TICKET_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const SubjectSchema = z.string().trim().min(1, 'a subject is required').max(500);
const BodySchema = z.string().trim().min(1, 'a body is required').max(100_000);
const TagSchema = z.string().trim().min(1).max(100);
const TagsSchema = z.array(TagSchema).max(50, 'at most 50 tags');
const FieldsSchema = z
  .record(z.string().min(1).max(100), z.unknown())
  .describe('Custom field values, by field key (the CRM’s field types, entity `ticket`)');

export const NewAttachmentSchema = z.object({
  filename: z.string().trim().min(1).max(255),
  contentType: z.string().trim().min(1).max(255).default('application/octet-stream'),
  contentBase64: z.string().min(1).describe('The file’s bytes, base64'),
});
export type NewAttachment = z.infer<typeof NewAttachmentSchema>;

/** `POST /api/v1/tickets`: the requester by `profileId`, or by `email` (found or created as a person). */
export const CreateTicketSchema = z
  .object({
    subject: SubjectSchema,
    profileId: z.string().min(1).optional(),
    email: z.email({ error: 'an email address like ann@example.com' }).optional(),
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('The requester’s name, when created by email'),
    priority: TicketPrioritySchema.default('normal'),
    body: BodySchema.optional().describe('The requester’s first message'),
    type: z.string().trim().min(1).max(100).nullable().optional(),
    tags: TagsSchema.optional(),
    teamId: z
      .string()
      .min(1)
      .nullable()
      .optional()
      .describe('A CRM team; without an assignee, its round robin assigns one'),
    assigneeId: z.string().min(1).nullable().optional().describe('A member of the workspace (a user id)'),
    fields: FieldsSchema.optional(),
    attachments: z.array(NewAttachmentSchema).max(20).optional(),
  })
  .refine((t) => t.profileId !== undefined || t.email !== undefined, {
    message: 'name the requester by profileId or email',
    path: ['profileId'],
  });
export type CreateTicket = z.input<typeof CreateTicketSchema>;
export type NewTicket = z.output<typeof CreateTicketSchema>;

/** `PATCH /api/v1/tickets/{id}`. */
export const UpdateTicketSchema = z.object({
  subject: SubjectSchema.optional(),
  status: TicketStatusSchema.optional(),
  priority: TicketPrioritySchema.optional(),
  type: z.string().trim().min(1).max(100).nullable().optional(),
  assigneeId: z.string().min(1).nullable().optional(),
  teamId: z.string().min(1).nullable().optional(),
  tags: TagsSchema.optional().describe('The whole list'),
  fields: FieldsSchema.optional(),
});
export type UpdateTicket = z.infer<typeof UpdateTicketSchema>;

/** `POST /api/v1/tickets/{id}/replies`: a public reply (to the requester) or an internal note. */
export const CreateTicketReplySchema = z.object({
  body: BodySchema,
  public: z.boolean().default(true),
  html: z.string().max(500_000).optional(),
  attachments: z.array(NewAttachmentSchema).max(20).optional(),
  status: TicketStatusSchema.optional().describe('Set the status with the reply (e.g. `pending`, `solved`)'),
});
export type CreateTicketReply = z.input<typeof CreateTicketReplySchema>;
export type NewTicketReply = z.output<typeof CreateTicketReplySchema>;

/** `POST /api/v1/tickets/bulk`: the same change on many tickets. */
export const BulkUpdateTicketsSchema = z.object({
  ticketIds: z.array(z.string().min(1)).min(1, 'name at least one ticket').max(500, 'at most 500 tickets'),
  status: TicketStatusSchema.optional(),
  priority: TicketPrioritySchema.optional(),
  assigneeId: z.string().min(1).nullable().optional(),
  teamId: z.string().min(1).nullable().optional(),
  addTags: TagsSchema.optional(),
  removeTags: TagsSchema.optional(),
});
export type BulkUpdateTickets = z.infer<typeof BulkUpdateTicketsSchema>;

/** `POST /api/v1/tickets/{id}/merge`: the duplicates' messages move here; they are closed. */
export const MergeTicketsSchema = z.object({
  ticketIds: z.array(z.string().min(1)).min(1, 'name at least one duplicate').max(50),
});
export type MergeTickets = z.infer<typeof MergeTicketsSchema>;

/** `PUT /api/v1/tickets/{id}/deals`: the whole list of linked deals. */
export const SetTicketDealsSchema = z.object({ dealIds: z.array(z.string().min(1)).max(50) });
export type SetTicketDeals = z.infer<typeof SetTicketDealsSchema>;

export const TicketAttachmentSchema = z
  .object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int() })
  .meta({ id: 'TicketAttachment' });
export type TicketAttachment = z.infer<typeof TicketAttachmentSchema>;

export const TicketMessageSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['inbound', 'outbound']).describe('inbound: from the requester; outbound: by an agent'),
    public: z.boolean().describe('false: an internal note, never sent to the requester'),
    from: z.string().describe('The requester’s email (or profile id), or the agent’s user id'),
    authorId: z.string().nullable().describe('The agent’s user id, or the requester’s profile id'),
    channel: z.enum(TICKET_CHANNELS),
    body: z.string(),
    html: z.string().nullable(),
    attachments: z.array(TicketAttachmentSchema),
    delivery: z
      .object({ status: z.enum(['queued', 'sent', 'failed']), error: z.string().optional() })
      .nullable()
      .describe('Email delivery of a public agent reply, when mail is wired'),
    at: z.string(),
  })
  .meta({ id: 'TicketMessage' });
export type TicketMessage = z.infer<typeof TicketMessageSchema>;

export const TicketSchema = z
  .object({
    id: z.string(),
    number: z.number().int().describe('Sequential per workspace'),
    subject: z.string(),
    status: TicketStatusSchema,
    priority: TicketPrioritySchema,
    type: z.string().nullable(),
    profileId: z.string().describe('The requester'),
    requesterEmail: z.string().nullable(),
    companyId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    teamId: z.string().nullable(),
    tags: z.array(z.string()),
    fields: z.record(z.string(), z.unknown()),
    channel: z.enum(TICKET_CHANNELS),
    mergedInto: z.string().nullable(),
    firstResponseAt: z.string().nullable(),
    solvedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Ticket' });
export type Ticket = z.infer<typeof TicketSchema>;

export const TicketSlaSchema = z
  .object({
    policyId: z.string().nullable(),
    firstResponseDueAt: z.string().nullable(),
    nextResponseDueAt: z.string().nullable(),
    resolutionDueAt: z.string().nullable(),
    breached: z.array(z.enum(['first_response', 'next_response', 'resolution'])),
    pausedMs: z.number(),
    atRisk: z.boolean(),
    explanation: z.array(z.string()),
  })
  .meta({ id: 'TicketSla' });
export type TicketSla = z.infer<typeof TicketSlaSchema>;

export const TicketDetailSchema = TicketSchema.extend({
  messages: z.array(TicketMessageSchema).describe('Oldest first'),
  dealIds: z.array(z.string()),
  sla: TicketSlaSchema.nullable().describe('null when no SLA applies or none is configured'),
}).meta({ id: 'TicketDetail' });
export type TicketDetail = z.infer<typeof TicketDetailSchema>;

export const TICKET_VIEWS = ['all', 'mine', 'unassigned', 'sla_at_risk'] as const;

/** `GET /api/v1/tickets`: most recently updated first. */
export const TicketListQuerySchema = PageQuerySchema.extend({
  status: z
    .string()
    .regex(
      new RegExp(`^(${TICKET_STATUSES.join('|')})(,(${TICKET_STATUSES.join('|')}))*$`),
      `statuses separated by commas: ${TICKET_STATUSES.join(', ')}`,
    )
    .optional()
    .describe('One status or several separated by commas'),
  view: z.enum(TICKET_VIEWS).optional().describe('mine: assigned to the caller; sla_at_risk: by due time'),
  assigneeId: z.string().min(1).optional(),
  teamId: z.string().min(1).optional(),
  profileId: z.string().min(1).optional(),
  priority: TicketPrioritySchema.optional(),
  tag: TagSchema.optional(),
});
export type TicketListQuery = z.infer<typeof TicketListQuerySchema>;

/** An inbox row: the ticket and its SLA timer when one runs. */
export const TicketListItemSchema = TicketSchema.extend({ sla: TicketSlaSchema.nullable() }).meta({
  id: 'TicketListItem',
});
export type TicketListItem = z.infer<typeof TicketListItemSchema>;

export const BulkTicketsResultSchema = z.object({
  updated: z.number().int(),
  ticketIds: z.array(z.string()),
});

/** Canned replies: Liquid-style placeholders from the profile and the ticket. */
export const CreateCannedReplySchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(200),
  body: z
    .string()
    .trim()
    .min(1, 'a body is required')
    .max(20_000)
    .describe(
      'Placeholders: {{ person.first_name }}, {{ traits.plan }}, {{ ticket.number }}, {{ agent.name }}',
    ),
});
export type CreateCannedReply = z.infer<typeof CreateCannedReplySchema>;
export const UpdateCannedReplySchema = CreateCannedReplySchema.partial();
export type UpdateCannedReply = z.infer<typeof UpdateCannedReplySchema>;

export const CannedReplySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    body: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CannedReply' });
export type CannedReply = z.infer<typeof CannedReplySchema>;

export const RenderedCannedReplySchema = z.object({ body: z.string() });

/** `GET /api/v1/ticket-reports?from=&to=`: dates (YYYY-MM-DD, UTC) of tickets opened. */
export const TicketReportQuerySchema = z.object({
  from: z.iso.date({ error: 'a date like 2026-03-01' }).optional(),
  to: z.iso.date({ error: 'a date like 2026-03-31' }).optional(),
});
export type TicketReportQuery = z.infer<typeof TicketReportQuerySchema>;

const TimesSchema = z.object({
  tickets: z.number().int(),
  solved: z.number().int(),
  medianFirstResponseMinutes: z.number().nullable(),
  medianResolutionMinutes: z.number().nullable(),
});
export const TicketReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    volume: z.array(z.object({ day: z.string(), opened: z.number().int(), solved: z.number().int() })),
    totals: TimesSchema,
    byAgent: z.array(TimesSchema.extend({ assigneeId: z.string().nullable() })),
    byTeam: z.array(TimesSchema.extend({ teamId: z.string().nullable() })),
  })
  .meta({ id: 'TicketReport' });
export type TicketReport = z.infer<typeof TicketReportSchema>;
