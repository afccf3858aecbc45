import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { typoLookups, typosBetween } from './index.js';

type Call = Record<string, unknown>;

describe('typo distance', () => {
  it('counts the edits to the closest prefix of the text or of one of its words', () => {
    expect(typosBetween('jo', 'john smith')).toBe(0);
    expect(typosBetween('jonh', 'john smith')).toBe(1);
    expect(typosBetween('smiht', 'john smith')).toBe(1);
    expect(typosBetween('jhon', 'john')).toBe(1);
    expect(typosBetween('jon', 'john')).toBe(1);
    expect(typosBetween('johnn', 'john')).toBe(1);
    expect(typosBetween('jahn', 'john')).toBe(1);
    expect(typosBetween('mary', 'john')).toBeGreaterThan(1);
  });

  it('probes only indexed prefixes, none shorter than two letters', () => {
    expect(typoLookups('jo')).toEqual([]);
    const lookups = typoLookups('jonh');
    expect(lookups).toContainEqual({ prefix: 'john' });
    expect(lookups.every((lookup) => lookup.prefix.length >= 2)).toBe(true);
  });
});

describe.each(ENGINES)('global search on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let workspaceId: string;
  let other: string;
  let messages = 0;

  async function send(workspace: string, ...calls: Call[]) {
    const source = await engine.sources.create(workspace, { name: `web ${messages}` });
    await engine.collector.collect({
      source: { workspaceId: workspace, sourceId: source.id },
      calls: calls.map((call) => ({ messageId: `m${++messages}`, ...call })),
      request: {},
    });
    await engine.pipeline.catchUp();
  }

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    workspaceId = (await createWorkspace(engine.store, `search ${Math.random()}`)).id;
    other = (await createWorkspace(engine.store, `other ${Math.random()}`)).id;
    await send(
      workspaceId,
      { type: 'identify', userId: 'u1', traits: { name: 'John Smith', email: 'john@acme.test' } },
      { type: 'identify', userId: 'u2', traits: { first_name: 'Johanna', last_name: 'Berg' } },
      { type: 'identify', userId: 'u3', traits: { name: 'Ada Lovelace', email: 'ada@analytical.test' } },
      { type: 'identify', userId: 'u4', traits: { plan: 'john' } },
      {
        type: 'group',
        userId: 'u1',
        groupId: 'g-acme',
        traits: { name: 'Acme Corporation', domain: 'acme.test' },
      },
      {
        type: 'group',
        userId: 'u3',
        groupId: 'g-globex',
        traits: { name: 'Globex', domain: 'globex.example' },
      },
    );
    await send(other, { type: 'identify', userId: 'x1', traits: { name: 'John Other' } });
  });
  afterAll(() => engine.dispose());

  const search = (
    q: string,
    types: ('people' | 'companies' | 'deals')[] = ['people', 'companies'],
    limit = 5,
  ) => engine.search.search(workspaceId, { q, types, limit });

  it('finds people by the beginning of a name, a last name or an email, in this workspace only', async () => {
    const { data } = await search('joh', ['people']);
    expect(data.map((hit) => hit.title).sort()).toEqual(['Johanna Berg', 'John Smith']);
    expect(data.every((hit) => hit.typos === 0 && hit.type === 'people')).toBe(true);
    expect((await search('berg', ['people'])).data.map((hit) => hit.title)).toEqual(['Johanna Berg']);
    const byEmail = await search('ada@ana', ['people']);
    expect(byEmail.data).toMatchObject([
      { title: 'Ada Lovelace', subtitle: 'ada@analytical.test', typos: 0 },
    ]);
    const byId = await engine.profiles.lookup(workspaceId, 'user_id', 'u3');
    expect(byEmail.data[0]?.id).toBe(byId.id);
  });

  it('tolerates one typo: "jonh" finds John; a swapped, missing, extra or wrong letter', async () => {
    const jonh = await search('jonh', ['people']);
    expect(jonh.data[0]).toMatchObject({ title: 'John Smith', typos: 1 });
    expect((await search('ada lovelcae', ['people'])).data[0]?.title).toBe('Ada Lovelace');
    expect((await search('ada lovlace', ['people'])).data[0]?.title).toBe('Ada Lovelace');
    expect((await search('ada lovelaxe', ['people'])).data[0]?.title).toBe('Ada Lovelace');
    expect((await search('adaa lovelace', ['people'])).data[0]?.title).toBe('Ada Lovelace');
    // A trait that is not a name does not make a person match.
    expect(jonh.data.map((hit) => hit.title)).not.toContain('u4');
  });

  it('finds companies by name or domain, with typos', async () => {
    const { data } = await search('acme', ['companies']);
    expect(data).toMatchObject([{ type: 'companies', title: 'Acme Corporation', subtitle: 'acme.test' }]);
    expect((await search('globex.ex', ['companies'])).data[0]?.title).toBe('Globex');
    expect((await search('glboex', ['companies'])).data[0]).toMatchObject({ title: 'Globex', typos: 1 });
  });

  it('puts exact prefixes before typos', async () => {
    const results = await search('john', ['people', 'deals']);
    expect(results.unsupported).toEqual([]);
    expect(results.data[0]).toMatchObject({ title: 'John Smith', typos: 0 });
    expect((await search('zzzz', ['people', 'companies'])).data).toEqual([]);
  });

  it('uses the searcher registered for a type', async () => {
    engine.search.register('deals', async (_workspace, { lookups }) =>
      lookups.some((lookup) => 'big renewal'.startsWith(lookup.prefix))
        ? [{ id: 'deal_1', title: 'Big renewal', subtitle: null, texts: ['Big renewal'] }]
        : [],
    );
    const results = await search('big ren', ['deals']);
    expect(results).toEqual({
      data: [
        {
          type: 'deals',
          id: 'deal_1',
          title: 'Big renewal',
          subtitle: null,
          matched: 'Big renewal',
          typos: 0,
        },
      ],
      unsupported: [],
    });
  });
});
