import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { type MailboxDelivery, MailChannel, type ReceiveOutcome } from './index.js';
import { MemoryDesk } from './testing/memory-desk.js';
import { type SmtpRelay, startSmtpRelay } from './testing/smtp-relay.js';

// Real SMTP both ways: a nodemailer client sends to the channel's listener, and replies go out
// through a local smtp-server standing in for the relay. Only the tickets side is a stand-in.

const AGENT = 'agent@acme.test';

describe.each(ENGINES)('the email channel on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  const desk = new MemoryDesk([AGENT]);
  const outcomes: ReceiveOutcome[] = [];
  let port = 0;

  beforeAll(async () => {
    relay = await startSmtpRelay();
    engine = await openTestEngine(kind, {
      mail: {
        desk,
        smtpUrl: relay.url,
        listen: { host: '127.0.0.1', port: 0 },
        retry: { maxAttempts: 3, baseBackoffMs: 20, maxBackoffMs: 100 },
        maxMessageBytes: 200_000,
      },
    });
    const channel = engine.mailChannel;
    if (!channel) throw new Error('the channel is made when a desk is given');
    // Keep every outcome the listener produced, for the assertions below.
    const receive = channel.receive.bind(channel);
    channel.receive = async (raw, envelope) => {
      const outcome = await receive(raw, envelope);
      outcomes.push(outcome);
      return outcome;
    };
    await channel.start();
    port = channel.port ?? 0;
  });
  afterAll(async () => {
    await engine.dispose();
    await relay.close();
  });

  const channel = () => engine.mailChannel as NonNullable<Engine['mailChannel']>; // set in beforeAll
  let mailboxCount = 0;
  /** A fresh workspace with one mailbox. */
  const setUp = async () => {
    const workspaceId = (await createWorkspace(engine.store, `mail ${Math.random()}`)).id;
    mailboxCount += 1;
    const mailbox = await engine.mailboxes.create(workspaceId, {
      address: `Support${mailboxCount}@Acme.test`,
    });
    return { workspaceId, mailbox };
  };

  /** Sends a message to Tandem's listener with a real SMTP client; resolves with its delivery. */
  async function send(message: Mail.Options): Promise<MailboxDelivery> {
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      const before = outcomes.length;
      await client.sendMail(message);
      const outcome = outcomes[before];
      if (!outcome) throw new Error('the listener took the message but produced no outcome');
      expect(outcome.deliveries).toHaveLength(1);
      return outcome.deliveries[0] as MailboxDelivery;
    } finally {
      client.close();
    }
  }

  /** Opens a ticket by mail and sends the agent's reply; returns both Message-IDs. */
  async function ticketWithReply(mailboxAddress: string, workspaceId: string, from = 'ann@customer.test') {
    const opened = await send({
      from: `Ann <${from}>`,
      to: mailboxAddress,
      subject: 'Printer on fire',
      text: 'It is on fire.',
    });
    if (opened.kind !== 'opened') throw new Error(`expected a new ticket, got ${opened.kind}`);
    const before = relay.messages.length;
    await channel().sendReply({
      workspaceId,
      ticketId: opened.ticketId,
      number: opened.number,
      messageId: 'tmsg_agent_reply',
      subject: 'Printer on fire',
      to: [from],
      cc: [],
      text: 'Have you tried water?',
      fromName: 'Agent Smith',
    });
    await channel().whenIdle();
    const sent = relay.messages[before];
    if (!sent?.messageId) throw new Error('the relay received no reply');
    return { opened, reply: sent };
  }

  it('opens a ticket from new mail, with its sender, CC, body and attachments', async () => {
    const { workspaceId, mailbox } = await setUp();
    const delivery = await send({
      from: 'Ann Lee <ann@customer.test>',
      to: [mailbox.address, 'bob@customer.test'],
      cc: 'Carol <carol@customer.test>',
      subject: 'Invoice missing',
      text: 'Where is my invoice?',
      html: '<p>Where is my <b>invoice</b>?</p>',
      attachments: [{ filename: 'order.txt', content: 'order 42' }],
    });
    expect(delivery).toMatchObject({ kind: 'opened', mailboxId: mailbox.id, number: 1 });
    const ticket = desk.tickets.find((t) => t.workspaceId === workspaceId);
    expect(ticket).toMatchObject({
      requester: 'ann@customer.test',
      cc: ['bob@customer.test', 'carol@customer.test'],
      subject: 'Invoice missing',
      mailboxId: mailbox.id,
      teamId: null,
    });
    expect(ticket?.messages[0]).toMatchObject({
      text: 'Where is my invoice?',
      html: expect.stringContaining('<b>'),
    });
    expect(ticket?.messages[0]?.attachments).toMatchObject([{ filename: 'order.txt', size: 8 }]);
    expect(ticket?.messages[0]?.attachments[0]?.content.toString()).toBe('order 42');
  });

  it('sends an agent reply through the relay, threaded and answerable at the ticket’s plus address', async () => {
    const { workspaceId, mailbox } = await setUp();
    const first = await send({
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'Printer on fire',
      text: 'Help',
      messageId: '<first@customer.test>',
    });
    if (first.kind !== 'opened') throw new Error('expected a new ticket');
    await channel().sendReply({
      workspaceId,
      ticketId: first.ticketId,
      number: first.number,
      messageId: 'tmsg_reply_1',
      subject: 'Printer on fire',
      to: ['ann@customer.test'],
      cc: ['boss@customer.test'],
      text: 'On it.',
      html: '<p>On it.</p>',
      fromName: 'Agent Smith',
    });
    await channel().whenIdle();
    const reply = relay.messages.at(-1);
    expect(reply?.from?.value[0]).toEqual({ address: mailbox.address, name: 'Agent Smith' });
    expect(reply?.to).toMatchObject({ value: [{ address: 'ann@customer.test' }] });
    expect(reply?.cc).toMatchObject({ value: [{ address: 'boss@customer.test' }] });
    expect(reply?.subject).toBe(`Re: Printer on fire [#${first.number}]`);
    expect(reply?.inReplyTo).toBe('<first@customer.test>');
    expect(reply?.references).toBe('<first@customer.test>');
    expect(reply?.messageId).toMatch(/^<tem_[0-9a-z]+\.t1@acme\.test>$/);
    const replyTo = reply?.replyTo?.value[0]?.address ?? '';
    expect(replyTo).toMatch(new RegExp(`^support${mailboxCount}\\+t_[a-z2-7]{16}@acme\\.test$`));
    expect(reply?.headers.get('x-auto-response-suppress')).toBe('OOF, AutoReply');
    expect(await channel().deliveryStatusOf(workspaceId, ['tmsg_reply_1', 'tmsg_unknown'])).toEqual(
      new Map([['tmsg_reply_1', { status: 'sent' }]]),
    );

    // The second reply threads under both earlier emails.
    await channel().sendReply({
      workspaceId,
      ticketId: first.ticketId,
      number: first.number,
      messageId: 'tmsg_reply_2',
      subject: `Re: Printer on fire [#${first.number}]`,
      to: ['ann@customer.test'],
      cc: [],
      text: 'Fixed.',
      fromName: '',
    });
    await channel().whenIdle();
    const second = relay.messages.at(-1);
    expect(second?.subject).toBe(`Re: Printer on fire [#${first.number}]`);
    expect(second?.from?.value[0]?.name).toBe(`support${mailboxCount}`);
    expect(second?.inReplyTo).toBe('<first@customer.test>');
    expect(second?.references).toEqual(['<first@customer.test>', reply?.messageId]);
    expect(second?.replyTo?.value[0]?.address).toBe(replyTo);
  });

  it('joins a reply to its ticket by In-Reply-To', async () => {
    const { workspaceId, mailbox } = await setUp();
    const { opened, reply } = await ticketWithReply(mailbox.address, workspaceId);
    const delivery = await send({
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'Re: fire',
      text: `Water made it worse.\n\nOn Mon, Dec 1, 2026 at 10:00 Agent Smith <${mailbox.address}> wrote:\n> Have you tried water?`,
      inReplyTo: reply.messageId,
    });
    expect(delivery).toMatchObject({
      kind: 'replied',
      ticketId: opened.kind === 'opened' && opened.ticketId,
      threadedBy: 'headers',
    });
    expect(desk.find(workspaceId, (delivery as { ticketId: string }).ticketId)?.messages.at(-1)?.text).toBe(
      'Water made it worse.',
    );
  });

  it('joins a reply by References alone (a client that drops In-Reply-To)', async () => {
    const { workspaceId, mailbox } = await setUp();
    const { opened, reply } = await ticketWithReply(mailbox.address, workspaceId);
    const delivery = await send({
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'something else entirely',
      text: 'Still broken',
      references: ['<unrelated@elsewhere.test>', reply.messageId ?? ''],
    });
    expect(delivery).toMatchObject({ kind: 'replied', threadedBy: 'headers' });
    expect((delivery as { ticketId: string }).ticketId).toBe((opened as { ticketId: string }).ticketId);
  });

  it('joins a reply sent to the ticket’s plus address without any threading header', async () => {
    const { workspaceId, mailbox } = await setUp();
    const { opened, reply } = await ticketWithReply(mailbox.address, workspaceId);
    const plusAddress = reply.replyTo?.value[0]?.address ?? '';
    const delivery = await send({
      from: 'ann@customer.test',
      to: plusAddress.toUpperCase(),
      subject: 'hi',
      text: 'x',
    });
    expect(delivery).toMatchObject({
      kind: 'replied',
      threadedBy: 'reply_address',
      ticketId: (opened as { ticketId: string }).ticketId,
    });
  });

  it('joins a reply by the ticket number in its subject', async () => {
    const { workspaceId, mailbox } = await setUp();
    const opened = await send({ from: 'ann@customer.test', to: mailbox.address, subject: 'One', text: '1' });
    await send({ from: 'ann@customer.test', to: mailbox.address, subject: 'Two', text: '2' });
    const delivery = await send({
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'Re: One [#1]',
      text: 'about the first',
    });
    expect(delivery).toMatchObject({
      kind: 'replied',
      threadedBy: 'subject',
      ticketId: (opened as { ticketId: string }).ticketId,
    });
    expect(desk.tickets.filter((t) => t.workspaceId === workspaceId)).toHaveLength(2);
  });

  it('opens a new ticket when someone outside the ticket answers its thread', async () => {
    const { workspaceId, mailbox } = await setUp();
    const { reply } = await ticketWithReply(mailbox.address, workspaceId);
    const stranger = await send({
      from: 'mallory@evil.test',
      to: reply.replyTo?.value[0]?.address ?? '',
      subject: 'Re: Printer on fire [#1]',
      text: 'let me in',
      inReplyTo: reply.messageId,
    });
    expect(stranger).toMatchObject({ kind: 'opened', number: 2 });
    const ticket = desk.tickets.find((t) => t.workspaceId === workspaceId && t.number === 2);
    expect(ticket?.requester).toBe('mallory@evil.test');
    expect(desk.tickets.find((t) => t.workspaceId === workspaceId && t.number === 1)?.messages).toHaveLength(
      1,
    );
  });

  it('never threads mail into another workspace’s ticket', async () => {
    const a = await setUp();
    const { reply } = await ticketWithReply(a.mailbox.address, a.workspaceId);
    const token = /\+t_([a-z2-7]+)@/.exec(reply.replyTo?.value[0]?.address ?? '')?.[1];
    const b = await setUp();
    const delivery = await send({
      from: 'ann@customer.test',
      to: b.mailbox.address.replace('@', `+t_${token}@`),
      subject: 'Re: Printer on fire [#1]',
      text: 'same person, other company',
      inReplyTo: reply.messageId,
    });
    expect(delivery).toMatchObject({ kind: 'opened', mailboxId: b.mailbox.id });
    expect(desk.tickets.filter((t) => t.workspaceId === a.workspaceId)[0]?.messages).toHaveLength(1);
  });

  it('lets a CC’d person reply into the ticket, and an agent too', async () => {
    const { workspaceId, mailbox } = await setUp();
    const opened = await send({
      from: 'ann@customer.test',
      to: mailbox.address,
      cc: ['carol@customer.test', mailbox.address.toUpperCase()],
      subject: 'Team issue',
      text: 'see Carol',
      messageId: '<team-issue@customer.test>',
    });
    expect(desk.tickets.find((t) => t.workspaceId === workspaceId)?.cc).toEqual(['carol@customer.test']);
    const carol = await send({
      from: 'Carol <CAROL@customer.test>',
      to: mailbox.address,
      subject: 'Re: Team issue',
      text: 'me too',
      inReplyTo: '<team-issue@customer.test>',
    });
    expect(carol).toMatchObject({ kind: 'replied', ticketId: (opened as { ticketId: string }).ticketId });
    const agent = await send({
      from: AGENT,
      to: mailbox.address,
      subject: 'Re: Team issue [#1]',
      text: 'noted',
    });
    expect(agent).toMatchObject({ kind: 'replied', threadedBy: 'subject' });
  });

  it('opens a ticket for the forwarder of a mail, unless the forward is threaded', async () => {
    const { workspaceId, mailbox } = await setUp();
    const forward = await send({
      from: 'dan@customer.test',
      to: mailbox.address,
      subject: 'Fwd: Broken order',
      text: '---------- Forwarded message ---------\nFrom: eve@customer.test\nMy order is broken',
    });
    expect(forward).toMatchObject({ kind: 'opened' });
    expect(desk.tickets.find((t) => t.workspaceId === workspaceId)?.requester).toBe('dan@customer.test');

    // The requester forwards the agent's reply back, headers kept: it stays on its ticket.
    const { opened, reply } = await ticketWithReply(mailbox.address, workspaceId, 'frank@customer.test');
    const threaded = await send({
      from: 'frank@customer.test',
      to: mailbox.address,
      subject: 'Fwd: Re: Printer on fire',
      text: 'forwarding back',
      references: [reply.messageId ?? ''],
    });
    expect(threaded).toMatchObject({ kind: 'replied', ticketId: (opened as { ticketId: string }).ticketId });
  });

  it('records auto-replies and never opens a ticket nor answers them', async () => {
    const { workspaceId, mailbox } = await setUp();
    const { reply } = await ticketWithReply(mailbox.address, workspaceId);
    const sentBefore = relay.messages.length;
    const variants: Mail.Options['headers'][] = [
      { 'Auto-Submitted': 'auto-replied' },
      { 'X-Autoreply': 'yes' },
      { Precedence: 'bulk' },
      { Precedence: 'auto_reply' },
      { 'X-Auto-Response-Suppress': 'All' },
    ];
    for (const headers of variants) {
      const delivery = await send({
        from: 'ann@customer.test',
        to: mailbox.address,
        subject: 'Out of office: Re: Printer on fire [#1]',
        text: 'I am away',
        inReplyTo: reply.messageId,
        headers,
      });
      expect(delivery).toMatchObject({ kind: 'ignored', reason: 'auto_reply' });
    }
    const tickets = desk.tickets.filter((t) => t.workspaceId === workspaceId);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]?.messages).toHaveLength(1);
    expect(relay.messages.length).toBe(sentBefore);
    // A person's mail saying "Auto-Submitted: no" is a person's mail.
    const human = await send({
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'back',
      text: 'I am back',
      inReplyTo: reply.messageId,
      headers: { 'Auto-Submitted': 'no' },
    });
    expect(human).toMatchObject({ kind: 'replied' });
  });

  it('recognises bounces: delivery status reports, mailer daemons and null senders', async () => {
    const { workspaceId, mailbox } = await setUp();
    const report = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
      `To: ${mailbox.address}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-1@mx.customer.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.test',
      '',
      'Final-Recipient: rfc822; gone@customer.test',
      'Action: failed',
      'Status: 5.1.1',
      '--b1--',
      '',
    ].join('\r\n');
    const dsn = await send({ envelope: { from: '', to: [mailbox.address] }, raw: report });
    expect(dsn).toMatchObject({ kind: 'ignored', reason: 'bounce' });
    const daemon = await send({
      from: 'postmaster@mx.customer.test',
      to: mailbox.address,
      subject: 'Delivery failure',
      text: 'could not deliver',
    });
    expect(daemon).toMatchObject({ kind: 'ignored', reason: 'bounce' });
    const nullSender = await send({
      envelope: { from: '', to: [mailbox.address] },
      from: 'robot@customer.test',
      to: mailbox.address,
      subject: 'Notice',
      text: 'automated',
    });
    expect(nullSender).toMatchObject({ kind: 'ignored', reason: 'bounce' });
    expect(desk.tickets.filter((t) => t.workspaceId === workspaceId)).toEqual([]);
    const recorded = await engine.store.db
      .selectFrom('ticket_emails')
      .select(['status', 'error', 'ticket_id'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    expect(recorded).toEqual([
      { status: 'ignored', error: 'bounce', ticket_id: null },
      { status: 'ignored', error: 'bounce', ticket_id: null },
      { status: 'ignored', error: 'bounce', ticket_id: null },
    ]);
  });

  it('marks a reply failed when its bounce comes back, but not on a delay notice', async () => {
    const { workspaceId, mailbox } = await setUp();
    const { reply } = await ticketWithReply(mailbox.address, workspaceId);
    expect(
      (await channel().deliveryStatusOf(workspaceId, ['tmsg_agent_reply'])).get('tmsg_agent_reply'),
    ).toEqual({
      status: 'sent',
    });
    const dsn = (action: string, status: string, diagnostic: string, id: string) =>
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
        `To: ${mailbox.address}`,
        'Subject: Delivery Status Notification',
        `Message-ID: <${id}@mx.customer.test>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b2"',
        '',
        '--b2',
        'Content-Type: text/plain',
        '',
        'Delivery to ann@customer.test has a problem.',
        '--b2',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.customer.test',
        '',
        'Final-Recipient: rfc822; ann@customer.test',
        `Action: ${action}`,
        `Status: ${status}`,
        `Diagnostic-Code: smtp; ${diagnostic}`,
        '--b2',
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: ${reply.messageId}`,
        'Subject: Re: Printer on fire [#1]',
        '--b2--',
        '',
      ].join('\r\n');
    const delayed = await send({
      envelope: { from: '', to: [mailbox.address] },
      raw: dsn('delayed', '4.4.7', '451 4.4.7 still trying', 'delay-1'),
    });
    expect(delayed).toMatchObject({ kind: 'ignored', reason: 'bounce' });
    expect(
      (await channel().deliveryStatusOf(workspaceId, ['tmsg_agent_reply'])).get('tmsg_agent_reply')?.status,
    ).toBe('sent');
    await send({
      envelope: { from: '', to: [mailbox.address] },
      raw: dsn('failed', '5.1.1', '550 5.1.1 <ann@customer.test>: user unknown', 'fail-1'),
    });
    expect(
      (await channel().deliveryStatusOf(workspaceId, ['tmsg_agent_reply'])).get('tmsg_agent_reply'),
    ).toEqual({
      status: 'failed',
      error: 'bounced: 550 5.1.1 <ann@customer.test>: user unknown',
    });
    expect(desk.tickets.filter((t) => t.workspaceId === workspaceId)).toHaveLength(1);
  });

  it('resumes replies left queued when the channel starts again', async () => {
    const { workspaceId, mailbox } = await setUp();
    const opened = await send({
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'Later',
      text: 'x',
    });
    if (opened.kind !== 'opened') throw new Error('expected a new ticket');
    // A first channel meets a busy relay and would wait a minute before trying again.
    const first = new MailChannel({
      store: engine.store,
      desk,
      smtpUrl: relay.url,
      log: () => {},
      retry: { maxAttempts: 5, baseBackoffMs: 60_000, maxBackoffMs: 60_000 },
    });
    relay.refuse(421, '4.3.2 shutting down');
    await first.sendReply({
      workspaceId,
      ticketId: opened.ticketId,
      number: opened.number,
      messageId: 'tmsg_resumed',
      subject: 'Later',
      to: ['ann@customer.test'],
      cc: [],
      text: 'sent after a restart',
      fromName: 'Agent',
    });
    await expect
      .poll(async () => (await first.deliveryStatusOf(workspaceId, ['tmsg_resumed'])).get('tmsg_resumed'))
      .toEqual({ status: 'queued', error: expect.stringContaining('421') });
    await first.stop();
    // The minute has passed (said by the row rather than slept through).
    await engine.store.db
      .updateTable('ticket_emails')
      .set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() })
      .where('workspace_id', '=', workspaceId)
      .where('ticket_message_id', '=', 'tmsg_resumed')
      .execute();
    // Two processes sharing the store start again: the reply goes out once.
    const sentBefore = relay.messages.length;
    const second = new MailChannel({ store: engine.store, desk, smtpUrl: relay.url, log: () => {} });
    const third = new MailChannel({ store: engine.store, desk, smtpUrl: relay.url, log: () => {} });
    await Promise.all([second.start(), third.start()]);
    // Not whenIdle: one of them may have found the row claimed by the other, and waits for the
    // claim to end before looking again (it will find it sent).
    await expect
      .poll(async () => (await second.deliveryStatusOf(workspaceId, ['tmsg_resumed'])).get('tmsg_resumed'))
      .toEqual({ status: 'sent' });
    await Promise.all([second.stop(), third.stop()]);
    expect(relay.messages.length).toBe(sentBefore + 1);
    expect(relay.messages.at(-1)?.text?.trim()).toBe('sent after a restart');
  });

  it('takes a message delivered twice (an SMTP retry) in once', async () => {
    const { workspaceId, mailbox } = await setUp();
    const message = {
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'Once',
      text: 'x',
      messageId: '<once@c.test>',
    };
    expect(await send(message)).toMatchObject({ kind: 'opened' });
    expect(await send(message)).toMatchObject({ kind: 'ignored', reason: 'duplicate' });
    expect(desk.tickets.filter((t) => t.workspaceId === workspaceId)).toHaveLength(1);
  });

  it('ignores mail from the workspace’s own mailboxes (no loop through a CC)', async () => {
    const { workspaceId, mailbox } = await setUp();
    expect(
      await send({ from: mailbox.address, to: mailbox.address, subject: 'Re: x', text: 'x' }),
    ).toMatchObject({
      kind: 'ignored',
      reason: 'own_mail',
    });
    expect(desk.tickets.filter((t) => t.workspaceId === workspaceId)).toEqual([]);
    // Another workspace's desk writing to this one is a customer like any other.
    const other = await setUp();
    expect(
      await send({ from: other.mailbox.address, to: mailbox.address, subject: 'Hello', text: 'x' }),
    ).toMatchObject({
      kind: 'opened',
    });
  });

  it('refuses at the SMTP level mail for unknown addresses and oversized messages', async () => {
    const { mailbox } = await setUp();
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      await expect(
        client.sendMail({ from: 'ann@customer.test', to: 'nobody@acme.test', subject: 'x', text: 'x' }),
      ).rejects.toMatchObject({ responseCode: 550 });
      await expect(
        client.sendMail({
          from: 'ann@customer.test',
          to: mailbox.address,
          subject: 'big',
          text: 'x'.repeat(300_000),
        }),
      ).rejects.toMatchObject({ responseCode: 552 });
    } finally {
      client.close();
    }
  });

  it('answers 451 when the desk cannot take a message, so the sender tries again', async () => {
    const { workspaceId, mailbox } = await setUp();
    const open = desk.openFromEmail.bind(desk);
    desk.openFromEmail = async () => {
      throw new Error('database is busy');
    };
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const message = {
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'Again',
      text: 'x',
      messageId: '<again@c.test>',
    };
    try {
      await expect(client.sendMail(message)).rejects.toMatchObject({ responseCode: 451 });
      desk.openFromEmail = open;
      await client.sendMail(message);
    } finally {
      desk.openFromEmail = open;
      client.close();
    }
    expect(desk.tickets.filter((t) => t.workspaceId === workspaceId)).toMatchObject([{ subject: 'Again' }]);
  });

  it('retries a reply the relay defers, and marks one it refuses as failed', async () => {
    const { workspaceId, mailbox } = await setUp();
    const opened = await send({
      from: 'ann@customer.test',
      to: mailbox.address,
      subject: 'Retry',
      text: 'x',
    });
    if (opened.kind !== 'opened') throw new Error('expected a new ticket');
    const reply = (messageId: string) => ({
      workspaceId,
      ticketId: opened.ticketId,
      number: opened.number,
      messageId,
      subject: 'Retry',
      to: ['ann@customer.test'],
      cc: [],
      text: 'answer',
      fromName: 'Agent',
    });
    relay.refuse(451, '4.7.1 try again later');
    const before = relay.messages.length;
    await channel().sendReply(reply('tmsg_deferred'));
    await channel().whenIdle();
    expect(relay.messages.length).toBe(before + 1);
    relay.refuse(550, '5.1.1 mailbox unavailable');
    await channel().sendReply(reply('tmsg_refused'));
    await channel().whenIdle();
    relay.refuse(451, '4.7.1 busy', 3);
    await channel().sendReply(reply('tmsg_gave_up'));
    const queued = await channel().deliveryStatusOf(workspaceId, ['tmsg_gave_up']);
    expect(queued.get('tmsg_gave_up')?.status).toBe('queued');
    await channel().whenIdle();
    const statuses = await channel().deliveryStatusOf(workspaceId, [
      'tmsg_deferred',
      'tmsg_refused',
      'tmsg_gave_up',
    ]);
    expect(statuses.get('tmsg_deferred')).toEqual({ status: 'sent' });
    expect(statuses.get('tmsg_refused')).toEqual({ status: 'failed', error: expect.stringContaining('550') });
    expect(statuses.get('tmsg_gave_up')).toEqual({ status: 'failed', error: expect.stringContaining('451') });
    const attempts = await engine.store.db
      .selectFrom('ticket_emails')
      .select(['ticket_message_id', 'attempts'])
      .where('workspace_id', '=', workspaceId)
      .where('direction', '=', 'outbound')
      .orderBy('created_at')
      .execute();
    expect(attempts).toEqual([
      { ticket_message_id: 'tmsg_deferred', attempts: 2 },
      { ticket_message_id: 'tmsg_refused', attempts: 1 },
      { ticket_message_id: 'tmsg_gave_up', attempts: 3 },
    ]);
  });
});
