import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, holderOf, openTestEngine, personRefOf, rowsMentioning } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

const CRM_TABLES = [
  'crm_people',
  'crm_activities',
  'crm_tasks',
  'crm_deal_people',
  'crm_audit',
  'crm_companies',
] as const;

describe.each(ENGINES)('the CRM’s person data on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** Ann and Bob in the CRM: records, notes, tasks, one deal they share. */
  async function crmWithTwoPeople(annNotes = 1) {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const ann = await engine.people.create(
      workspaceId,
      { email: 'Ann@Example.com', name: 'Ann Lee', lifecycleStage: 'lead', tags: ['vip'] },
      'usr_rep',
    );
    const bob = await engine.people.create(
      workspaceId,
      { email: 'bob@example.com', name: 'Bob Roe' },
      'usr_rep',
    );
    const pipeline = await engine.pipelines.create(
      workspaceId,
      { name: 'Sales', stages: [{ name: 'Lead', probability: 10 }] },
      null,
    );
    await engine.deals.create(
      workspaceId,
      {
        name: 'Acme renewal',
        amount: 1200,
        currency: 'EUR',
        pipelineId: pipeline.id,
        people: [{ profileId: ann.profileId, role: 'champion' }],
        profileIds: [bob.profileId],
      },
      'usr_rep',
    );
    // Acme names Ann its contact and Bob its billing contact (relation custom fields).
    for (const key of ['contact', 'billing']) {
      await engine.customFields.create(
        workspaceId,
        { entity: 'company', key, label: key, type: 'relation', relationTo: 'person' },
        null,
      );
    }
    await engine.companies.create(
      workspaceId,
      { name: 'Acme', fields: { contact: ann.profileId, billing: bob.profileId } },
      'usr_rep',
    );
    for (const person of [ann, bob]) {
      await engine.tasks.create(
        workspaceId,
        { title: `Call ${person.profileId}`, dueAt: '2030-01-01T00:00:00Z', profileId: person.profileId },
        'usr_rep',
      );
    }
    await engine.activities.create(
      workspaceId,
      { kind: 'call', profileId: bob.profileId, body: 'Bob wants a demo' },
      'usr_rep',
    );
    for (let n = 0; n < annNotes; n++)
      await engine.activities.create(
        workspaceId,
        { kind: 'note', profileId: ann.profileId, body: `Ann said ${n}` },
        'usr_rep',
      );
    return { workspaceId, ann: ann.profileId, bob: bob.profileId };
  }

  const rowsOf = async (workspaceId: string, needles: string[]) =>
    Object.fromEntries(
      await Promise.all(
        CRM_TABLES.map(async (t) => [t, await rowsMentioning(engine, workspaceId, t, needles)] as const),
      ),
    );

  it('exports the person’s record, activities, tasks, deals and audit trail', async () => {
    const { workspaceId, ann } = await crmWithTwoPeople();
    const exported = (await holderOf(engine, 'crm').exportPerson(
      await personRefOf(engine, workspaceId, ann),
    )) as {
      relatedRecords: { record: string; id: string; asFields: string[] }[];
      records: { lifecycleStage: string; tags: string[] }[];
      activities: { body: string }[];
      tasks: { title: string }[];
      deals: { name: string; role: string }[];
      auditTrail: { entityType: string }[];
    };
    expect(exported.records).toMatchObject([{ lifecycleStage: 'lead', tags: ['vip'] }]);
    expect(exported.relatedRecords).toEqual([
      { record: 'company', id: expect.any(String), asFields: ['contact'] },
    ]);
    expect(exported.activities.map((a) => a.body)).toEqual(['Ann said 0']);
    expect(exported.tasks.map((t) => t.title)).toEqual([`Call ${ann}`]);
    expect(exported.deals).toMatchObject([{ name: 'Acme renewal', role: 'champion' }]);
    expect(exported.auditTrail.map((e) => e.entityType)).toEqual(
      expect.arrayContaining(['person', 'task', 'activity']),
    );
    // Nothing of Bob's comes with it.
    expect(JSON.stringify(exported)).not.toContain('Bob wants a demo');
  });

  it('erases every CRM row about the person, 1,000 notes included, and leaves the other untouched', async () => {
    const { workspaceId, ann, bob } = await crmWithTwoPeople(1000);
    const bobBefore = await rowsOf(workspaceId, [bob, 'bob@example.com']);
    const holder = holderOf(engine, 'crm');
    const person = await personRefOf(engine, workspaceId, ann);
    const started = performance.now();
    const counts = await holder.erasePerson(person);
    const elapsed = performance.now() - started;
    expect(counts).toMatchObject({
      crm_people: 1,
      crm_activities: 1000,
      crm_tasks: 1,
      crm_deal_people: 1,
      'crm_companies.fields': 1,
    });
    expect(counts.crm_audit).toBeGreaterThanOrEqual(1003);
    expect(elapsed).toBeLessThan(5000);
    expect(await rowsOf(workspaceId, [ann, 'ann@example.com'])).toEqual(
      Object.fromEntries(CRM_TABLES.map((t) => [t, 0])),
    );
    // Bob keeps everything that does not name Ann (the deal's audit entry named both: it went).
    const bobAfter = await rowsOf(workspaceId, [bob, 'bob@example.com']);
    expect({ ...bobAfter, crm_audit: 0 }).toEqual({ ...bobBefore, crm_audit: 0 });
    expect(bobAfter.crm_audit).toBeGreaterThan(0);
    const deal = await engine.store.db
      .selectFrom('crm_deals')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .execute();
    expect(deal).toEqual([{ name: 'Acme renewal' }]);
    // Idempotent: a second erasure finds nothing.
    expect(Object.values(await holder.erasePerson(person)).every((n) => n === 0)).toBe(true);
  }, 120_000);
});
