import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { parseColumnMapping } from './column-mapping.js';
import { runImport } from './import-runner.js';
import { isoTimestamp, rowToCall } from './row-to-call.js';

const ORDERS_CSV = `customer_id,email,amount,date,channel
c1,Ana@Example.com,19.90,2024-03-01 10:00:00,pos
c2,bob@example.com,5,19970101,web
,nobody@example.com,3,2024-03-02,pos
c3,cy@example.com,12,not a date,pos
`;

function mapping(spec: string, options: { type?: string; event?: string } = {}) {
  const parsed = parseColumnMapping(spec, options);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('column mappings', () => {
  it('explain what is wrong with a bad mapping', () => {
    expect(parseColumnMapping('userId')).toEqual({
      ok: false,
      error: expect.stringContaining('target=column'),
    });
    expect(parseColumnMapping('colour=c,userId=id')).toEqual({
      ok: false,
      error: expect.stringContaining('colour'),
    });
    expect(parseColumnMapping('traits.email=e')).toEqual({
      ok: false,
      error: expect.stringContaining('userId'),
    });
    expect(parseColumnMapping('userId=id', { type: 'track' })).toEqual({
      ok: false,
      error: expect.stringContaining('event'),
    });
  });

  it('refuse a mapping with too many entries or a context path too deep, naming the limit', () => {
    const many = Array.from({ length: 501 }, (_, i) => `traits.t${i}=c${i}`).join(',');
    expect(parseColumnMapping(`userId=id,${many}`)).toEqual({
      ok: false,
      error: 'the mapping holds more than 500 entries; the limit is 500',
    });
    const deep = `context.${Array.from({ length: 2000 }, () => 'a').join('.')}`;
    expect(parseColumnMapping(`userId=id,${deep}=c`)).toEqual({
      ok: false,
      error: `mapping target "${deep}" is 2000 deep; the limit is 8`,
    });
  });

  it('build calls with typed values, nested context and ISO timestamps', () => {
    const call = rowToCall(
      { id: ' 7 ', plan: 'pro', total: '12.50', vip: 'true', ip: '1.2.3.4', when: '2024-01-05 10:00' },
      mapping(
        'userId=id,traits.plan=plan,properties.total=total,properties.vip=vip,context.ip=ip,timestamp=when',
        {
          event: 'Order Completed',
        },
      ),
    );
    expect(call).toEqual({
      type: 'track',
      event: 'Order Completed',
      userId: '7',
      traits: { plan: 'pro' },
      properties: { total: 12.5, vip: true },
      context: { ip: '1.2.3.4' },
      timestamp: '2024-01-05T10:00:00.000Z',
    });
    expect(isoTimestamp('19970101')).toBe('1997-01-01T00:00:00.000Z');
    expect(isoTimestamp('garbage')).toBe('garbage');
  });
});

describe.each(ENGINES)('imports on %s', (kind) => {
  const folder = mkdtempSync(join(tmpdir(), 'tandem-import-test-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => dispose?.());

  async function setup() {
    const engine = await openTestEngine(kind);
    dispose = () => engine.dispose();
    const workspace = await createWorkspace(engine.store, 'W');
    const source = await engine.sources.create(workspace.id, { name: 'POS' });
    return { engine, source: { workspaceId: workspace.id, sourceId: source.id } };
  }
  const ordersMapping = () =>
    mapping(
      'userId=customer_id,traits.email=email,properties.total=amount,properties.channel=channel,timestamp=date',
      {
        event: 'Order Completed',
      },
    );

  it('imports valid rows, reports bad rows by line, and never duplicates on a re-run', async () => {
    const { engine, source } = await setup();
    const first = await runImport(engine.collector, {
      source,
      input: Readable.from([ORDERS_CSV]),
      format: 'csv',
      mapping: ordersMapping(),
    });
    expect(first).toMatchObject({ rowsRead: 4, rowsStored: 2, rowsDuplicate: 0, rowsRejected: 2 });
    expect(first.errors.map((e) => e.line)).toEqual([3, 4]);
    expect(first.errors[1]?.message).toContain('timestamp');

    const events = await engine.collector.recentEvents(source.workspaceId, source.sourceId, 10);
    const ana = events.find((e) => e.userId === 'c1');
    expect(ana).toMatchObject({ event: 'Order Completed', timestamp: '2024-03-01T10:00:00.000Z' });
    expect(ana?.payload).toMatchObject({
      properties: { total: 19.9, channel: 'pos' },
      traits: { email: 'Ana@Example.com' },
    });

    const again = await runImport(engine.collector, {
      source,
      input: Readable.from([ORDERS_CSV]),
      format: 'csv',
      mapping: ordersMapping(),
    });
    expect(again).toMatchObject({ rowsStored: 0, rowsDuplicate: 2 });
  });

  it('imports NDJSON lines that are Segment calls as they are', async () => {
    const { engine, source } = await setup();
    const lines = [
      JSON.stringify({ type: 'identify', userId: 'n1', traits: { plan: 'pro' } }),
      'not json',
      JSON.stringify({ type: 'track', userId: 'n1', event: 'Call Logged', properties: { minutes: 4 } }),
    ].join('\n');
    const progress = await runImport(engine.collector, {
      source,
      input: Readable.from([lines]),
      format: 'ndjson',
      mapping: mapping(''),
    });
    expect(progress).toMatchObject({ rowsRead: 3, rowsStored: 2, rowsRejected: 1 });
    expect(progress.errors).toEqual([{ line: 2, message: 'line is not valid JSON' }]);
  });

  it('keeps going past a malformed CSV record', async () => {
    const { engine, source } = await setup();
    const csv = 'customer_id,email\nc1,a@b.co\nc2,"broken\nc3,c@d.co\n';
    const progress = await runImport(engine.collector, {
      source,
      input: Readable.from([csv]),
      format: 'csv',
      mapping: mapping('userId=customer_id,traits.email=email'),
    });
    expect(progress.rowsStored).toBeGreaterThanOrEqual(1);
    expect(progress.rowsRejected + progress.rowsStored).toBeGreaterThanOrEqual(2);
  });

  it('tracks a background import job to completion', async () => {
    const { engine, source } = await setup();
    const file = join(folder, `orders-${kind}.csv`);
    writeFileSync(file, ORDERS_CSV);
    const job = await engine.imports.start({
      source,
      filePath: file,
      bytesTotal: ORDERS_CSV.length,
      fileName: 'orders.csv',
      import: {
        map: 'userId=customer_id,traits.email=email,properties.total=amount,timestamp=date',
        event: 'Order Completed',
      },
    });
    expect(job.status).toBe('running');
    await engine.imports.settle();
    const done = await engine.imports.get(source.workspaceId, job.id);
    expect(done).toMatchObject({
      status: 'completed',
      rowsStored: 2,
      rowsRejected: 2,
      bytesRead: ORDERS_CSV.length,
    });
    const other = await createWorkspace(engine.store, 'Other');
    await expect(engine.imports.get(other.id, job.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
