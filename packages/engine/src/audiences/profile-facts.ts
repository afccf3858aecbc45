import { type Kysely, sql } from 'kysely';
import { computedValuesOfProfiles } from '../computed-traits/index.js';
import { chunksOf } from '../identity/index.js';
import { type Database, fromJson } from '../store/index.js';
import type { RuleNode } from './compiled-rule.js';
import type { ProfileEvent, ProfileFacts } from './rule-evaluator.js';

export interface MutableFacts extends ProfileFacts {
  readonly traits: Map<string, unknown>;
  readonly events: ProfileEvent[];
  readonly computed: Map<string, unknown>;
  readonly audiences: Set<string>;
}

/** The events a set of rules reads: by name, and whether any condition filters on their properties. */
export interface EventReads {
  readonly names: readonly string[];
  readonly properties: boolean;
}

/** What the in-memory evaluator needs of these profiles: traits, the named events, computed values, memberships. */
export async function loadProfileFacts(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
  reads: EventReads,
): Promise<Map<string, MutableFacts>> {
  const eventNames = reads.names;
  const facts = new Map<string, MutableFacts>();
  for (const id of profileIds) {
    facts.set(id, {
      profileId: id,
      traits: new Map(),
      events: [],
      computed: new Map(),
      audiences: new Set(),
    });
  }
  for (const chunk of chunksOf(profileIds)) {
    const [traits, computed, members] = await Promise.all([
      db
        .selectFrom('profile_traits')
        // set_at is not in profile_traits_by_name: without it, SQLite (no statistics) prefers that
        // covering index and scans every trait of the workspace instead of these profiles' keys.
        .select(['profile_id', 'name', 'value', 'set_at'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .execute(),
      computedValuesOfProfiles(db, workspaceId, chunk),
      db
        .selectFrom('audience_members')
        .select(['profile_id', 'audience_id'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .where('exited_at', 'is', null)
        .execute(),
    ]);
    for (const t of traits) facts.get(t.profile_id)?.traits.set(t.name, JSON.parse(t.value));
    for (const c of computed) facts.get(c.profile_id)?.computed.set(c.trait_id, JSON.parse(c.value));
    for (const m of members) facts.get(m.profile_id)?.audiences.add(m.audience_id);
    if (eventNames.length === 0) continue;
    if (!reads.properties) {
      // No condition looks inside the events: identity's table alone, no payload to read and parse.
      // Answered from the index by profile and name (0008), a few rows a profile.
      const { rows } = await sql<{ profile_id: string; event: string; timestamp: string }>`
        select profile_id, event, timestamp from profile_events
        where workspace_id = ${workspaceId} and profile_id in (${sql.join(chunk)})
          and event in (${sql.join(eventNames)})`.execute(db);
      for (const row of rows)
        facts
          .get(row.profile_id)
          ?.events.push({ event: row.event, timestamp: row.timestamp, properties: {} });
      continue;
    }
    // coalesce(): keeps the planner on the per-profile index; the by-name one scans every event of that name.
    const { rows } = await sql<{ profile_id: string; event: string; timestamp: string; payload: unknown }>`
      select pe.profile_id, pe.event, pe.timestamp, e.payload from profile_events pe
      join events e on e.seq = pe.seq and e.workspace_id = pe.workspace_id
      where pe.workspace_id = ${workspaceId} and pe.profile_id in (${sql.join(chunk)})
        and coalesce(pe.event, '') in (${sql.join(eventNames)})`.execute(db);
    for (const row of rows) {
      const payload = fromJson<Record<string, unknown>>(row.payload);
      const properties = payload.properties;
      facts.get(row.profile_id)?.events.push({
        event: row.event,
        timestamp: row.timestamp,
        // A parsed JSON payload: a non-array object is a record.
        properties:
          typeof properties === 'object' && properties !== null && !Array.isArray(properties)
            ? (properties as Record<string, unknown>)
            : {},
      });
    }
  }
  return facts;
}

/** The events a set of rules reads. */
export function eventReadsOf(nodes: readonly RuleNode[]): EventReads {
  const names = new Set<string>();
  let properties = false;
  const visit = (node: RuleNode): void => {
    if (node.kind === 'all' || node.kind === 'any') node.children.forEach(visit);
    else if (node.kind === 'not') visit(node.child);
    else if (node.kind === 'event') {
      names.add(node.name);
      if (node.where.length > 0) properties = true;
    }
  };
  nodes.forEach(visit);
  return { names: [...names], properties };
}
