import { CreateSlaPolicySchema } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { AppError } from './errors/index.js';
import { ENGINES, openTestEngine, trackingWorkspace } from './testing/index.js';

// What journeys, sequences, broadcasts and templates name by id stays while they name it: a
// deleted template, list, topic or destination made their steps fail for everyone, without a word.
// So does a team the service desk routes to.
describe.each(ENGINES)('deleting what others use, on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind, { delivery: { allowPrivateNetworks: true } });
  });
  afterAll(() => engine.dispose());

  const refusal = async (deleting: Promise<unknown>) => {
    const error = await deleting.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('conflict');
    return (error as AppError).message;
  };
  const MJML =
    '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

  it('keeps a template, list, topic and destination a journey, sequence or template uses, naming them', async () => {
    const { workspaceId } = await trackingWorkspace(engine);
    const topic = await engine.emailPreferences.createTopic(workspaceId, { name: 'Product news' });
    const welcome = await engine.emailTemplates.create(workspaceId, {
      name: 'Welcome',
      subject: 'Hello',
      mjml: MJML,
      topicId: topic.id,
    });
    const vips = await engine.lists.create(workspaceId, { name: 'VIPs' }, null);
    const created = await engine.destinations.create(workspaceId, {
      name: 'CRM hook',
      type: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook' },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const hook = created.value;
    const onboarding = await engine.journeys.create(workspaceId, {
      name: 'Onboarding',
      entry: { kind: 'event', event: 'Signed Up' },
      steps: [
        { id: 'mail', kind: 'send_email', templateId: welcome.id, next: 'tag' },
        { id: 'tag', kind: 'list', listId: vips.id, action: 'add', next: 'ping' },
        { id: 'ping', kind: 'send_webhook', destinationId: hook.id, next: null },
      ],
    });
    await engine.sequences.create(
      workspaceId,
      { name: 'Follow-up', steps: [{ kind: 'email', templateId: welcome.id }] },
      null,
    );

    expect(await refusal(engine.emailTemplates.delete(workspaceId, welcome.id))).toBe(
      'The email template "Welcome" cannot be deleted: journey "Onboarding", sequence "Follow-up" use it. Change them first.',
    );
    expect(await refusal(engine.lists.delete(workspaceId, vips.id))).toBe(
      'The list "VIPs" cannot be deleted: journey "Onboarding" uses it. Change it first.',
    );
    expect(await refusal(engine.emailPreferences.deleteTopic(workspaceId, topic.id))).toBe(
      'The topic "Product news" cannot be deleted: email template "Welcome" uses it. Change it first.',
    );
    expect(await refusal(engine.destinations.delete(workspaceId, hook.id))).toContain('journey "Onboarding"');

    // Archived, the journey lets go of all three; the sequence still holds the template.
    await engine.journeys.archive(workspaceId, onboarding.id);
    await engine.lists.delete(workspaceId, vips.id);
    await engine.destinations.delete(workspaceId, hook.id);
    expect(await refusal(engine.emailTemplates.delete(workspaceId, welcome.id))).toContain(
      'sequence "Follow-up"',
    );
    await expect(engine.lists.get(workspaceId, vips.id)).rejects.toThrow(/not found/);
  });

  it('keeps an audience a journey’s condition split reads', async () => {
    const { workspaceId } = await trackingWorkspace(engine);
    const pro = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!pro.ok) throw new Error(JSON.stringify(pro.error));
    await engine.journeys.create(workspaceId, {
      name: 'Upsell',
      entry: { kind: 'event', event: 'Visited Pricing' },
      steps: [
        {
          id: 'who',
          kind: 'split',
          condition: { not: { audience: pro.value.id } },
          next: { yes: 'tag', no: null },
        },
        { id: 'tag', kind: 'update_trait', trait: 'upsell', value: true, next: null },
      ],
    });
    expect(await refusal(engine.audiences.delete(workspaceId, pro.value.id))).toContain('journey "Upsell"');
  });

  it('keeps a computed trait a journey’s condition split reads, and its name', async () => {
    const { workspaceId } = await trackingWorkspace(engine);
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order',
    });
    if (!orders.ok) throw new Error(JSON.stringify(orders.error));
    await engine.journeys.create(workspaceId, {
      name: 'Win-back',
      entry: { kind: 'event', event: 'Visited Pricing' },
      steps: [
        {
          id: 'buyer',
          kind: 'split',
          condition: { computedTrait: 'orders', op: 'gt', value: 0 },
          next: { yes: 'tag', no: null },
        },
        { id: 'tag', kind: 'update_trait', trait: 'winback', value: true, next: null },
      ],
    });
    expect(await refusal(engine.computedTraits.delete(workspaceId, orders.value.id))).toContain(
      'journey "Win-back"',
    );
    expect(
      await refusal(engine.computedTraits.update(workspaceId, orders.value.id, { name: 'purchases' })),
    ).toContain('journey "Win-back"');
  });

  it('keeps an audience and a computed trait a saved insight reads, at any depth of its query', async () => {
    const { workspaceId } = await trackingWorkspace(engine);
    const pro = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!pro.ok) throw new Error(JSON.stringify(pro.error));
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order',
    });
    if (!orders.ok) throw new Error(JSON.stringify(orders.error));
    // The audience narrows one series; the trait (reached into with a dot) breaks the result down.
    const insight = await engine.savedInsights.create(workspaceId, 'usr_ann', {
      name: 'Pro orders',
      description: '',
      chart: 'line',
      range: '7d',
      query: {
        kind: 'trend',
        series: [
          {
            event: 'Order Completed',
            measure: 'count',
            where: [{ on: 'audience', audienceId: pro.value.id, member: true }],
          },
        ],
        interval: 'day',
        where: [],
        breakdown: { on: 'computed_trait', property: 'orders.total' },
      },
    });
    expect(await refusal(engine.audiences.delete(workspaceId, pro.value.id))).toContain(
      'saved insight "Pro orders"',
    );
    expect(await refusal(engine.computedTraits.delete(workspaceId, orders.value.id))).toContain(
      'saved insight "Pro orders"',
    );
    expect(
      await refusal(engine.computedTraits.update(workspaceId, orders.value.id, { name: 'purchases' })),
    ).toContain('saved insight "Pro orders"');

    // Once the insight reads neither, both go.
    await engine.savedInsights.delete(workspaceId, insight.id);
    await engine.audiences.delete(workspaceId, pro.value.id);
    await engine.computedTraits.delete(workspaceId, orders.value.id);
  });

  it('keeps a person’s custom field a journey sets', async () => {
    const { workspaceId } = await trackingWorkspace(engine);
    const tier = await engine.customFields.create(
      workspaceId,
      { entity: 'person', key: 'tier', label: 'Tier', type: 'text' },
      null,
    );
    const spare = await engine.customFields.create(
      workspaceId,
      { entity: 'person', key: 'spare', label: 'Spare', type: 'text' },
      null,
    );
    await engine.journeys.create(workspaceId, {
      name: 'Upgrade',
      entry: { kind: 'event', event: 'Plan Upgraded' },
      steps: [{ id: 'tier', kind: 'update_crm_field', field: 'tier', value: 'gold', next: null }],
    });
    expect(await refusal(engine.customFields.delete(workspaceId, tier.id, null))).toBe(
      'The custom field "Tier" cannot be deleted: journey "Upgrade" uses it. Change it first.',
    );
    await engine.customFields.delete(workspaceId, spare.id, null);
  });

  it('keeps a team its mailboxes, SLA policies, unsolved tickets or the new-leads setting name', async () => {
    const { workspaceId } = await trackingWorkspace(engine);
    const support = await engine.teams.create(workspaceId, { name: 'Support' }, null);
    const inbox = `help-${Math.random()}@acme.test`;
    await engine.mailboxes.create(workspaceId, { address: inbox, teamId: support.id });
    await engine.slaSettings.createPolicy(
      workspaceId,
      CreateSlaPolicySchema.parse({
        name: 'Support first',
        hours: 'calendar',
        conditions: [{ field: 'teamId', op: 'in', value: ['team_other', support.id] }],
        targets: { normal: { firstResponse: 60 } },
      }),
    );
    await engine.companies.updateSettings(workspaceId, {
      linkPeopleByEmailDomain: false,
      assignNewLeadsTo: support.id,
    });
    const ticket = (subject: string) =>
      engine.tickets.create(
        workspaceId,
        { subject, email: 'ann@example.com', priority: 'normal', teamId: support.id },
        null,
      );
    const first = await ticket('Locked out');
    const second = await ticket('Invoice');

    expect(await refusal(engine.teams.delete(workspaceId, support.id, null))).toBe(
      `The team "Support" cannot be deleted: the "New leads" setting, mailbox "${inbox}", ` +
        `SLA policy "Support first", 2 unsolved tickets (#${first.number}, #${second.number}) use it. Change them first.`,
    );

    // Once nothing names it but solved tickets (their history), it goes.
    await engine.companies.updateSettings(workspaceId, {
      linkPeopleByEmailDomain: false,
      assignNewLeadsTo: null,
    });
    for (const mailbox of await engine.mailboxes.list(workspaceId))
      await engine.mailboxes.update(workspaceId, mailbox.id, { teamId: null });
    for (const policy of await engine.slaSettings.listPolicies(workspaceId))
      await engine.slaSettings.deletePolicy(workspaceId, policy.id);
    await engine.tickets.update(workspaceId, first.id, { status: 'solved' }, null);
    expect(await refusal(engine.teams.delete(workspaceId, support.id, null))).toBe(
      `The team "Support" cannot be deleted: 1 unsolved ticket (#${second.number}) uses it. Change it first.`,
    );
    await engine.tickets.update(workspaceId, second.id, { teamId: null }, null);
    await engine.teams.delete(workspaceId, support.id, null);
    await expect(engine.teams.get(workspaceId, support.id)).rejects.toThrow(/not found/);
  });
});
