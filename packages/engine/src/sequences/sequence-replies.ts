import { createHash } from 'node:crypto';
import { EMAIL_EVENTS } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { CrmEvent } from '../crm/index.js';
import { idsOfPerson } from '../identity/index.js';
import { parseMail } from '../mail/index.js';
import type { InboundRoute } from '../service-desk/email/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { stopEnrollmentsOf } from './enrollment-stops.js';
import { settingsOf } from './sequence-definitions.js';

/** A reply as the person's CRM timeline records it (an activity of kind `email`). */
export interface SequenceReply {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly sequenceName: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly at: string;
}

export interface SequenceRepliesDeps {
  readonly store: Store;
  readonly clock: () => number;
  /** `reply+<token>@<replyDomain>` is where sequence email asks for replies. */
  readonly replyDomain: string;
  /** Appends `Email Replied` to the person's timeline in the reply's transaction. */
  readonly appendEvents: (db: Kysely<Database>, events: readonly CrmEvent[]) => Promise<void>;
  /** The people of the person's company (company-wide stops). */
  readonly colleaguesOf: (db: Kysely<Database>, workspaceId: string, profileId: string) => Promise<string[]>;
  /** Logs the reply as an email activity on the person (after the stop has committed). */
  readonly logReply: (reply: SequenceReply) => Promise<void>;
  readonly wake: () => void;
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** Bodies kept on the timeline event and the activity. */
const MAX_REPLY_CHARS = 5000;

/**
 * Replies to sales sequences at the SMTP listener: mail to `reply+<token>@<replyDomain>` stops the
 * enrollment the token names; mail to any `reply…@<replyDomain>` without a known token is matched
 * by its sender to active enrollments. Auto-replies and bounces (null sender) stop nothing.
 */
export class SequenceReplies implements InboundRoute {
  private readonly domain: string;

  constructor(private readonly deps: SequenceRepliesDeps) {
    this.domain = deps.replyDomain.toLowerCase();
  }

  claims(address: string): boolean {
    const { local, domain } = splitAddress(address);
    return domain === this.domain && (local === 'reply' || local.startsWith('reply+'));
  }

  async receive(
    raw: Buffer | string,
    envelope: { from: string },
    recipients: readonly string[],
  ): Promise<void> {
    if (envelope.from === '') return;
    const mail = await parseMail(raw);
    const autoSubmitted = String(mail.headers.get('auto-submitted') ?? 'no').toLowerCase();
    if (autoSubmitted !== 'no') return;
    const sender = (mail.from?.value[0]?.address ?? envelope.from).toLowerCase();
    const tokens = recipients
      .map((address) => splitAddress(address).local)
      .filter((local) => local.startsWith('reply+'))
      .map((local) => local.slice('reply+'.length));
    let matched = await this.byTokens(tokens);
    if (matched.length === 0) matched = await this.bySender(sender);
    const reply = {
      from: sender,
      subject: mail.subject ?? '',
      text: (mail.text ?? '').slice(0, MAX_REPLY_CHARS),
      messageId: mail.messageId ?? `${sender}-${mail.date?.toISOString() ?? ''}-${mail.subject ?? ''}`,
    };
    for (const enrollment of matched) await this.record(enrollment, reply);
  }

  private async byTokens(tokens: readonly string[]) {
    if (tokens.length === 0) return [];
    return this.deps.store.db
      .selectFrom('sequence_enrollments')
      .select(['workspace_id', 'enrollment_id', 'sequence_id', 'profile_id'])
      .where('reply_token', 'in', [...tokens])
      .execute();
  }

  /** Active enrollments written to this address (in whichever workspace sent them). */
  private async bySender(sender: string) {
    if (sender === '') return [];
    return this.deps.store.db
      .selectFrom('sequence_enrollments')
      .select(['workspace_id', 'enrollment_id', 'sequence_id', 'profile_id'])
      .where('email', '=', sender)
      .where('status', '=', 'active')
      .execute();
  }

  /** Stops the enrollment (and what the settings say), appends `Email Replied`, logs the activity. */
  private async record(
    enrollment: { workspace_id: string; enrollment_id: string; sequence_id: string; profile_id: string },
    reply: { from: string; subject: string; text: string; messageId: string },
  ): Promise<void> {
    const { workspace_id: workspaceId, profile_id: profileId } = enrollment;
    const at = new Date(this.deps.clock()).toISOString();
    const sequence = await writeTransaction(this.deps.store, async (trx) => {
      const sequence = await trx
        .selectFrom('sequences')
        .select(['name', 'settings'])
        .where('workspace_id', '=', workspaceId)
        .where('sequence_id', '=', enrollment.sequence_id)
        .executeTakeFirstOrThrow();
      // The enrollment answered stops whatever its settings say: the rep must see the reply first.
      await trx
        .updateTable('sequence_enrollments')
        .set({ status: 'stopped', stop_reason: 'replied', next_at: null, ended_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('enrollment_id', '=', enrollment.enrollment_id)
        .where('status', '=', 'active')
        .execute();
      await trx
        .updateTable('sequence_enrollments')
        .set({ replied_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('enrollment_id', '=', enrollment.enrollment_id)
        .where('replied_at', 'is', null)
        .execute();
      const personIds = await idsOfPerson(trx, workspaceId, profileId);
      await stopEnrollmentsOf(trx, { workspaceId, profileIds: personIds, reason: 'replied', now: at });
      const colleagues = (await this.deps.colleaguesOf(trx, workspaceId, profileId)).filter(
        (id) => !personIds.includes(id),
      );
      await stopEnrollmentsOf(trx, {
        workspaceId,
        profileIds: colleagues,
        reason: 'company_replied',
        now: at,
      });
      await this.deps.appendEvents(trx, [
        {
          workspaceId,
          profileId,
          event: EMAIL_EVENTS.replied,
          properties: {
            sequenceId: enrollment.sequence_id,
            enrollmentId: enrollment.enrollment_id,
            from: reply.from,
            subject: reply.subject,
            text: reply.text,
            companyWide: settingsOf(sequence.settings).stopOnCompanyReply,
          },
          actorId: null,
          at,
          messageId: `sequence-reply-${enrollment.enrollment_id}-${digest(reply.messageId)}`,
        },
      ]);
      return sequence;
    });
    this.deps.wake();
    await this.deps
      .logReply({
        workspaceId,
        profileId,
        sequenceName: sequence.name,
        from: reply.from,
        subject: reply.subject,
        text: reply.text,
        at,
      })
      .catch((error: unknown) => this.deps.onError?.(error));
  }
}

function splitAddress(address: string): { local: string; domain: string } {
  const normalized = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = normalized.lastIndexOf('@');
  return at < 0
    ? { local: normalized, domain: '' }
    : { local: normalized.slice(0, at), domain: normalized.slice(at + 1) };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
