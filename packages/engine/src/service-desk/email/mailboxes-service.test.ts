import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { MailChannel } from './index.js';
import { MemoryDesk } from './testing/memory-desk.js';

describe.each(ENGINES)('mailboxes on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());
  const workspace = async () => (await createWorkspace(engine.store, `mailboxes ${Math.random()}`)).id;
  const unique = () => `help${Math.random().toString(36).slice(2, 8)}@acme.test`;

  it('keeps an address lower-cased, named after its local part, with its team', async () => {
    const ws = await workspace();
    const team = await engine.teams.create(ws, { name: 'Support' }, 'usr_admin');
    const address = unique();
    const created = await engine.mailboxes.create(ws, { address: address.toUpperCase(), teamId: team.id });
    expect(created).toMatchObject({ address, name: address.split('@')[0], teamId: team.id });
    expect(await engine.mailboxes.list(ws)).toEqual([created]);
    expect(await engine.mailboxes.list(await workspace())).toEqual([]);
    expect(await engine.mailboxes.byAddress(address)).toMatchObject({ id: created.id, workspaceId: ws });
    const renamed = await engine.mailboxes.update(ws, created.id, { name: 'Help desk', teamId: null });
    expect(renamed).toMatchObject({ name: 'Help desk', teamId: null });
    expect(await engine.mailboxes.get(ws, created.id)).toEqual(renamed);
  });

  it('refuses an address another mailbox has, in any workspace, and an unknown team', async () => {
    const address = unique();
    await engine.mailboxes.create(await workspace(), { address });
    await expect(
      engine.mailboxes.create(await workspace(), { address: address.toUpperCase() }),
    ).rejects.toMatchObject({
      code: 'conflict',
      details: [{ path: 'address' }],
    });
    await expect(
      engine.mailboxes.create(await workspace(), { address: unique(), teamId: 'team_nope' }),
    ).rejects.toMatchObject({ code: 'bad_request', details: [{ path: 'teamId' }] });
  });

  it('stops taking mail for a deleted mailbox, and hides other workspaces’ mailboxes', async () => {
    const ws = await workspace();
    const mailbox = await engine.mailboxes.create(ws, { address: unique() });
    const channel = new MailChannel({ store: engine.store, desk: new MemoryDesk(), log: () => {} });
    expect(await channel.accepts(mailbox.address)).toBe(true);
    expect(await channel.accepts(mailbox.address.replace('@', '+t_abc@'))).toBe(true);
    await expect(engine.mailboxes.delete(await workspace(), mailbox.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    await engine.mailboxes.delete(ws, mailbox.id);
    expect(await channel.accepts(mailbox.address)).toBe(false);
    await expect(engine.mailboxes.get(ws, mailbox.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('records a reply as failed when there is no relay or no mailbox to send from', async () => {
    const ws = await workspace();
    const desk = new MemoryDesk();
    const channel = new MailChannel({ store: engine.store, desk, log: () => {} });
    await channel.sendReply({
      workspaceId: ws,
      ticketId: 'tick_1',
      number: 1,
      messageId: 'tmsg_no_mailbox',
      subject: 'Hi',
      to: ['ann@customer.test'],
      cc: [],
      text: 'x',
      fromName: 'Agent',
    });
    await engine.mailboxes.create(ws, { address: unique() });
    await channel.sendReply({
      workspaceId: ws,
      ticketId: 'tick_2',
      number: 2,
      messageId: 'tmsg_no_relay',
      subject: 'Hi',
      to: ['ann@customer.test'],
      cc: [],
      text: 'x',
      fromName: 'Agent',
    });
    await channel.whenIdle();
    expect(await channel.deliveryStatusOf(ws, ['tmsg_no_mailbox', 'tmsg_no_relay'])).toEqual(
      new Map([
        ['tmsg_no_mailbox', { status: 'failed', error: expect.stringContaining('no mailbox') }],
        ['tmsg_no_relay', { status: 'failed', error: expect.stringContaining('TANDEM_SMTP_URL') }],
      ]),
    );
  });
});

describe('reply subjects', () => {
  it('carry the ticket number once, without piled-up prefixes', async () => {
    const { replySubject } = await import('./index.js');
    expect(replySubject('Printer', 7)).toBe('Re: Printer [#7]');
    expect(replySubject('RE: Fwd: re: Printer [#7]', 7)).toBe('Re: Printer [#7]');
    expect(replySubject('  ', 3)).toBe('Re: (no subject) [#3]');
  });
});
