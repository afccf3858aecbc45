import { ENGINES, MemoryDesk, type SmtpRelay, startSmtpRelay } from '@tandem/engine/testing';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe.each(ENGINES)('mailboxes API on %s', (kind) => {
  let server: TestServer;
  let relay: SmtpRelay;
  const desk = new MemoryDesk();
  let support: { authorization: string };
  beforeAll(async () => {
    relay = await startSmtpRelay();
    server = await startTestServer(
      kind,
      { TANDEM_SMTP_URL: relay.url },
      { desk, smtpUrl: relay.url, listen: { host: '127.0.0.1', port: 0 } },
    );
    await server.engine.mailChannel?.start();
    support = await server.tokenFor('support');
  });
  afterAll(async () => {
    await server.close();
    await relay.close();
  });
  const call = (method: Method, url: string, payload?: unknown, headers = server.owner) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('adds, lists, renames and removes mailboxes, and shows the channel', async () => {
    const team = (await call('POST', '/api/v1/teams', { name: 'Billing' })).json();
    const created = await call('POST', '/api/v1/mailboxes', {
      address: 'Billing@Acme.test',
      teamId: team.id,
    });
    expect(created.statusCode).toBe(201);
    const mailbox = created.json();
    expect(mailbox).toMatchObject({ address: 'billing@acme.test', name: 'billing', teamId: team.id });

    const list = await call('GET', '/api/v1/mailboxes', undefined, support);
    expect(list.statusCode).toBe(200);
    const port = server.engine.mailChannel?.port;
    expect(list.json()).toEqual({
      data: [mailbox],
      channel: { listening: true, listenAddress: `127.0.0.1:${port}`, relayConfigured: true },
    });

    const renamed = await call('PATCH', `/api/v1/mailboxes/${mailbox.id}`, { name: 'Billing desk' });
    expect(renamed.json()).toMatchObject({ name: 'Billing desk', teamId: team.id });
    expect((await call('GET', `/api/v1/mailboxes/${mailbox.id}`)).json().name).toBe('Billing desk');
    expect((await call('DELETE', `/api/v1/mailboxes/${mailbox.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/mailboxes/${mailbox.id}`)).statusCode).toBe(404);
  });

  it('answers bad input with the field at fault, and a taken address with 409', async () => {
    const invalid = await call('POST', '/api/v1/mailboxes', { address: 'not-an-address' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.details).toMatchObject([{ path: 'body.address' }]);
    const plus = await call('POST', '/api/v1/mailboxes', { address: 'help+x@acme.test' });
    expect(plus.statusCode).toBe(400);
    expect(plus.json().error.message).toContain('plus');
    const noTeam = await call('POST', '/api/v1/mailboxes', { address: 'ops@acme.test', teamId: 'team_nope' });
    expect(noTeam.statusCode).toBe(400);
    expect(noTeam.json().error.details).toMatchObject([{ path: 'teamId' }]);
    expect((await call('POST', '/api/v1/mailboxes', { address: 'dup@acme.test' })).statusCode).toBe(201);
    const taken = await call('POST', '/api/v1/mailboxes', { address: 'DUP@acme.test' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('conflict');
  });

  it('lets the desk read mailboxes but only those who manage sources change them', async () => {
    expect((await call('POST', '/api/v1/mailboxes', { address: 'x@acme.test' }, support)).statusCode).toBe(
      403,
    );
    const viewer = await server.tokenFor('viewer');
    expect((await call('GET', '/api/v1/mailboxes', undefined, viewer)).statusCode).toBe(200);
  });

  it('opens a ticket for mail sent over SMTP to a mailbox added through the API', async () => {
    const team = (await call('POST', '/api/v1/teams', { name: 'Help' })).json();
    const mailbox = (
      await call('POST', '/api/v1/mailboxes', { address: 'help@acme.test', teamId: team.id })
    ).json();
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.engine.mailChannel?.port ?? 0,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await client.sendMail({
        from: 'ann@customer.test',
        to: 'help@acme.test',
        subject: 'Hello',
        text: 'Hi there',
        messageId: '<hello@customer.test>',
      });
      await client.sendMail({
        from: 'ann@customer.test',
        to: 'help@acme.test',
        subject: 'Out of office',
        text: 'Away',
        messageId: '<away@customer.test>',
        headers: { 'Auto-Submitted': 'auto-replied' },
      });
    } finally {
      client.close();
    }
    expect(desk.tickets.at(-1)).toMatchObject({
      workspaceId: server.workspaceId,
      mailboxId: mailbox.id,
      teamId: team.id,
      requester: 'ann@customer.test',
      subject: 'Hello',
    });
    const recent = await call('GET', '/api/v1/mailboxes/recent-mail?limit=2', undefined, support);
    expect(recent.statusCode).toBe(200);
    expect(recent.json().data).toEqual([
      expect.objectContaining({
        messageId: '<away@customer.test>',
        outcome: 'set_aside',
        reason: 'auto_reply',
      }),
      expect.objectContaining({
        messageId: '<hello@customer.test>',
        outcome: 'ticket',
        reason: null,
        mailboxId: mailbox.id,
        ticketId: desk.tickets.at(-1)?.ticketId,
      }),
    ]);
    expect((await call('GET', '/api/v1/mailboxes/recent-mail?limit=0')).statusCode).toBe(400);
  });
});
