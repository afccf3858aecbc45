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

/** How many live profiles meet the rule, and a few of them. */
export async function previewRule(
  query: RuleQuery,
  sampleSize = 10,
): Promise<{ count: number; sample: string[] }> {
  const [count, sample] = await Promise.all([
    sql<{ n: number }>`select count(*) as n ${matching(query)}`.execute(query.db),
    sql<{ profile_id: string }>`select p.profile_id ${matching(query)} limit ${sampleSize}`.execute(query.db),
  ]);
  return { count: Number(count.rows[0]?.n ?? 0), sample: sample.rows.map((row) => row.profile_id) };
}
