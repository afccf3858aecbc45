import { z } from 'zod';

/** An address whose mail opens service desk tickets (for a team, when set). */
export const MailboxSchema = z
  .object({
    id: z.string(),
    address: z.string().describe('Lower-cased; mail to it (or to its plus addresses) reaches the desk'),
    name: z.string().describe('Shown as the sender name of replies when the agent has none'),
    teamId: z.string().nullable().describe('The team its new tickets go to'),
    createdAt: z.string(),
  })
  .meta({ id: 'Mailbox' });
export type Mailbox = z.infer<typeof MailboxSchema>;

export const NewMailboxSchema = z
  .object({
    address: z
      .string()
      .trim()
      .max(254)
      .email('address must be an email address')
      .refine((address) => !address.split('@')[0]?.includes('+'), {
        message: 'address must not contain "+" (plus addresses are reserved for ticket replies)',
      }),
    teamId: z.string().min(1).max(100).optional(),
    name: z.string().trim().min(1, 'name must not be empty').max(100).optional(),
  })
  .meta({ id: 'NewMailbox' });
export type NewMailbox = z.infer<typeof NewMailboxSchema>;

export const UpdateMailboxSchema = z
  .object({
    teamId: z.string().min(1).max(100).nullable().optional(),
    name: z.string().trim().min(1, 'name must not be empty').max(100).optional(),
  })
  .meta({ id: 'UpdateMailbox' });
export type UpdateMailbox = z.infer<typeof UpdateMailboxSchema>;

/** The SMTP listener and relay as the settings page shows them. */
export const MailChannelStatusSchema = z
  .object({
    listening: z.boolean().describe('Whether this server receives mail (TANDEM_SMTP_LISTEN set)'),
    listenAddress: z.string().nullable().describe('host:port of the SMTP listener'),
    relayConfigured: z.boolean().describe('Whether replies can be sent (TANDEM_SMTP_URL set)'),
  })
  .meta({ id: 'MailChannelStatus' });
export type MailChannelStatus = z.infer<typeof MailChannelStatusSchema>;

export const MailboxListSchema = z
  .object({ data: z.array(MailboxSchema), channel: MailChannelStatusSchema })
  .meta({ id: 'MailboxList' });
export type MailboxList = z.infer<typeof MailboxListSchema>;

/** One email that reached a mailbox, and what became of it (no sender or subject: no personal data). */
export const InboundEmailSchema = z
  .object({
    receivedAt: z.string(),
    mailboxId: z.string().nullable(),
    messageId: z.string().describe('The RFC Message-ID'),
    outcome: z.enum(['ticket', 'set_aside']),
    reason: z.string().nullable().describe('Why it was set aside: auto_reply, bounce, own_mail'),
    ticketId: z.string().nullable(),
  })
  .meta({ id: 'InboundEmail' });
export type InboundEmail = z.infer<typeof InboundEmailSchema>;

export const InboundEmailQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
