import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NewWebForm, TicketDetail, WebForm, WebFormSubmission } from '@tandem/contract';
import type { Selectable } from 'kysely';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import { type Database, nowIso, type Store } from '../../store/index.js';

/** A form filled faster than this is taken for a bot. */
export const MIN_FILL_MS = 3_000;
/** A stamp older than this is refused (the page was open too long: reload it). */
export const MAX_STAMP_AGE_MS = 24 * 3_600_000;

export interface WebFormsDeps {
  readonly store: Store;
  /** Opens the ticket (TicketsService.create, channel `web`). */
  readonly openTicket: (
    workspaceId: string,
    input: { subject: string; email: string; name?: string; body: string; teamId: string | null },
  ) => Promise<TicketDetail>;
  readonly teamExists: (workspaceId: string, teamId: string) => Promise<boolean>;
  readonly clock?: (() => number) | undefined;
}

type FormRow = Selectable<Database['web_forms']>;

/**
 * Website forms that open tickets. Each has a public key (what the snippet and the posts name)
 * and a secret that signs the time the form was rendered: a submission must carry a stamp at
 * least `MIN_FILL_MS` old, and an empty honeypot field.
 */
export class WebFormsService {
  private readonly clock: () => number;

  constructor(private readonly deps: WebFormsDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async list(workspaceId: string): Promise<WebForm[]> {
    const rows = await this.deps.store.db
      .selectFrom('web_forms')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .execute();
    return rows.map(formOf);
  }

  async create(workspaceId: string, input: NewWebForm): Promise<WebForm> {
    const teamId = input.teamId ?? null;
    if (teamId !== null && !(await this.deps.teamExists(workspaceId, teamId)))
      throw new AppError('unprocessable', `Invalid teamId: no team ${teamId}`, {
        details: [{ path: 'teamId', message: `no team ${teamId}` }],
      });
    const row: FormRow = {
      workspace_id: workspaceId,
      form_id: newId('webForm'),
      form_key: `wf_${randomBytes(12).toString('base64url')}`,
      name: input.name,
      team_id: teamId,
      secret: randomBytes(32).toString('base64url'),
      created_at: nowIso(this.clock),
    };
    await this.deps.store.db.insertInto('web_forms').values(row).execute();
    return formOf(row);
  }

  async remove(workspaceId: string, formId: string): Promise<void> {
    const result = await this.deps.store.db
      .deleteFrom('web_forms')
      .where('workspace_id', '=', workspaceId)
      .where('form_id', '=', formId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', `No web form ${formId}`);
  }

  /** A fresh stamp for a form being rendered now: `<ms>.<signature>`. */
  async stamp(formKey: string): Promise<string> {
    const form = await this.byKey(formKey);
    const at = String(this.clock());
    return `${at}.${sign(form.secret, at)}`;
  }

  /** A website's submission: spam checks, then a ticket for the email (person found or created). */
  async submit(formKey: string, input: WebFormSubmission): Promise<{ ticketId: string; number: number }> {
    const form = await this.byKey(formKey);
    if (input.website !== undefined && input.website.trim() !== '')
      throw spam('website', 'this field must stay empty (it is a trap for bots)');
    const [at, signature] = input.stamp.split('.');
    const expected = at ? sign(form.secret, at) : '';
    if (!at || !signature || !/^\d+$/.test(at) || !sameText(signature, expected))
      throw spam('stamp', 'the form stamp is not valid: reload the form');
    const age = this.clock() - Number(at);
    if (age < MIN_FILL_MS) throw spam('stamp', 'the form was sent too fast: wait a moment and send it again');
    if (age > MAX_STAMP_AGE_MS) throw spam('stamp', 'the form is too old: reload the page and send it again');
    const ticket = await this.deps.openTicket(form.workspace_id, {
      subject: input.subject,
      email: input.email,
      ...(input.name ? { name: input.name } : {}),
      body: input.message,
      teamId:
        form.team_id !== null && (await this.deps.teamExists(form.workspace_id, form.team_id))
          ? form.team_id
          : null,
    });
    return { ticketId: ticket.id, number: ticket.number };
  }

  private async byKey(formKey: string): Promise<FormRow> {
    const row = await this.deps.store.db
      .selectFrom('web_forms')
      .selectAll()
      .where('form_key', '=', formKey)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `No web form ${formKey}`);
    return row;
  }
}

function formOf(row: FormRow): WebForm {
  return {
    id: row.form_id,
    formKey: row.form_key,
    name: row.name,
    teamId: row.team_id,
    createdAt: row.created_at,
  };
}

function sign(secret: string, at: string): string {
  return createHmac('sha256', secret).update(at).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function spam(path: string, message: string): AppError {
  return new AppError('unprocessable', `Refused as spam: ${message}`, { details: [{ path, message }] });
}
