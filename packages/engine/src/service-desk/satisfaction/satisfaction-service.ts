import { randomBytes } from 'node:crypto';
import type {
  CsatAnswer,
  CsatReport,
  CsatSurveyPage,
  SupportReportQuery,
  TicketCsat,
  TicketDetail,
} from '@tandem/contract';
import type { CrmEvents } from '../../crm/index.js';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import type { ThreadedMailSender } from '../../mail/index.js';
import { nowIso, type Store, writeTransaction } from '../../store/index.js';
import { csatOverTime, periodOf } from './report-period.js';
import { surveyEmail } from './survey-email.js';

/** An answer can be changed for this long after it was first given. */
export const CSAT_ANSWER_WINDOW_MS = 7 * 86_400_000;

export interface SatisfactionDeps {
  readonly store: Store;
  readonly crmEvents: CrmEvents;
  /** The relay surveys go out through (`TANDEM_SMTP_URL`); without it a survey is recorded as failed. */
  readonly sender: ThreadedMailSender | null;
  /** The address surveys come from (the workspace's first mailbox, say). */
  readonly fromAddressOf: (workspaceId: string) => Promise<string | null>;
  /** Where people reach Tandem: the survey link is `<publicUrl>/csat/<token>`. */
  readonly publicUrl: string;
  readonly wake: () => void;
  readonly clock?: (() => number) | undefined;
  readonly log?: ((message: string, detail: Record<string, unknown>) => void) | undefined;
}

/**
 * Customer satisfaction: a survey mailed to the requester when a ticket is solved (unless the
 * ticket skips it), answered on a public page by its token; the answer is a `CSAT Submitted`
 * event on the person's timeline, and feeds the CSAT report by agent and team.
 */
export class SatisfactionService {
  private readonly clock: () => number;
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly deps: SatisfactionDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /**
   * The tickets' solved hook: one survey per solve, stored at once (delivery `queued`) and mailed
   * in the background, so a slow relay never holds up the agent's change.
   */
  async onSolved({ workspaceId, ticket }: { workspaceId: string; ticket: TicketDetail }): Promise<void> {
    const db = this.deps.store.db;
    if (!ticket.requesterEmail || !ticket.solvedAt) return;
    if (await this.skipped(workspaceId, ticket.id)) return;
    const token = randomBytes(24).toString('base64url');
    const surveyId = newId('csatSurvey');
    // The unique (ticket, solved_at) index makes a repeated or concurrent call for the same solve a no-op.
    const inserted = await db
      .insertInto('csat_surveys')
      .values({
        workspace_id: workspaceId,
        survey_id: surveyId,
        token,
        ticket_id: ticket.id,
        ticket_number: ticket.number,
        subject: ticket.subject,
        profile_id: ticket.profileId,
        email: ticket.requesterEmail,
        assignee_id: ticket.assigneeId,
        team_id: ticket.teamId,
        solved_at: ticket.solvedAt,
        delivery: 'queued',
        delivery_error: null,
        score: null,
        comment: null,
        answered_at: null,
        created_at: nowIso(this.clock),
      })
      .onConflict((oc) => oc.doNothing())
      .returning('survey_id')
      .executeTakeFirst();
    if (!inserted) return;
    const sending = this.send(workspaceId, surveyId, token, {
      to: ticket.requesterEmail,
      number: ticket.number,
      subject: ticket.subject,
    }).finally(() => this.sending.delete(sending));
    this.sending.add(sending);
  }

  /** Resolves once no survey is being sent (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.sending.size > 0) await Promise.allSettled([...this.sending]);
  }

  private async send(
    workspaceId: string,
    surveyId: string,
    token: string,
    ticket: { to: string; number: number; subject: string },
  ): Promise<void> {
    let delivery: 'sent' | 'failed' = 'sent';
    let error: string | null = null;
    try {
      if (!this.deps.sender) throw new Error('no mail relay configured (TANDEM_SMTP_URL)');
      const from = (await this.deps.fromAddressOf(workspaceId)) ?? 'support@tandem.invalid';
      await this.deps.sender.sendThreaded(
        surveyEmail({
          from,
          to: ticket.to,
          number: ticket.number,
          subject: ticket.subject,
          link: `${this.deps.publicUrl.replace(/\/+$/, '')}/csat/${token}`,
          messageId: `<${surveyId}@${from.split('@')[1] ?? 'tandem.invalid'}>`,
        }),
      );
    } catch (cause) {
      delivery = 'failed';
      error = cause instanceof Error ? cause.message : String(cause);
      this.deps.log?.('could not send a CSAT survey', { surveyId, error });
    }
    await this.deps.store.db
      .updateTable('csat_surveys')
      .set({ delivery, delivery_error: error })
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', surveyId)
      .execute()
      .catch((cause: unknown) =>
        this.deps.log?.('could not record a CSAT survey delivery', { surveyId, error: String(cause) }),
      );
  }

  /** Whether the ticket's requester gets no survey when it is solved. */
  async setSkip(workspaceId: string, ticketId: string, skip: boolean): Promise<TicketCsat> {
    const db = this.deps.store.db;
    if (skip)
      await db
        .insertInto('csat_skipped_tickets')
        .values({ workspace_id: workspaceId, ticket_id: ticketId, created_at: nowIso(this.clock) })
        .onConflict((oc) => oc.doNothing())
        .execute();
    else
      await db
        .deleteFrom('csat_skipped_tickets')
        .where('workspace_id', '=', workspaceId)
        .where('ticket_id', '=', ticketId)
        .execute();
    return this.ofTicket(workspaceId, ticketId);
  }

  /** The ticket page's view: skip flag and the latest survey. */
  async ofTicket(workspaceId: string, ticketId: string): Promise<TicketCsat> {
    const row = await this.deps.store.db
      .selectFrom('csat_surveys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return {
      ticketId,
      skip: await this.skipped(workspaceId, ticketId),
      survey: row
        ? {
            id: row.survey_id,
            sentAt: row.created_at,
            delivery: row.delivery as 'queued' | 'sent' | 'failed', // written only from these
            deliveryError: row.delivery_error,
            score: row.score === null ? null : Number(row.score),
            comment: row.comment,
            answeredAt: row.answered_at,
          }
        : null,
    };
  }

  /** The public page's view of a survey. */
  async page(token: string): Promise<CsatSurveyPage> {
    const row = await this.byToken(token);
    return {
      ticketNumber: Number(row.ticket_number),
      subject: row.subject,
      score: row.score === null ? null : Number(row.score),
      comment: row.comment,
      answeredAt: row.answered_at,
      answerable: this.answerable(row.answered_at),
    };
  }

  /**
   * Records the requester's answer; a second answer within the window replaces the first. Each
   * answer is a `CSAT Submitted` event on the person's timeline, in the same transaction.
   */
  async answer(token: string, input: CsatAnswer): Promise<CsatSurveyPage> {
    const at = nowIso(this.clock);
    const comment = input.comment?.trim() ? input.comment.trim() : null;
    await writeTransaction(this.deps.store, async (trx) => {
      const row = await trx
        .selectFrom('csat_surveys')
        .selectAll()
        .where('token', '=', token)
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', 'No such survey: the link may be mistyped');
      if (!this.answerable(row.answered_at))
        throw new AppError(
          'conflict',
          'This survey was answered more than 7 days ago and can no longer change',
        );
      await trx
        .updateTable('csat_surveys')
        .set({ score: input.score, comment, answered_at: row.answered_at ?? at })
        .where('workspace_id', '=', row.workspace_id)
        .where('survey_id', '=', row.survey_id)
        .execute();
      await this.deps.crmEvents.appendWithin(trx, [
        {
          workspaceId: row.workspace_id,
          profileId: row.profile_id,
          event: 'CSAT Submitted',
          properties: {
            ticketId: row.ticket_id,
            ticketNumber: Number(row.ticket_number),
            score: input.score,
            comment,
            ...(row.assignee_id === null ? {} : { assigneeId: row.assignee_id }),
            ...(row.team_id === null ? {} : { teamId: row.team_id }),
          },
          actorId: null,
          at,
          messageId: `csat-${row.survey_id}-${at}`,
        },
      ]);
    });
    this.deps.wake();
    return this.page(token);
  }

  /** Answers given in the period (by the day they were first given): by agent and team. */
  async report(workspaceId: string, query: SupportReportQuery): Promise<CsatReport> {
    const { from, to, start, end } = periodOf(query, this.clock());
    const db = this.deps.store.db;
    const sent = await db
      .selectFrom('csat_surveys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .executeTakeFirst();
    const rows = await db
      .selectFrom('csat_surveys')
      .select(['assignee_id', 'team_id', 'score', 'answered_at'])
      .where('workspace_id', '=', workspaceId)
      .where('answered_at', '>=', start)
      .where('answered_at', '<', end)
      .execute();
    const scores = rows.map((r) => ({ ...r, score: Number(r.score) }));
    const grouped = <K extends string | null>(key: (r: (typeof scores)[number]) => K) => {
      const groups = new Map<K, number[]>();
      for (const r of scores) groups.set(key(r), [...(groups.get(key(r)) ?? []), r.score]);
      return [...groups];
    };
    return {
      from,
      to,
      sent: Number(sent?.n ?? 0),
      totals: summaryOf(scores.map((r) => r.score)),
      byAgent: grouped((r) => r.assignee_id).map(([assigneeId, list]) => ({
        assigneeId,
        ...summaryOf(list),
      })),
      byTeam: grouped((r) => r.team_id).map(([teamId, list]) => ({ teamId, ...summaryOf(list) })),
      ...csatOverTime(scores, { from, to }),
    };
  }

  private answerable(answeredAt: string | null): boolean {
    return answeredAt === null || this.clock() - Date.parse(answeredAt) <= CSAT_ANSWER_WINDOW_MS;
  }

  private async byToken(token: string) {
    const row = await this.deps.store.db
      .selectFrom('csat_surveys')
      .selectAll()
      .where('token', '=', token)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'No such survey: the link may be mistyped');
    return row;
  }

  private async skipped(workspaceId: string, ticketId: string): Promise<boolean> {
    const row = await this.deps.store.db
      .selectFrom('csat_skipped_tickets')
      .select('ticket_id')
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .executeTakeFirst();
    return row !== undefined;
  }
}

function summaryOf(scores: readonly number[]) {
  if (scores.length === 0) return { responses: 0, average: null, satisfiedPercent: null };
  const sum = scores.reduce((a, b) => a + b, 0);
  const satisfied = scores.filter((s) => s >= 4).length;
  return {
    responses: scores.length,
    average: Math.round((sum / scores.length) * 100) / 100,
    satisfiedPercent: Math.round((satisfied / scores.length) * 1000) / 10,
  };
}
