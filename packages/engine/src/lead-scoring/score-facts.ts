import type { Kysely } from 'kysely';
import { eventReadsOf, loadProfileFacts } from '../audiences/index.js';
import { companiesOfProfiles } from '../profiles/index.js';
import { type Database, fromJson } from '../store/index.js';
import { COMPANY_FIELD_PREFIX, type CompiledScoring, type ScoreFacts } from './score-evaluation.js';

interface MutableScoreFacts extends ScoreFacts {
  readonly companies: Map<string, unknown>[];
}

/** What the rules read of these profiles: traits, the named events, computed values, companies. */
export async function loadScoreFacts(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
  scoring: CompiledScoring,
): Promise<Map<string, ScoreFacts>> {
  const leaves = scoring.rules.map((rule) => rule.leaf);
  const loaded = await loadProfileFacts(db, workspaceId, profileIds, eventReadsOf(leaves));
  const facts = new Map<string, MutableScoreFacts>();
  for (const [id, f] of loaded) facts.set(id, { ...f, companies: [] });
  const readsCompanies = leaves.some(
    (leaf) => leaf.kind === 'trait' && leaf.name.startsWith(COMPANY_FIELD_PREFIX),
  );
  if (!readsCompanies) return facts;
  for (const row of await companiesOfProfiles(db, workspaceId, profileIds)) {
    const traits = fromJson<unknown>(row.traits);
    const fields = new Map<string, unknown>(
      typeof traits === 'object' && traits !== null && !Array.isArray(traits) ? Object.entries(traits) : [],
    );
    if (!fields.has('name')) fields.set('name', row.name);
    facts.get(row.profile_id)?.companies.push(fields);
  }
  return facts;
}
