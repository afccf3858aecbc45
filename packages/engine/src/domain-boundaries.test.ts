import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Guards of the engine's shape: domains (the folders under src/) depend on each other without
// cycles, only through each other's index.ts; each table is written by one domain, and read by
// others only through that domain's public functions (but for the reads allowed below).

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
    const writers = writersOf(files, tableNames());
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

  it('read other domains’ tables only through their public functions', () => {
    const tables = tableNames();
    // A table's owner is the one domain writing it (the test above holds there is one).
    const owners = new Map(
      [...writersOf(files, tables)].flatMap(([table, domains]) =>
        domains.size === 1 ? [[table, [...domains][0] ?? '']] : [],
      ),
    );
    const direct: string[] = [];
    for (const { domain, path, text } of files) {
      if (domain === 'store') continue;
      for (const table of readTables(text, tables)) {
        const owner = owners.get(table);
        if (owner !== undefined && owner !== domain) direct.push(`${relative(SRC, path)} → ${table}`);
      }
    }
    const allowed = Object.entries(DIRECT_READS).flatMap(([path, read]) => read.map((t) => `${path} → ${t}`));
    expect(direct.filter((read) => !allowed.includes(read))).toEqual([]);
    // Every allowance is still needed: one that no longer matches a read goes.
    expect(allowed.filter((read) => !direct.includes(read))).toEqual([]);
    // The scan sees reads, through Kysely and in SQL text, and not a query's own names.
    expect(
      readTables(
        [
          "db.selectFrom('profiles as p').leftJoin('companies', 'a', 'b').innerJoin('events as e', 'x', 'y')",
          'sql`select t.value from profile_traits t join computed_trait_values c on true`',
          'sql`profile_events pe`',
          '// read from audiences',
        ].join('\n'),
        tables,
      ),
    ).toEqual([
      'profiles',
      'companies',
      'events',
      'profile_traits',
      'computed_trait_values',
      'profile_events',
    ]);
    expect(readTables('sql`with events as (select 1) select * FROM events`', tables)).toEqual([]);
  });
});

/**
 * Reads of another domain's tables that stay direct, by file (path under src/ → tables). A read
 * not listed fails the test, and so does an allowance no longer matching a read.
 */
const DIRECT_READS: Readonly<Record<string, readonly string[]>> = {
  // Accepted (docs/architecture.md, "Pipeline, identity and profiles"): the set-based SQL of the
  // audience evaluators — one statement over many profiles, not a call per profile. Rules compile
  // to IN / NOT IN sets over traits, events (+ payloads) and computed values, within the
  // workspace's live profiles (rule-query.ts); the window sweep runs one range per windowed leaf;
  // the in-memory evaluator's facts (lead scoring's too) join a chunk's named events to their
  // payloads, and read traits with set_at so SQLite stays on the key.
  'audiences/rule-sql.ts': ['profile_traits', 'computed_trait_values', 'profile_events', 'events'],
  'audiences/rule-query.ts': ['profiles'],
  'audiences/window-sweep.ts': ['profile_events', 'profile_traits', 'computed_trait_values'],
  'audiences/profile-facts.ts': ['profile_traits', 'profile_events', 'events'],
  // Accepted (same section): computed traits' refold and backfill count a trait's events from
  // profile_events joined to their payloads, up to the segment stage's checkpoint, in one query.
  'computed-traits/computed-traits-service.ts': ['profile_events', 'events'],

  // Not accepted, not yet moved: reads outside the stages' batches (services, reports, the lag
  // read), left for later issues.
  // Invitations list their workspace's name in the same query.
  'access/members.ts': ['workspaces'],
  // A user's workspaces joined to their memberships.
  'workspaces/workspaces.ts': ['memberships'],
  // Deal cards name their companies.
  'crm/deals/deal-reads.ts': ['companies'],
  // A destination's subscriptions checked against the workspace's audiences.
  'destinations/destinations-service.ts': ['audiences'],
  // Email rendering: live ids of queued people and their traits (set_at keeps SQLite on the key).
  'email/person-context.ts': ['profiles', 'profile_traits'],
  // Valued events: profile_events joined to a value read out of each payload in SQL.
  'identity/orders-of-event.ts': ['events'],
  // The overview's activity counts over insights' analytics copy of the log.
  'overview/analytics-activity.ts': ['analytics_events'],
  // Workspace lag: each source's newest event against the stages' positions, in one query.
  'pipeline-runtime/workspace-lag.ts': ['events', 'sources'],
  // People lists, search and counts: identity's profiles joined to traits, filtered and paged.
  'profiles/new-profile-reads.ts': ['profiles'],
  'profiles/people-rows.ts': ['profiles'],
  'profiles/people-search.ts': ['profiles'],
  'profiles/profiles-service.ts': ['profiles'],
};

/** Each table's writing domains (the store's migrations aside: they create and fill the schema). */
function writersOf(
  files: readonly { domain: string; text: string }[],
  tables: ReadonlySet<string>,
): Map<string, Set<string>> {
  const writers = new Map<string, Set<string>>();
  for (const { domain, text } of files) {
    if (domain === 'store') continue;
    for (const table of writtenTables(text, tables))
      writers.set(table, (writers.get(table) ?? new Set()).add(domain));
  }
  return writers;
}

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

/**
 * Tables a file reads, each once: Kysely's selectFrom and joins, and in SQL text (comments
 * aside) `FROM x` / `JOIN x` or a fragment opening with a table's name. A name a query defines
 * itself (`WITH events AS (`) is no table of the schema in that file.
 */
function readTables(text: string, tables: ReadonlySet<string>): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const defined = new Set(
    [...code.matchAll(/(?:\bwith\s+(?:recursive\s+)?|,\s*)([a-z_]+)\s+as\s*\(/gi)].map((m) => m[1]),
  );
  const found = [
    ...[
      ...code.matchAll(
        /\b(?:selectFrom|(?:inner|left|right|full|cross)Join)\(\s*'([a-z_]+)(?:\s+as\s+\w+)?'/g,
      ),
    ].map((m) => m[1]),
    ...[...code.matchAll(/\b(?:from|join)\s+([a-z_]+)\b/gi)].map((m) => m[1]),
    ...[...code.matchAll(/\bsql(?:<[^`]*>)?`\s*([a-z_]+)\b/g)].map((m) => m[1]),
  ];
  return [
    ...new Set(
      found.filter((name): name is string => name !== undefined && tables.has(name) && !defined.has(name)),
    ),
  ];
}
