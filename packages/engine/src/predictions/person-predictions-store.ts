import type { PersonPredictions } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { profileOfIdentifier } from '../identity/index.js';
import { type Database, fromJson, type Store, toJson, writeTransaction } from '../store/index.js';

/**
 * The `predicted_*` traits of a person, rounded so that a refresh writes only what moved enough
 * to matter (time alone nudges P(alive) a little every day). Audiences read them as traits.
 */
export function predictedTraitsOf(person: PersonPredictions): Record<string, string | number> {
  const traits: Record<string, string | number> = {};
  const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;
  if (person.expectedPurchases90d !== null)
    traits.predicted_purchases_90d = round(person.expectedPurchases90d, 1);
  if (person.probabilityAlive !== null) traits.predicted_p_alive = round(person.probabilityAlive, 2);
  if (person.lifetimeValue12m !== null) traits.predicted_clv_12m = Math.round(person.lifetimeValue12m);
  if (person.churnRisk !== null) traits.predicted_churn_risk = person.churnRisk;
  if (person.rfm !== null) {
    traits.predicted_rfm_segment = person.rfm.segment;
    traits.predicted_rfm = `${person.rfm.recency}${person.rfm.frequency}${person.rfm.monetary}`;
  }
  if (person.leadScore !== null) traits.predicted_lead_score = Math.round(person.leadScore);
  return traits;
}

/** The traits last published for each profile of the workspace. */
export async function publishedTraitsOf(db: Kysely<Database>, workspaceId: string) {
  const rows = await db
    .selectFrom('person_predictions')
    .select(['profile_id', 'published'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  return new Map(rows.map((row) => [row.profile_id, fromJson<Record<string, unknown>>(row.published)]));
}

/** Writes `predicted_*` traits to a profile inside the caller's transaction (wired by the engine). */
export type PublishTraitsWithin = (
  db: Kysely<Database>,
  workspaceId: string,
  changes: readonly { profileId: string; traits: Record<string, unknown>; messageId: string }[],
) => Promise<void>;

/** People stored (and their changed traits published) per transaction. */
const CHUNK = 500;

/**
 * Replaces the workspace's person predictions with these and publishes each profile's traits that
 * changed, in the same transaction as its row (a profile no longer predicted gets its
 * `predicted_*` traits set to null): a failed refresh leaves rows and traits agreeing.
 */
export async function storePersonPredictions(
  store: Store,
  input: {
    workspaceId: string;
    predictions: ReadonlyMap<string, PersonPredictions>;
    published: ReadonlyMap<string, Record<string, unknown>>;
    computedAt: string;
    publish: PublishTraitsWithin | undefined;
  },
): Promise<void> {
  const { workspaceId, computedAt } = input;
  const stamp = computedAt.replace(/[^0-9]/g, '');
  // Profiles predicted last time and not now: merged into another (whose traits now mix both:
  // it is published in full), or without orders any more (their traits are cleared).
  const gone = [...input.published.keys()].filter((profileId) => !input.predictions.has(profileId));
  const absorbedBy = new Map<string, string[]>();
  const cleared: string[] = [];
  for (const profileId of gone) {
    const live = await profileOfIdentifier(store.db, workspaceId, { type: 'profile_id', value: profileId });
    if (live === null || live === profileId) cleared.push(profileId);
    else absorbedBy.set(live, [...(absorbedBy.get(live) ?? []), profileId]);
  }
  const baselineOf = (profileId: string): Record<string, unknown> => {
    const absorbed = absorbedBy.get(profileId);
    if (!absorbed) return input.published.get(profileId) ?? {};
    // A value nothing equals: every trait of the survivor and of those it absorbed is rewritten.
    const unknown = Symbol('unknown');
    const names = [profileId, ...absorbed].flatMap((id) => Object.keys(input.published.get(id) ?? {}));
    return Object.fromEntries(names.map((name) => [name, unknown]));
  };
  // Each chunk's changed traits are published in one append (identifiers read once for all).
  const publishChanged = async (
    trx: Kysely<Database>,
    after: ReadonlyMap<string, Record<string, unknown>>,
  ) => {
    const changes = [];
    for (const [profileId, traits] of after) {
      const changed = changedTraits(baselineOf(profileId), traits);
      if (changed)
        changes.push({ profileId, traits: changed, messageId: `predictions-${profileId}-${stamp}` });
    }
    if (changes.length > 0 && input.publish) await input.publish(trx, workspaceId, changes);
  };
  const people = [...input.predictions.values()];
  for (let start = 0; start < people.length; start += CHUNK) {
    const rows = people.slice(start, start + CHUNK).map((person) => ({
      workspace_id: workspaceId,
      profile_id: person.profileId,
      predictions: toJson(person),
      published: toJson(predictedTraitsOf(person)),
      computed_at: computedAt,
    }));
    await writeTransaction(store, async (trx) => {
      await trx
        .insertInto('person_predictions')
        .values(rows)
        .onConflict((conflict) =>
          conflict.columns(['workspace_id', 'profile_id']).doUpdateSet((eb) => ({
            predictions: eb.ref('excluded.predictions'),
            published: eb.ref('excluded.published'),
            computed_at: eb.ref('excluded.computed_at'),
          })),
        )
        .execute();
      await publishChanged(
        trx,
        new Map(rows.map((row) => [row.profile_id, fromJson<Record<string, unknown>>(row.published)])),
      );
    });
  }
  for (let start = 0; start < gone.length; start += CHUNK) {
    const chunk = gone.slice(start, start + CHUNK);
    await writeTransaction(store, async (trx) => {
      await trx
        .deleteFrom('person_predictions')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .execute();
      await publishChanged(trx, new Map(chunk.filter((id) => cleared.includes(id)).map((id) => [id, {}])));
    });
  }
}

/** The traits whose value differs (removed ones as null), or null when nothing changed. */
function changedTraits(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> | null {
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(after)) if (before[name] !== value) changed[name] = value;
  for (const name of Object.keys(before)) if (!(name in after)) changed[name] = null;
  return Object.keys(changed).length > 0 ? changed : null;
}
