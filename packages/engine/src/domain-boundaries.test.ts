import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Guards of the engine's shape: domains (the folders under src/) depend on each other without
// cycles, only through each other's index.ts, and each table is written by one domain.

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** Every non-test source file of a domain folder, with its domain. */
function domainFiles(): { domain: string; path: string; text: string }[] {
  const files: { domain: string; path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const [domain] = relative(SRC, path).split('/');
        // Files at the root (engine.ts, index.ts) wire the domains together: they are no domain.
        if (domain && relative(SRC, path).includes('/'))
          files.push({ domain, path, text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(SRC);
  return files;
}

/** The domains and root files each file imports (`from '../x/...'`). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/from '\.\.\/([^'/]+)(\/[^']*)?'/g)].map(
    (match) => `${match[1]}${match[2] ?? ''}`,
  );
}

/** The first cycle in a directed graph, or undefined. */
function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the engine’s domains', () => {
  const files = domainFiles();

  it('finds the domains it guards', () => {
    const domains = new Set(files.map((f) => f.domain));
    for (const domain of [
      'identity',
      'profiles',
      'computed-traits',
      'audiences',
      'pipeline',
      'pipeline-runtime',
    ])
      expect(domains).toContain(domain);
  });

  it('import each other without a cycle', () => {
    const graph = new Map<string, Set<string>>();
    for (const { domain, text } of files) {
      const edges = graph.get(domain) ?? new Set<string>();
      graph.set(domain, edges);
      for (const target of importsOf(text)) {
        const [to] = target.split('/');
        // The pipeline thread's entry opens an Engine of its own: an entry point, not a dependency.
        if (to && !to.endsWith('.js') && to !== domain) edges.add(to);
      }
    }
    expect(findCycle(graph)).toBeUndefined();
    // A cycle is found when there is one.
    expect(
      findCycle(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['a'])],
        ]),
      ),
    ).toEqual(['a', 'b', 'a']);
  });

  it('reach other domains through their index only', () => {
    const deep = files.flatMap(({ path, text }) =>
      importsOf(text)
        .filter((target) => target.includes('/') && !target.endsWith('/index.js'))
        .map((target) => `${relative(SRC, path)} → ${target}`),
    );
    expect(deep).toEqual([]);
  });

  it('each write their own tables only', () => {
    const tables = tableNames();
    const writers = new Map<string, Set<string>>();
    for (const { domain, text } of files) {
      // Migrations create and fill the schema: the store is no table's owner.
      if (domain === 'store') continue;
      for (const table of writtenTables(text, tables))
        writers.set(table, (writers.get(table) ?? new Set()).add(domain));
    }
    const shared = [...writers]
      .filter(([, domains]) => domains.size > 1)
      .map(([t, d]) => `${t}: ${[...d].join(', ')}`);
    expect(shared).toEqual([]);
    // The scan sees writes: a few tables and their owners.
    expect(writers.get('profile_merges')).toEqual(new Set(['identity']));
    expect(writers.get('computed_trait_values')).toEqual(new Set(['computed-traits']));
    expect(writers.get('audience_members')).toEqual(new Set(['audiences']));
    expect(writers.get('pipeline_checkpoints')).toEqual(new Set(['pipeline-runtime']));
  });
});

/** The tables of the schema (`interface Database` in store/schema.ts). */
function tableNames(): Set<string> {
  const schema = readFileSync(join(SRC, 'store', 'schema.ts'), 'utf8');
  const body = schema.slice(schema.indexOf('export interface Database {'));
  return new Set([...body.slice(0, body.indexOf('}')).matchAll(/^\s+([a-z_]+):/gm)].map((m) => m[1] ?? ''));
}

/** Tables a file writes: Kysely's insertInto / updateTable / deleteFrom, raw INSERT / UPDATE / DELETE. */
function writtenTables(text: string, tables: ReadonlySet<string>): string[] {
  const found = [
    ...[...text.matchAll(/\b(?:insertInto|updateTable|deleteFrom)\(\s*'([a-z_]+)'/g)].map((m) => m[1]),
    ...[...text.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)\b/gi)].map((m) => m[1]),
  ];
  // A write through a variable (`deleteFrom(table)` in a loop over names): the names listed.
  for (const loop of text.matchAll(/for \(const (\w+) of \[([^\]]*)\]/g)) {
    if (new RegExp(`\\b(?:insertInto|updateTable|deleteFrom)\\(\\s*${loop[1]}\\b`).test(text))
      found.push(...[...(loop[2] ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1]));
  }
  return found.filter((name): name is string => name !== undefined && tables.has(name));
}
