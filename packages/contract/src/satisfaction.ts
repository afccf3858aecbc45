import { z } from 'zod';

// Service desk satisfaction (CSAT surveys sent on solve), SLA attainment, and website forms.

export const CsatScoreSchema = z
  .number({ error: 'score must be a number from 1 to 5' })
  .int('score must be a whole number from 1 to 5')
  .min(1, 'score must be from 1 to 5')
  .max(5, 'score must be from 1 to 5');

/** `POST /api/v1/csat/{token}`: the requester's answer (public: the token is the key). */
export const CsatAnswerSchema = z.object({
  score: CsatScoreSchema,
  comment: z.string().trim().max(2000, 'comment: at most 2000 characters').optional(),
});
export type CsatAnswer = z.infer<typeof CsatAnswerSchema>;

/** What the public survey page shows. */
export const CsatSurveyPageSchema = z
  .object({
    ticketNumber: z.number().int(),
    subject: z.string(),
    score: z.number().int().nullable(),
    comment: z.string().nullable(),
    answeredAt: z.string().nullable(),
    /** False once the window for changing an answer has passed. */
    answerable: z.boolean(),
  })
  .meta({ id: 'CsatSurveyPage' });
export type CsatSurveyPage = z.infer<typeof CsatSurveyPageSchema>;

/** A ticket's satisfaction: whether its survey is skipped, and the latest survey's answer. */
export const TicketCsatSchema = z
  .object({
    ticketId: z.string(),
    skip: z.boolean(),
    survey: z
      .object({
        id: z.string(),
        sentAt: z.string(),
        delivery: z.enum(['queued', 'sent', 'failed']),
        deliveryError: z.string().nullable(),
        score: z.number().int().nullable(),
        comment: z.string().nullable(),
        answeredAt: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'TicketCsat' });
export type TicketCsat = z.infer<typeof TicketCsatSchema>;

/** `PATCH /api/v1/tickets/{id}/csat`. */
export const UpdateTicketCsatSchema = z.object({ skip: z.boolean({ error: 'skip must be true or false' }) });

export const SupportReportQuerySchema = z.object({
  from: z.iso.date({ error: 'a date like 2026-03-01' }).optional(),
  to: z.iso.date({ error: 'a date like 2026-03-31' }).optional(),
});
export type SupportReportQuery = z.infer<typeof SupportReportQuerySchema>;

const CsatGroupSchema = z.object({
  responses: z.number().int(),
  average: z.number().nullable(),
  /** Share of answers scoring 4 or 5, 0–100. */
  satisfiedPercent: z.number().nullable(),
});
export const CsatReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    sent: z.number().int(),
    totals: CsatGroupSchema,
    byAgent: z.array(CsatGroupSchema.extend({ assigneeId: z.string().nullable() })),
    byTeam: z.array(CsatGroupSchema.extend({ teamId: z.string().nullable() })),
    /** Answers by the UTC day they came in, every day of the period (average null on days without). */
    byDay: z.array(
      z.object({ day: z.string(), responses: z.number().int(), average: z.number().nullable() }),
    ),
    /** Answers per score, 1 to 5. */
    distribution: z.array(z.object({ score: z.number().int(), responses: z.number().int() })),
  })
  .meta({ id: 'CsatReport' });
export type CsatReport = z.infer<typeof CsatReportSchema>;

const AttainmentSchema = z.object({
  tickets: z.number().int(),
  /** Tickets whose first-response target was met / breached (those with a target that came due or was met). */
  firstResponseMet: z.number().int(),
  firstResponseBreached: z.number().int(),
  firstResponsePercent: z.number().nullable(),
  resolutionMet: z.number().int(),
  resolutionBreached: z.number().int(),
  resolutionPercent: z.number().nullable(),
});
export const SlaAttainmentReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    totals: AttainmentSchema,
    byAgent: z.array(AttainmentSchema.extend({ assigneeId: z.string().nullable() })),
    byTeam: z.array(AttainmentSchema.extend({ teamId: z.string().nullable() })),
  })
  .meta({ id: 'SlaAttainmentReport' });
export type SlaAttainmentReport = z.infer<typeof SlaAttainmentReportSchema>;

export const WebFormSchema = z
  .object({
    id: z.string(),
    formKey: z.string(),
    name: z.string(),
    teamId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebForm' });
export type WebForm = z.infer<typeof WebFormSchema>;

export const NewWebFormSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(200),
  teamId: z.string().min(1).nullable().optional(),
});
export type NewWebForm = z.infer<typeof NewWebFormSchema>;

/** `POST /v1/forms/{formKey}/tickets`: what a website's form sends. */
export const WebFormSubmissionSchema = z.object({
  email: z.email({ error: 'email must be an email address' }),
  name: z.string().trim().max(200).optional(),
  subject: z.string().trim().min(1, 'a subject is required').max(500),
  message: z.string().trim().min(1, 'a message is required').max(20_000),
  /** The stamp the form was rendered with (`GET /v1/forms/{formKey}/stamp`). */
  stamp: z.string().min(1, 'stamp is required: render the form with its stamp'),
  /** The honeypot: hidden from people, filled by bots. Must be empty. */
  website: z.string().optional(),
});
export type WebFormSubmission = z.infer<typeof WebFormSubmissionSchema>;
