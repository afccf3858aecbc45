import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { maskDeliveryMessage } from '../warehouse/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { maskPersonal, maskValue, PersonalMask } from './index.js';

describe('masking a personal value', () => {
  it('keeps an email’s first letters and top-level domain, and hides any other value', () => {
    expect(maskValue('jane.doe@example.com')).toBe('j•••@e•••.com');
    expect(maskValue('+44 20 7946 0958')).toBe('•••');
    expect(maskValue(42)).toBe('•••');
    expect(maskValue(null)).toBeNull();
    expect(maskValue({ street: '1 Main St', city: 'Leeds' })).toEqual({ street: '•••', city: '•••' });
  });

  it('masks personal keys at any depth, whatever their case or separators, and leaves the rest', () => {
    const mask = new PersonalMask(['email', 'firstName']);
    const values = {
      Email: 'ann@shop.io',
      first_name: 'Ann',
      plan: 'pro',
      order: { buyer: { email: 'ann@shop.io' }, items: [{ email: 'b@c.de', sku: 'x' }] },
    };
    expect(maskPersonal(values, mask)).toEqual({
      Email: 'a•••@s•••.io',
      first_name: '•••',
      plan: 'pro',
      order: { buyer: { email: 'a•••@s•••.io' }, items: [{ email: 'b•••@c•••.de', sku: 'x' }] },
    });
    expect(values.first_name).toBe('Ann');
    expect(mask.hides('crm_email')).toBe(true);
    expect(mask.hides('crm_plan')).toBe(false);
    expect(
      mask.identities([
        { type: 'email', value: 'ann@shop.io' },
        { type: 'user_id', value: 'u1' },
      ]),
    ).toEqual([
      { type: 'email', value: 'a•••@s•••.io' },
      { type: 'user_id', value: 'u1' },
    ]);
  });

  it('masks a warehouse delivery’s profile, event and trait change, not its ids or names', () => {
    const message = {
      deliveryId: 'd1',
      workspaceId: 'w',
      destinationId: 'dst',
      profileId: 'p1',
      type: 'event' as const,
      occurredAt: '2026-01-01T00:00:00.000Z',
      attempt: 1,
      rawBody: '{}',
      body: {
        profile: {
          id: 'p1',
          traits: { email: 'a@b.co', plan: 'pro' },
          identities: [{ type: 'phone', value: '+15550100' }],
        },
        event: {
          name: 'Pricing',
          properties: { email: 'a@b.co' },
          context: { os: { name: 'iOS' }, traits: { name: 'Ann' } },
        },
        trait: { name: 'phone', value: '+15550100', previous: null },
      },
    };
    const masked = maskDeliveryMessage(message, new PersonalMask(['email', 'phone', 'name']));
    expect(masked.rawBody).toBeUndefined();
    expect(masked.body).toEqual({
      profile: {
        id: 'p1',
        traits: { email: 'a•••@b•••.co', plan: 'pro' },
        identities: [{ type: 'phone', value: '•••' }],
      },
      event: {
        name: 'Pricing',
        properties: { email: 'a•••@b•••.co' },
        context: { os: { name: 'iOS' }, traits: { name: '•••' } },
      },
      trait: { name: 'phone', value: '•••', previous: null },
    });
  });
});

describe.each(ENGINES)('PII settings on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let workspaceId: string;
  let otherWorkspaceId: string;
  let destinationId: string;

  beforeAll(async () => {
    engine = await openTestEngine(kind, { delivery: { secretKey: randomBytes(32) } });
    workspaceId = (await createWorkspace(engine.store, 'PII')).id;
    const created = await engine.destinations.create(workspaceId, {
      name: 'Hook',
      type: 'webhook',
      config: { url: 'https://example.com/hook' },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    destinationId = created.value.id;
    otherWorkspaceId = (await createWorkspace(engine.store, 'Other')).id;
  });
  afterAll(async () => engine.dispose());

  it('marks email, phone, name and address personal by default; roles with pii:read see them all', async () => {
    const settings = await engine.pii.settings(workspaceId);
    expect(settings.personalFields).toEqual(
      expect.arrayContaining(['email', 'phone', 'name', 'firstName', 'address']),
    );
    expect(settings.updatedAt).toBeNull();
    for (const role of ['owner', 'admin', 'sales', 'support'] as const) {
      expect(await engine.pii.maskForRole(workspaceId, role)).toBeNull();
    }
    for (const role of ['marketer', 'viewer'] as const) {
      const mask = await engine.pii.maskForRole(workspaceId, role);
      expect(mask?.hides('last_name')).toBe(true);
      expect(mask?.hides('plan')).toBe(false);
    }
  });

  it('stores marked fields and role allowlists per workspace, each field once', async () => {
    const saved = await engine.pii.update(workspaceId, {
      personalFields: ['email', 'phone', 'birthday', 'Birthday', 'vip_notes'],
      roleAllowlists: { marketer: ['email'] },
      unmaskedDestinations: [destinationId],
    });
    expect(saved).toMatchObject({
      personalFields: ['email', 'phone', 'birthday', 'vip_notes'],
      roleAllowlists: { marketer: ['email'] },
      unmaskedDestinations: [destinationId],
    });
    expect(saved.updatedAt).not.toBeNull();
    const marketer = await engine.pii.maskForRole(workspaceId, 'marketer');
    expect([marketer?.hides('email'), marketer?.hides('birthday'), marketer?.hides('name')]).toEqual([
      false,
      true,
      false,
    ]);
    const viewer = await engine.pii.maskForRole(workspaceId, 'viewer');
    expect([viewer?.hides('email'), viewer?.hides('vipNotes')]).toEqual([true, true]);
    expect(await engine.pii.maskForDestination(workspaceId, destinationId)).toBeNull();
    expect((await engine.pii.maskForDestination(workspaceId, 'dst_2'))?.hides('email')).toBe(true);
    // Another workspace keeps the defaults.
    expect((await engine.pii.settings(otherWorkspaceId)).personalFields).toContain('name');
  });

  it('refuses an unmasked destination the workspace does not have, naming the field', async () => {
    await expect(
      engine.pii.update(otherWorkspaceId, {
        personalFields: ['email'],
        unmaskedDestinations: [destinationId],
      }),
    ).rejects.toMatchObject({
      code: 'bad_request',
      details: [{ path: 'unmaskedDestinations.0', message: 'no such destination' }],
    });
  });

  it('masks nothing when no field is marked', async () => {
    await engine.pii.update(workspaceId, { personalFields: [] });
    expect(await engine.pii.maskForRole(workspaceId, 'viewer')).toBeNull();
    expect(await engine.pii.maskForDestination(workspaceId, 'dst_2')).toBeNull();
  });
});
