import { type Kysely, type RawBuilder, sql } from 'kysely';
import { conditionSql, isoAt } from '../conditions/index.js';
import { type Database, jsonValueSql, type StoreKind } from '../store/index.js';
import type { CompiledAudience } from './audience-evaluation.js';
import type { RuleNode } from './compiled-rule.js';

/** A leaf of a rule that time alone can flip: an event window, or a `within_last` date. */
export type TimeLeaf =
  | { readonly kind: 'event'; readonly name: string; readonly withinMs: number }
  | { readonly kind: 'trait'; readonly name: string; readonly ms: number }
  | { readonly kind: 'computed'; readonly traitId: string; readonly ms: number };

/** The leaves of a rule whose value time alone can change. */
export function timeLeavesOf(node: RuleNode): TimeLeaf[] {
  switch (node.kind) {
    case 'all':
    case 'any':
      return node.children.flatMap(timeLeavesOf);
    case 'not':
      return timeLeavesOf(node.child);
    case 'event':
      return node.withinMs === null ? [] : [{ kind: 'event', name: node.name, withinMs: node.withinMs }];
    case 'trait':
      return node.condition.op === 'within_last'
        ? [{ kind: 'trait', name: node.name, ms: node.condition.ms }]
        : [];
    case 'computed':
      return node.condition.op === 'within_last'
        ? [{ kind: 'computed', traitId: node.traitId, ms: node.condition.ms }]
        : [];
    default:
      return [];
  }
}

// An audience is swept at most this often: edges are exact to a second (events) or a minute
// (dates: their leaves read every profile's value of the trait, there is no index by value).
const EVENT_SWEEP_EVERY_MS = 1_000;
const DATE_SWEEP_EVERY_MS = 60_000;
// Profiles per event leaf and sweep; a longer window is swept over the next turns.
const SWEEP_LIMIT = 2_000;

interface SweepScope {
  readonly db: Kysely<Database>;
  readonly kind: StoreKind;
  readonly now: number;
  /** Partitions: only rows of this partition's workspaces. */
  readonly inPartition: RawBuilder<boolean> | undefined;
  readonly compiledAudiences: (workspaceId: string) => Promise<readonly CompiledAudience[]>;
  /** Profiles per event leaf and sweep (default 2,000). */
  readonly limit?: number | undefined;
}

/**
 * The profiles whose membership time alone may have flipped since each audience's last sweep:
 * for an event window, holders of an event that left it between `swept_to` and now (one range of
 * the by-name index); for a `within_last` date, holders of a date that entered or left it.
 * A superset: the caller re-evaluates them. Moves each audience's `swept_to` forward.
 */
export async function sweepWindowEdges(
  scope: SweepScope,
): Promise<{ workspaceId: string; profileId: string }[]> {
  const { db, now } = scope;
  let query = db
    .selectFrom('audience_sweeps')
    .select(['workspace_id', 'audience_id', 'swept_to'])
    .where('swept_to', '<=', isoAt(now - EVENT_SWEEP_EVERY_MS));
  if (scope.inPartition) query = query.where(scope.inPartition);
  const due = await query.orderBy('workspace_id').execute();
  const found: { workspaceId: string; profileId: string }[] = [];
  const audiencesOf = new Map<string, readonly CompiledAudience[]>();
  for (const row of due) {
    let audiences = audiencesOf.get(row.workspace_id);
    if (!audiences) {
      audiences = await scope.compiledAudiences(row.workspace_id);
      audiencesOf.set(row.workspace_id, audiences);
    }
    const audience = audiences.find((a) => a.id === row.audience_id);
    const leaves = audience ? timeLeavesOf(audience.rule) : [];
    const from = Date.parse(row.swept_to);
    if (leaves.some((leaf) => leaf.kind !== 'event') && now - from < DATE_SWEEP_EVERY_MS) continue;
    let to = now;
    for (const leaf of leaves) {
      const swept = await sweepLeaf(scope, row.workspace_id, leaf, { from, to: now });
      for (const profileId of swept.profileIds) found.push({ workspaceId: row.workspace_id, profileId });
      to = Math.min(to, swept.to);
    }
    await db
      .updateTable('audience_sweeps')
      .set({ swept_to: isoAt(to) })
      .where('workspace_id', '=', row.workspace_id)
      .where('audience_id', '=', row.audience_id)
      .execute();
  }
  return found;
}

/** One leaf over (from, to]: the profiles it may flip for, and how far that got. */
async function sweepLeaf(
  scope: SweepScope,
  workspaceId: string,
  leaf: TimeLeaf,
  span: { from: number; to: number },
): Promise<{ profileIds: string[]; to: number }> {
  const { db, kind, now } = scope;
  const { from, to } = span;
  switch (leaf.kind) {
    case 'event': {
      // In the window at t: timestamp >= iso(t - within). Left during (from, to]: in [from - w, to - w).
      const start = isoAt(from - leaf.withinMs);
      const limit = scope.limit ?? SWEEP_LIMIT;
      const { rows } = await sql<{ profile_id: string; timestamp: string }>`
        select profile_id, timestamp from profile_events
        where workspace_id = ${workspaceId} and event = ${leaf.name}
          and timestamp >= ${start} and timestamp < ${isoAt(to - leaf.withinMs)}
        order by timestamp limit ${limit}`.execute(db);
      const last = rows.at(-1);
      if (rows.length < limit || !last) return { profileIds: rows.map((r) => r.profile_id), to };
      // Cut at the last timestamp read; rows at it are read again from there (re-checking twice
      // is harmless), unless they fill the whole limit: then all of them, and past it.
      if (last.timestamp > start)
        return { profileIds: rows.map((r) => r.profile_id), to: Date.parse(last.timestamp) + leaf.withinMs };
      const { rows: tied } = await sql<{ profile_id: string }>`
        select profile_id from profile_events
        where workspace_id = ${workspaceId} and event = ${leaf.name} and timestamp = ${last.timestamp}`.execute(
        db,
      );
      return {
        profileIds: tied.map((r) => r.profile_id),
        to: Date.parse(last.timestamp) + leaf.withinMs + 1,
      };
    }
    case 'trait':
    case 'computed': {
      // Holds at t while iso(t - ms) <= date <= iso(t): entered during (from, to] with a date in
      // (from, to], left with one in [from - ms, to - ms). Compared as text, like the condition.
      const dateIn = (column: RawBuilder<unknown>) => {
        const json = jsonValueSql(kind, column, { path: [], documentIsText: true });
        const between = (after: number, before: number) =>
          sql`(${conditionSql(kind, json, { op: 'after', value: isoAt(after) }, now)} and ${conditionSql(
            kind,
            json,
            { op: 'before', value: isoAt(before) },
            now,
          )})`;
        return sql`(${between(from - 1, to + 1)} or ${between(from - leaf.ms - 1, to - leaf.ms)})`;
      };
      const { rows } =
        leaf.kind === 'trait'
          ? await sql<{ profile_id: string }>`select t.profile_id from profile_traits t
              where t.workspace_id = ${workspaceId} and t.name = ${leaf.name} and ${dateIn(sql`t.value`)}`.execute(
              db,
            )
          : await sql<{ profile_id: string }>`select c.profile_id from computed_trait_values c
              where c.workspace_id = ${workspaceId} and c.trait_id = ${leaf.traitId} and ${dateIn(sql`c.value`)}`.execute(
              db,
            );
      return { profileIds: rows.map((r) => r.profile_id), to };
    }
    default: {
      const unknown: never = leaf;
      throw new Error(`unknown time leaf ${JSON.stringify(unknown)}`);
    }
  }
}
