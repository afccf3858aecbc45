import { CreateSlaPolicySchema } from '@tandem/contract';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../engine.js';
import { smtpMailSender } from '../../mail/index.js';
import { type Database, fromJson } from '../../store/index.js';
import {
  ENGINES,
  holderOf,
  openTestEngine,
  personRefOf,
  rowsMentioning,
  type SmtpRelay,
  startSmtpRelay,
} from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';

const DESK_TABLES: readonly (keyof Database)[] = [
  'tickets',
  'ticket_messages',
  'ticket_attachments',
  'ticket_emails',
  'ticket_status_changes',
  'sla_clocks',
  'csat_surveys',
  'help_portal_tokens',
];
const ANN = 'ann@customer.test';
const BOB = 'bob@customer.test';
/** Ann's attachment as stored (base64): only its bytes name her. */
const PASSPORT = Buffer.from('Ann Lee, passport 123').toString('base64');
const ANNS_NOTE = Buffer.from('Ann note').toString('base64');

describe.each(ENGINES)('the service desk’s person data on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  beforeAll(async () => {
    relay = await startSmtpRelay();
    engine = await openTestEngine(kind, {
      // A refused reply waits for its retry well past the test: its queued copy is what is checked.
      mail: {
        smtpUrl: relay.url,
        retry: { maxAttempts: 6, baseBackoffMs: 3_600_000, maxBackoffMs: 3_600_000 },
      },
      access: {
        publicUrl: 'https://desk.example.test/',
        mail: smtpMailSender({ url: relay.url, from: 'portal@acme.test' }),
      },
    });
  });
  afterAll(async () => {
    await engine?.dispose();
    await relay?.close();
  });

  /** Waits until the ticket's outbound mail has been tried: sent, or queued after a refusal. */
  const outboundSettled = (workspaceId: string, ticketId: string, status: 'sent' | 'queued') =>
    vi.waitFor(async () => {
      const mail = await engine.store.db
        .selectFrom('ticket_emails')
        .select(['status', 'attempts'])
        .where('workspace_id', '=', workspaceId)
        .where('ticket_id', '=', ticketId)
        .where('direction', '=', 'outbound')
        .execute();
      expect(mail).toEqual([{ status, attempts: 1 }]);
    });

  /**
   * Ann mails in a ticket (an attachment, Carol in CC), gets a reply by mail, a survey she answers
   * and a portal sign-in link; Bob opens one through the API with Ann in CC. Both have SLA clocks.
   */
  async function deskWithTwoRequesters() {
    const { id: workspaceId } = await createWorkspace(engine.store, `desk ${Math.random()}`);
    const mailbox = await engine.mailboxes.create(workspaceId, {
      address: `help-${Math.random()}@acme.test`,
    });
    await engine.slaSettings.createPolicy(
      workspaceId,
      CreateSlaPolicySchema.parse({
        name: 'Fast',
        hours: 'calendar',
        targets: { normal: { firstResponse: 60 } },
      }),
    );
    const raw = await new MailComposer({
      from: `Ann Lee <${ANN}>`,
      to: mailbox.address,
      cc: 'carol@customer.test',
      subject: 'My invoice address is wrong',
      text: 'I live at 1 Elm Street now.',
      attachments: [{ filename: 'passport.txt', content: 'Ann Lee, passport 123' }],
    })
      .compile()
      .build();
    await engine.mailChannel.receive(raw, { from: ANN, to: [mailbox.address] });
    const annsTicket = (await engine.tickets.ticketsOfRequester(workspaceId, ANN))[0];
    if (!annsTicket) throw new Error('the mail opened no ticket');
    await engine.tickets.reply(
      workspaceId,
      annsTicket.id,
      { body: 'Fixed it, Ann.', public: true, status: 'solved' },
      null,
    );
    // Not the channel's whenIdle: a reply an earlier test left queued waits an hour for its retry.
    await outboundSettled(workspaceId, annsTicket.id, 'sent');
    await engine.satisfaction.whenIdle();
    // The newest survey to Ann: the relay serves every test's workspace.
    const survey = relay.messages.findLast(
      (m) => JSON.stringify(m.to).includes(ANN) && /\/csat\//.test(m.text ?? ''),
    );
    const token = /\/csat\/([A-Za-z0-9_-]+)/.exec(survey?.text ?? '')?.[1] ?? '';
    await engine.satisfaction.answer(token, { score: 5, comment: 'Thanks, from Ann' });
    await engine.portal.requestLink(workspaceId, ANN);

    // Bob's ticket names Ann twice: in CC, and in a relation field (who referred him).
    await engine.customFields.create(
      workspaceId,
      { entity: 'ticket', key: 'referred_by', label: 'Referred by', type: 'relation', relationTo: 'person' },
      null,
    );
    const bobsTicket = await engine.tickets.create(
      workspaceId,
      {
        subject: 'Bob cannot log in',
        email: BOB,
        priority: 'normal',
        body: 'Bob here, locked out.',
        fields: { referred_by: annsTicket.profileId },
      },
      null,
      { channel: 'api', cc: [ANN] },
    );
    // Ann, in CC, answers on Bob's ticket (with a file of her own).
    await engine.tickets.replyFromEmail({
      workspaceId,
      ticketId: bobsTicket.id,
      from: { email: ANN },
      text: 'Ann here: Bob is my colleague.',
      attachments: [
        { filename: 'note.txt', contentType: 'text/plain', size: 8, content: Buffer.from('Ann note') },
      ],
    });
    // The agent's answer to Bob (Ann in CC) meets a busy relay: it stays queued, naming both.
    relay.refuse(451, '4.7.1 try again later');
    await engine.tickets.reply(workspaceId, bobsTicket.id, { body: 'Reset link sent.', public: true }, null);
    await outboundSettled(workspaceId, bobsTicket.id, 'queued');
    const ann = annsTicket.profileId;
    const bob = bobsTicket.profileId;
    return { workspaceId, ann, bob, annsTicket: annsTicket.id, bobsTicket: bobsTicket.id };
  }

  const rowsOf = async (workspaceId: string, needles: string[]) =>
    Object.fromEntries(
      await Promise.all(
        DESK_TABLES.map(async (t) => [t, await rowsMentioning(engine, workspaceId, t, needles)] as const),
      ),
    );

  it('exports the tickets the person requested, with messages, attachments and their survey answer', async () => {
    const { workspaceId, ann } = await deskWithTwoRequesters();
    const exported = (await holderOf(engine, 'service_desk').exportPerson(
      await personRefOf(engine, workspaceId, ann),
    )) as {
      tickets: {
        subject: string;
        requesterEmail: string;
        messages: {
          body: string;
          from: string;
          attachments: { filename: string; contentBase64: string }[];
        }[];
        satisfaction: { score: number; comment: string } | null;
      }[];
    };
    expect(exported.tickets).toHaveLength(1);
    const [ticket] = exported.tickets;
    expect(ticket).toMatchObject({
      subject: 'My invoice address is wrong',
      requesterEmail: ANN,
      satisfaction: { score: 5, comment: 'Thanks, from Ann' },
    });
    expect(ticket?.messages.map((m) => m.body)).toEqual([
      expect.stringContaining('1 Elm Street'),
      'Fixed it, Ann.',
    ]);
    const [file] = ticket?.messages[0]?.attachments ?? [];
    expect(file?.filename).toBe('passport.txt');
    expect(Buffer.from(file?.contentBase64 ?? '', 'base64').toString()).toBe('Ann Lee, passport 123');
    expect(JSON.stringify(exported)).not.toContain('locked out');
  });

  it('erases the person’s tickets, mail, clocks, answers and sign-ins, and their address from others’ CC', async () => {
    const { workspaceId, ann, bob, annsTicket, bobsTicket } = await deskWithTwoRequesters();
    // Ann's rows: naming her, her attachment's bytes, or her ticket (sent mail keeps only its id).
    const annNeedles = [ann, ANN, PASSPORT, ANNS_NOTE, 'Bob is my colleague', annsTicket];
    const annRows = await rowsOf(workspaceId, annNeedles);
    // The scenario put Ann in every table (Bob's ticket names her only in its CC).
    for (const table of DESK_TABLES) expect(annRows[table], table).toBeGreaterThan(0);
    const bobBefore = await rowsOf(workspaceId, [bob, BOB]);
    const holder = holderOf(engine, 'service_desk');
    const person = await personRefOf(engine, workspaceId, ann);
    const counts = await holder.erasePerson(person);
    expect(counts).toMatchObject({
      tickets: 1,
      ticket_attachments: 2,
      csat_surveys: 1,
      help_portal_tokens: 1,
    });
    expect(counts.ticket_messages).toBeGreaterThanOrEqual(3);
    // The queued reply to Bob lost Ann from its CC, and goes to Bob still.
    expect(counts['ticket_emails.recipients']).toBe(1);
    const queued = await engine.store.db
      .selectFrom('ticket_emails')
      .select('payload')
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', bobsTicket)
      .where('status', '=', 'queued')
      .executeTakeFirstOrThrow();
    expect(fromJson(queued.payload)).toMatchObject({ to: [BOB], cc: [] });
    expect(counts.ticket_emails).toBeGreaterThanOrEqual(2);
    expect(await rowsOf(workspaceId, annNeedles)).toEqual(Object.fromEntries(DESK_TABLES.map((t) => [t, 0])));
    expect(await rowsOf(workspaceId, [bob, BOB])).toEqual(bobBefore);
    const bobs = await engine.store.db
      .selectFrom('tickets')
      .select(['subject', 'cc', 'fields'])
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', bobsTicket)
      .executeTakeFirstOrThrow();
    expect({ subject: bobs.subject, cc: fromJson(bobs.cc), fields: fromJson(bobs.fields) }).toEqual({
      subject: 'Bob cannot log in',
      cc: [],
      fields: {},
    });
    expect(Object.values(await holder.erasePerson(person)).every((n) => n === 0)).toBe(true);
  });

  it('anonymizes: the ticket stays for counts with nothing identifying, its score kept', async () => {
    const { workspaceId, ann, annsTicket } = await deskWithTwoRequesters();
    const holder = holderOf(engine, 'service_desk');
    const anonymize = holder.anonymizePerson?.bind(holder);
    if (!anonymize) throw new Error('the desk keeps counts: it anonymizes');
    const counts = await anonymize(await personRefOf(engine, workspaceId, ann), 'prof_anonymous_1');
    expect(counts).toMatchObject({ tickets: 1, csat_surveys: 1, sla_clocks: 1, ticket_attachments: 2 });
    expect(
      await rowsOf(workspaceId, [
        ann,
        ANN,
        PASSPORT,
        ANNS_NOTE,
        'Bob is my colleague',
        'Elm Street',
        'invoice address',
        'carol@customer.test',
      ]),
    ).toEqual(Object.fromEntries(DESK_TABLES.map((t) => [t, 0])));
    const kept = await engine.store.db
      .selectFrom('tickets')
      .innerJoin('csat_surveys', 'csat_surveys.ticket_id', 'tickets.ticket_id')
      .select(['tickets.status', 'tickets.priority', 'tickets.profile_id', 'csat_surveys.score'])
      .where('tickets.workspace_id', '=', workspaceId)
      .where('tickets.ticket_id', '=', annsTicket)
      .execute();
    expect(kept).toEqual([
      { status: 'solved', priority: 'normal', profile_id: 'prof_anonymous_1', score: 5 },
    ]);
  });
});
