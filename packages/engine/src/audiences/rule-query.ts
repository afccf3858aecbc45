import { type Kysely, sql } from 'kysely';
import type { Database, StoreKind } from '../store/index.js';
import type { RuleNode } from './compiled-rule.js';
import { ruleSql } from './rule-sql.js';

interface RuleQuery {
  readonly db: Kysely<Database>;
  readonly kind: StoreKind;
  readonly workspaceId: string;
  readonly rule: RuleNode;
  readonly now: number;
}

function matching(query: RuleQuery) {
  const predicate = ruleSql(query.rule, {
    kind: query.kind,
    workspaceId: query.workspaceId,
    now: query.now,
    profileId: sql<string>`p.profile_id`,
  });
  return sql`from profiles p where p.workspace_id = ${query.workspaceId} and p.merged_into is null and ${predicate}`;
}

/** Every live profile meeting the rule (batch evaluation). */
export async function profilesMeeting(query: RuleQuery): Promise<string[]> {
  const { rows } = await sql<{ profile_id: string }>`select p.profile_id ${matching(query)}`.execute(
    query.db,
  );
  return rows.map((row) => row.profile_id);
}

/**
 * How many live profiles meet the rule, and the first few of them by id: one query, the count
 * riding on each sampled row (`count(*) over ()` is taken before the limit), so the rule runs
 * once and no id beyond the sample leaves the database.
 */
export async function previewRule(
  query: RuleQuery,
  sampleSize = 10,
): Promise<{ count: number; sample: string[] }> {
  const { rows } = await sql<{ profile_id: string; matching: number }>`
    select p.profile_id, count(*) over () as matching ${matching(query)}
    order by p.profile_id limit ${sampleSize}`.execute(query.db);
  // No row: no profile meets the rule.
  return { count: Number(rows[0]?.matching ?? 0), sample: rows.map((row) => row.profile_id) };
}
