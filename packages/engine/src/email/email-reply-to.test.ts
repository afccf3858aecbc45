import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, type SmtpRelay, startSmtpRelay } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

const MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

// A sequence asks for replies at `reply+<token>@<reply domain>` through the queued message's
// headers: the mail that reaches the relay must carry it, or replies never stop the sequence.
describe.each(ENGINES)('the Reply-To of sent email on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let relay: SmtpRelay;
  beforeAll(async () => {
    relay = await startSmtpRelay();
    engine = await openTestEngine(kind, { mail: { smtpUrl: relay.url } });
  });
  afterAll(async () => {
    await engine?.dispose();
    await relay?.close();
  });

  it('sends a queued Reply-To header (a sequence’s reply address), else the template’s', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const ann = (await engine.people.create(workspaceId, { email: 'ann@reply.test', name: 'Ann' }, null))
      .profileId;
    const bob = (await engine.people.create(workspaceId, { email: 'bob@reply.test', name: 'Bob' }, null))
      .profileId;
    await engine.emailSettings.update(workspaceId, { fromAddress: 'rep@acme.test', perSecond: 1000 });
    const template = await engine.emailTemplates.create(workspaceId, {
      name: 'Intro',
      subject: 'Hello',
      mjml: MJML,
      category: 'transactional',
      replyTo: 'team@acme.test',
    });
    await engine.store.db.transaction().execute((trx) =>
      engine.emailQueue.enqueue(trx, [
        {
          workspaceId,
          profileId: ann,
          templateId: template.id,
          origin: { kind: 'sequence', id: 'seq_1', stepId: 'intro', runId: 'enr_1' },
          headers: { 'Reply-To': 'reply+abc123@replies.acme.test' },
        },
        { workspaceId, profileId: bob, templateId: template.id, origin: { kind: 'api', id: 'test' } },
      ]),
    );
    expect(await engine.emailSender.sendDue()).toMatchObject({ sent: 2 });
    const to = (address: string) => relay.messages.find((m) => JSON.stringify(m.to).includes(address));
    expect(to('ann@reply.test')?.replyTo?.value.map((a) => a.address)).toEqual([
      'reply+abc123@replies.acme.test',
    ]);
    expect(to('bob@reply.test')?.replyTo?.value.map((a) => a.address)).toEqual(['team@acme.test']);
  });
});
