import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmAuditOf } from '../crm/index.js';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { parseDealMapping } from './deal-mapping.js';

describe('deal import mappings', () => {
  it('explain what is wrong with a bad mapping', () => {
    expect(parseDealMapping('amount=Amount')).toEqual({
      ok: false,
      error: expect.stringContaining('name=<column>'),
    });
    expect(parseDealMapping('name=Deal,colour=c')).toEqual({
      ok: false,
      error: expect.stringContaining('unknown deal mapping target "colour"'),
    });
    expect(parseDealMapping('name=Deal,people.boss=b')).toEqual({
      ok: false,
      error: expect.stringContaining('"boss" is not a deal role'),
    });
    expect(parseDealMapping('name=Deal,name=Other')).toEqual({
      ok: false,
      error: 'the mapping names name twice',
    });
    expect(parseDealMapping('externalId=id,amount=a').ok).toBe(true);
  });
});

describe.each(ENGINES)('deal imports on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let folder: string;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    folder = mkdtempSync(join(tmpdir(), 'tandem-deal-import-'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  /** A workspace with a member (the owner of deals), one known person and one known company. */
  async function setup() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const web = await engine.sources.create(workspaceId, { name: 'web' });
    const files = await engine.sources.create(workspaceId, { name: 'files' });
    const user = await engine.access.accounts.ensureUser({ email: `rep-${workspaceId}@seller.test` });
    await engine.access.members.add(workspaceId, user.id, 'sales');
    await engine.collector.collect({
      source: { workspaceId, sourceId: web.id },
      calls: [{ type: 'identify', userId: 'u1', traits: { email: 'ana@acme.test' }, messageId: 'id-u1' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    const ana = (await engine.profiles.lookup(workspaceId, 'user_id', 'u1')).id;
    const acme = await engine.companies.create(workspaceId, { name: 'Acme', domain: 'acme.test' }, null);
    await engine.customFields.create(
      workspaceId,
      { entity: 'deal', key: 'seats', label: 'Seats', type: 'number' },
      null,
    );
    await engine.customFields.create(
      workspaceId,
      { entity: 'deal', key: 'region', label: 'Region', type: 'select', choices: ['EMEA', 'APAC'] },
      null,
    );
    const partners = await engine.pipelines.create(
      workspaceId,
      {
        name: 'Partners',
        stages: [
          { name: 'Lead', probability: 10 },
          { name: 'Signed', probability: 90 },
        ],
      },
      null,
    );
    return {
      workspaceId,
      source: { workspaceId, sourceId: files.id },
      owner: user,
      ana,
      acme,
      partners,
    };
  }

  async function importFile(
    source: { workspaceId: string; sourceId: string },
    name: string,
    content: string,
    options: { map: string; currency?: string },
  ) {
    const file = join(folder, `${kind}-${Math.random()}-${name}`);
    writeFileSync(file, content);
    const job = await engine.imports.start({
      source,
      filePath: file,
      bytesTotal: content.length,
      fileName: name,
      import: { type: 'deal', ...options },
      actorId: 'usr_importer',
    });
    expect(job).toMatchObject({ status: 'running', type: 'deal' });
    await engine.imports.settle();
    return engine.imports.get(source.workspaceId, job.id);
  }

  const MAP = [
    'externalId=Id',
    'name=Deal',
    'amount=Amount',
    'currency=Currency',
    'closeDate=Close',
    'pipeline=Pipeline',
    'stage=Stage',
    'status=Status',
    'lostReason=Why',
    'owner=Owner',
    'companyDomain=Website',
    'company=Account',
    'people.champion=Champion',
    'person=Contacts',
    'fields.seats=Seats',
    'fields.region=Region',
  ].join(',');

  it('creates deals with their references resolved, and reports bad rows by line and column', async () => {
    const { workspaceId, source, owner, ana, acme, partners } = await setup();
    const csv = [
      'Id,Deal,Amount,Currency,Close,Pipeline,Stage,Status,Why,Owner,Website,Account,Champion,Contacts,Seats,Region',
      `d1,Acme renewal,"1,200.50",eur,2026-03-31,Partners,signed,,,${owner.email.toUpperCase()},acme.test,,ana@acme.test,new@newco.test;ANA@acme.test,12,EMEA`,
      'd2,Newco pilot,300,,,,,won,,,newco.test,Newco,,new@newco.test,,',
      'd3,Bad amount,lots,EUR,,,,,,,,,,,,',
      'd4,Bad stage,1,EUR,,Partners,Closing,,,,,,,,,',
      'd5,Stranger owner,1,EUR,,,,,,someone@else.test,,,,,,',
      'd6,Bad seats,1,EUR,,,,,,,,,,,many,Mars',
      'd7,Lost without reason,1,EUR,,,,lost,,,,,,,,',
      'd8,Lost deal,5,EUR,20260115,,,Closed Lost,Too expensive,,,Solo Inc,,,,',
      'd9,,1,EUR,,,,,,,,,,,,',
    ].join('\n');
    const job = await importFile(source, 'deals.csv', csv, { map: MAP, currency: 'usd' });
    expect(job).toMatchObject({
      status: 'completed',
      type: 'deal',
      rowsRead: 9,
      rowsStored: 3,
      rowsDuplicate: 0,
      rowsRejected: 6,
    });
    expect(job.errors).toEqual([
      { line: 3, message: 'column "Amount" (amount): "lots" is not an amount (a number, at least 0)' },
      { line: 4, message: 'column "Stage" (stage): no stage "Closing" in pipeline "Partners"' },
      { line: 5, message: 'column "Owner" (owner): someone@else.test is not a member of this workspace' },
      {
        line: 6,
        message:
          'column "Seats" (fields.seats): "Seats" takes a number.; column "Region" (fields.region): "Region" takes one of: EMEA, APAC.',
      },
      { line: 7, message: 'column "Why" (lostReason): say why the deal was lost (status is lost)' },
      { line: 9, message: 'column "Deal" (name): a deal needs a name' },
    ]);

    const deals = (await engine.deals.list(workspaceId, { limit: 50 })).data;
    const byName = new Map(deals.map((d) => [d.name, d]));
    expect(deals).toHaveLength(3);
    const renewal = byName.get('Acme renewal');
    const newPerson = await engine.identity.profileIdOf(workspaceId, 'email', 'new@newco.test');
    expect(newPerson).toBeDefined();
    expect(renewal).toMatchObject({
      amount: 1200.5,
      currency: 'EUR',
      closeDate: '2026-03-31',
      pipelineId: partners.id,
      stageId: partners.stages[1]?.id,
      status: 'open',
      ownerId: owner.id,
      companyId: acme.id,
      companyName: 'Acme',
      fields: { seats: 12, region: 'EMEA' },
    });
    expect(renewal?.people).toEqual(
      expect.arrayContaining([
        { profileId: ana, role: 'champion' },
        { profileId: newPerson, role: 'other' },
      ]),
    );
    expect(renewal?.people).toHaveLength(2);
    // A company missing by domain is created (named by the Account column); the default pipeline and
    // the import's currency fill the gaps; a deal imported won is closed.
    const pilot = byName.get('Newco pilot');
    // The workspace's default pipeline is its first (Partners here, made before any other).
    const [first] = await engine.pipelines.list(workspaceId);
    expect(pilot).toMatchObject({
      currency: 'USD',
      pipelineId: first?.id,
      stageId: first?.stages[0]?.id,
      status: 'won',
      companyName: 'Newco',
    });
    expect(pilot?.closedAt).not.toBeNull();
    expect((await engine.companies.get(workspaceId, pilot?.companyId ?? '')).domains).toEqual(['newco.test']);
    expect(byName.get('Lost deal')).toMatchObject({
      status: 'lost',
      lostReason: 'Too expensive',
      closeDate: '2026-01-15',
      companyName: 'Solo Inc',
    });

    // As when created by hand: audited, `Deal Created` on each person's timeline, stage history.
    const audit = await crmAuditOf(engine.store.db, {
      workspaceId,
      entityType: 'deal',
      entityId: renewal?.id ?? '',
    });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([['create', 'usr_importer']]);
    expect((await engine.deals.get(workspaceId, renewal?.id ?? '')).stageHistory).toHaveLength(1);
    await engine.pipeline.catchUp();
    const timeline = await engine.profiles.timeline(workspaceId, ana, { limit: 50 });
    expect(timeline.data.find((e) => e.event === 'Deal Created')?.properties).toMatchObject({
      dealId: renewal?.id,
      dealName: 'Acme renewal',
      role: 'champion',
      stage: 'Signed',
    });
    const created = await engine.profiles.timeline(workspaceId, newPerson ?? '', { limit: 50 });
    expect(created.data.map((e) => e.event)).toEqual(
      expect.arrayContaining(['Person Created', 'Deal Created', 'Deal Won']),
    );
  });

  it('updates the deals of an earlier import by externalId or dealId instead of adding them twice', async () => {
    const { workspaceId, source } = await setup();
    const first = 'Id,Deal,Amount\nx1,One,10\nx2,Two,20\nx1,One again,15\n';
    const map = 'externalId=Id,name=Deal,amount=Amount';
    const job = await importFile(source, 'first.csv', first, { map, currency: 'EUR' });
    // The third row names the deal the first made: it updates it.
    expect(job).toMatchObject({ rowsStored: 2, rowsDuplicate: 1, rowsRejected: 0 });
    const again = await importFile(source, 'again.csv', 'Id,Deal,Amount\nx1,One,99\nx3,Three,30\n', {
      map,
      currency: 'EUR',
    });
    expect(again).toMatchObject({ rowsStored: 1, rowsDuplicate: 1, rowsRejected: 0 });
    const deals = (await engine.deals.list(workspaceId, { limit: 50 })).data;
    expect(deals.map((d) => [d.name, d.amount]).sort()).toEqual([
      ['One', 99],
      ['Three', 30],
      ['Two', 20],
    ]);
    const two = deals.find((d) => d.name === 'Two');
    const byId = await importFile(
      source,
      'by-id.csv',
      `Deal id,Status,Why\n${two?.id},lost,Budget cut\ndeal_nothere,won,\n`,
      { map: 'dealId=Deal id,status=Status,lostReason=Why' },
    );
    expect(byId).toMatchObject({ rowsStored: 0, rowsDuplicate: 1, rowsRejected: 1 });
    expect(byId.errors).toEqual([{ line: 2, message: 'column "Deal id" (dealId): no deal deal_nothere' }]);
    expect(await engine.deals.get(workspaceId, two?.id ?? '')).toMatchObject({
      status: 'lost',
      lostReason: 'Budget cut',
    });
  });

  it('reports a bad email of a people column as its row’s error, naming the role', async () => {
    const { workspaceId, source, ana } = await setup();
    const job = await importFile(
      source,
      'people.csv',
      'Deal,Buyer\nGood,ana@acme.test\nBad,ana@acme.test; not-an-email\n',
      { map: 'name=Deal,people.decision_maker=Buyer', currency: 'EUR' },
    );
    expect(job).toMatchObject({ rowsStored: 1, rowsRejected: 1 });
    expect(job.errors).toEqual([
      { line: 2, message: 'column "Buyer" (people.decision_maker): "not-an-email" is not an email' },
    ]);
    const [deal] = (await engine.deals.list(workspaceId, { limit: 5 })).data;
    expect(deal?.people).toEqual([{ profileId: ana, role: 'decision_maker' }]);
  });

  it('imports a few thousand rows in batches, with progress', async () => {
    const { workspaceId, source } = await setup();
    const rows = 3000;
    const lines = ['Deal,Amount,Stage,Seats'];
    for (let i = 0; i < rows; i += 1) lines.push(`Deal ${i},${i},${i % 2 ? 'Signed' : 'lead'},${i % 50}`);
    const content = `${lines.join('\n')}\n`;
    const job = await importFile(source, 'many.csv', content, {
      map: 'name=Deal,amount=Amount,stage=Stage,fields.seats=Seats',
      currency: 'EUR',
    });
    expect(job.errors).toEqual([]);
    expect(job).toMatchObject({
      status: 'completed',
      rowsRead: rows,
      rowsStored: rows,
      rowsRejected: 0,
      bytesRead: content.length,
    });
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await engine.deals.list(workspaceId, { limit: 500, cursor });
      count += page.data.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(count).toBe(rows);
    const signed = await engine.deals.list(workspaceId, { limit: 1 });
    expect(signed.data[0]).toMatchObject({ name: `Deal ${rows - 1}`, fields: { seats: (rows - 1) % 50 } });
  });

  it('refuses a bad deal mapping before starting', async () => {
    const { source } = await setup();
    await expect(
      engine.imports.start({
        source,
        filePath: join(folder, 'none.csv'),
        bytesTotal: 0,
        fileName: 'none.csv',
        import: { type: 'deal', map: 'amount=Amount' },
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('name=<column>') });
  });
});
