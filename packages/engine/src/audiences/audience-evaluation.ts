import { type Kysely, type RawBuilder, sql } from 'kysely';
import { conditionSql, isoAt } from '../conditions/index.js';
import { type Database, jsonValueSql, type StoreKind } from '../store/index.js';
import type { RuleNode } from './compiled-rule.js';
import type { MembershipChange } from './membership-changes.js';
import { recordChanges, saveRechecks } from './membership-changes.js';
import { eventReadsOf, loadProfileFacts } from './profile-facts.js';
import { nextChangeAt, ruleHolds } from './rule-evaluator.js';
import { profilesMeeting } from './rule-query.js';

/** An audience with its validated rule, in dependency order (referenced audiences first). */
export interface CompiledAudience {
  readonly id: string;
  readonly name: string;
  readonly rule: RuleNode;
}

interface Scope {
  readonly db: Kysely<Database>;
  readonly workspaceId: string;
  readonly now: number;
}

/**
 * The real-time path: re-evaluates these profiles in memory against every audience, records
 * enters and exits, and schedules each profile's next window edge.
 */
export async function evaluateProfiles(
  scope: Scope,
  audiences: readonly CompiledAudience[],
  profileIds: readonly string[],
): Promise<MembershipChange[]> {
  if (audiences.length === 0 || profileIds.length === 0) return [];
  const live = await liveProfiles(scope, profileIds);
  const facts = await loadProfileFacts(
    scope.db,
    scope.workspaceId,
    live,
    eventReadsOf(audiences.map((a) => a.rule)),
  );
  const changes: MembershipChange[] = [];
  const at = isoAt(scope.now);
  for (const audience of audiences) {
    const due = new Map<string, number | null>();
    for (const profileId of live) {
      const ofProfile = facts.get(profileId);
      if (!ofProfile) continue;
      const member = ruleHolds(audience.rule, ofProfile, scope.now);
      const audiencesOfProfile = ofProfile.audiences;
      if (member !== audiencesOfProfile.has(audience.id)) {
        changes.push({
          workspaceId: scope.workspaceId,
          audienceId: audience.id,
          audienceName: audience.name,
          profileId,
          entered: member,
          at,
        });
        // Later audiences that reference this one see the new membership.
        if (member) audiencesOfProfile.add(audience.id);
        else audiencesOfProfile.delete(audience.id);
      }
      due.set(profileId, nextChangeAt(audience.rule, ofProfile, scope.now));
    }
    await saveRechecks(scope.db, scope.workspaceId, audience.id, due);
  }
  await recordChanges(scope.db, changes);
  return changes;
}

/**
 * The batch path (a new or edited rule): SQL finds every member; the difference with the stored
 * members is recorded. Profiles with events a window can drop get their re-check scheduled.
 */
export async function evaluateAudience(
  scope: Scope & { kind: StoreKind },
  audience: CompiledAudience,
): Promise<MembershipChange[]> {
  const members = new Set(
    await profilesMeeting({
      db: scope.db,
      kind: scope.kind,
      workspaceId: scope.workspaceId,
      rule: audience.rule,
      now: scope.now,
    }),
  );
  const current = await scope.db
    .selectFrom('audience_members')
    .select('profile_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('audience_id', '=', audience.id)
    .where('exited_at', 'is', null)
    .execute();
  const before = new Set(current.map((row) => row.profile_id));
  const at = isoAt(scope.now);
  const change = (profileId: string, entered: boolean): MembershipChange => ({
    workspaceId: scope.workspaceId,
    audienceId: audience.id,
    audienceName: audience.name,
    profileId,
    entered,
    at,
  });
  const changes = [
    ...[...members].filter((id) => !before.has(id)).map((id) => change(id, true)),
    ...[...before].filter((id) => !members.has(id)).map((id) => change(id, false)),
  ];
  await recordChanges(scope.db, changes);
  await scheduleWindowEdges(scope, audience);
  return changes;
}

/**
 * Schedules the re-check of every profile whose membership time alone can change: holders of an
 * event inside a rule's window, or of a date (trait or computed trait) that a `within_last`
 * condition will see leave, or enter, its window. Each is due at the rule's next change
 * (`nextChangeAt`): for a plain event window that is when the profile's oldest event in it
 * leaves, read for everyone in one aggregate — loading every such profile's facts took seconds
 * per 100,000 profiles, with the write lock held. Other time-bound leaves go through the facts.
 */
async function scheduleWindowEdges(
  scope: Scope & { kind: StoreKind },
  audience: CompiledAudience,
): Promise<void> {
  await scope.db
    .deleteFrom('audience_rechecks')
    .where('workspace_id', '=', scope.workspaceId)
    .where('audience_id', '=', audience.id)
    .execute();
  // Per profile, the earliest edge any leaf gives (null: none).
  const due = new Map<string, number | null>();
  const dueNoLaterThan = (profileId: string, at: number | null) => {
    const known = due.get(profileId) ?? null;
    due.set(profileId, known === null || (at !== null && at < known) ? (at ?? known) : known);
  };
  const { windows, others } = timeBoundQueries(scope, audience.rule);
  if (windows.length === 0 && others.length === 0) return;
  const eligible = await meetingTimeFreeConditions(scope, audience.rule);
  const mayFlip = (profileId: string) => eligible === undefined || eligible.has(profileId);
  for (const { query, withinMs } of windows) {
    const { rows } = await query.execute(scope.db);
    for (const row of rows)
      if (mayFlip(row.profile_id)) dueNoLaterThan(row.profile_id, Date.parse(row.first) + withinMs + 1);
  }
  const candidates = new Set<string>();
  for (const query of others) {
    const { rows } = await query.execute(scope.db);
    for (const row of rows) if (mayFlip(row.profile_id)) candidates.add(row.profile_id);
  }
  const ids = [...candidates];
  for (let start = 0; start < ids.length; start += 5000) {
    const chunk = ids.slice(start, start + 5000);
    const facts = await loadProfileFacts(scope.db, scope.workspaceId, chunk, eventReadsOf([audience.rule]));
    for (const id of chunk) {
      const ofProfile = facts.get(id);
      dueNoLaterThan(id, ofProfile ? nextChangeAt(audience.rule, ofProfile, scope.now) : null);
    }
  }
  await saveRechecks(scope.db, scope.workspaceId, audience.id, due);
}

/**
 * The profiles meeting the conditions of a top-level `all` that time alone cannot flip: one
 * failing them stays out whatever the clock does, so it needs no re-check (a trait, event or
 * membership change that could let it in re-evaluates it in real time, which schedules its
 * re-checks then). Read apart, not as an `IN` in the window queries: SQLite would drive those
 * from the list and read every eligible profile's events. Undefined when there is no such
 * condition.
 */
async function meetingTimeFreeConditions(
  scope: Scope & { kind: StoreKind },
  rule: RuleNode,
): Promise<Set<string> | undefined> {
  if (rule.kind !== 'all') return undefined;
  const timeFree = rule.children.filter((child) => {
    const bound = timeBoundQueries(scope, child);
    return bound.windows.length === 0 && bound.others.length === 0;
  });
  if (timeFree.length === 0) return undefined;
  return new Set(await profilesMeeting({ ...scope, rule: { kind: 'all', children: timeFree } }));
}

/**
 * For each leaf of the rule that time alone can flip, the query of profiles it may flip for:
 * `windows`, plain event windows, with each profile's oldest event in the window; `others`
 * (filtered event windows, dates) only the profiles, whose next change needs their facts.
 */
function timeBoundQueries(
  scope: Scope & { kind: StoreKind },
  node: RuleNode,
): {
  windows: { query: RawBuilder<{ profile_id: string; first: string }>; withinMs: number }[];
  others: RawBuilder<{ profile_id: string }>[];
} {
  const { kind, workspaceId, now } = scope;
  switch (node.kind) {
    case 'all':
    case 'any': {
      const parts = node.children.map((child) => timeBoundQueries(scope, child));
      return { windows: parts.flatMap((p) => p.windows), others: parts.flatMap((p) => p.others) };
    }
    case 'not':
      return timeBoundQueries(scope, node.child);
    case 'event': {
      const { withinMs } = node;
      if (withinMs === null) return { windows: [], others: [] };
      const inWindow = sql`pe.workspace_id = ${workspaceId} and pe.event = ${node.name}
        and pe.timestamp >= ${isoAt(now - withinMs)}`;
      return node.where.length === 0
        ? {
            windows: [
              {
                query: sql<{
                  profile_id: string;
                  first: string;
                }>`select pe.profile_id, min(pe.timestamp) as first
                  from profile_events pe where ${inWindow} group by pe.profile_id`,
                withinMs,
              },
            ],
            others: [],
          }
        : {
            windows: [],
            others: [
              sql<{
                profile_id: string;
              }>`select distinct pe.profile_id from profile_events pe where ${inWindow}`,
            ],
          };
    }
    case 'trait':
    case 'computed': {
      const condition = node.condition;
      if (condition.op !== 'within_last') return { windows: [], others: [] };
      // Dates still in the window or ahead of it (a superset: dates compare as text).
      const inWindowOrLater = (column: RawBuilder<unknown>) =>
        conditionSql(
          kind,
          jsonValueSql(kind, column, { path: [], documentIsText: true }),
          { op: 'after', value: isoAt(now - condition.ms - 1) },
          now,
        );
      const query =
        node.kind === 'trait'
          ? sql<{ profile_id: string }>`select t.profile_id from profile_traits t
              where t.workspace_id = ${workspaceId} and t.name = ${node.name} and ${inWindowOrLater(sql`t.value`)}`
          : sql<{ profile_id: string }>`select c.profile_id from computed_trait_values c
              where c.workspace_id = ${workspaceId} and c.trait_id = ${node.traitId} and ${inWindowOrLater(sql`c.value`)}`;
      return { windows: [], others: [query] };
    }
    default:
      return { windows: [], others: [] };
  }
}

async function liveProfiles(scope: Scope, profileIds: readonly string[]): Promise<string[]> {
  const ids = [...new Set(profileIds)];
  const live: string[] = [];
  for (let start = 0; start < ids.length; start += 1000) {
    // merged_into is filtered here, not in SQL: with it there, SQLite scans every live profile of
    // the workspace by the merged_into index instead of looking these up by key.
    const rows = await scope.db
      .selectFrom('profiles')
      .select(['profile_id', 'merged_into'])
      .where('workspace_id', '=', scope.workspaceId)
      .where('profile_id', 'in', ids.slice(start, start + 1000))
      .execute();
    for (const row of rows) if (row.merged_into === null) live.push(row.profile_id);
  }
  return live;
}
