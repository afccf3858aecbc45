import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { combineTrait, combineTraits, sameValue, type TraitState, traitOfEvent } from './trait-merge.js';
import { deleteTraitNames, deleteTraits, loadTraits, saveTraits } from './trait-tables.js';

/** An identify call's traits, on the profile its event ended up in. */
export interface TraitWrite {
  readonly profileId: string;
  readonly traits: Record<string, unknown>;
  readonly priority: number;
  readonly timestamp: string;
  readonly messageId: string;
}

/** One profile folded into another. */
export interface ProfileFold {
  readonly survivorId: string;
  readonly profileId: string;
}

/** Distinct traits a profile holds unless told otherwise. */
export const DEFAULT_MAX_TRAITS_PER_PROFILE = 1000;

/** What a batch left out of profiles at their bound. */
export interface TraitsDropped {
  /** Profiles that would have held more traits than the bound. */
  readonly profiles: number;
  /** Trait names left out (new ones refused, and stored ones that sort after them). */
  readonly traits: number;
}

/**
 * Applies a batch to the traits: each merged profile's traits fold into its survivor's, then
 * the identify calls' traits, trait by trait (the winner does not depend on the order). A
 * profile holds at most `maxTraits` names: the ones that sort first. Only that rule keeps the
 * result independent of the order events arrive in (any "first come" rule would not); a name
 * once kept is updated by every later write.
 */
export async function projectTraits(
  db: Kysely<Database>,
  workspaceId: string,
  batch: {
    writes: readonly TraitWrite[];
    folds: readonly ProfileFold[];
    root: (profileId: string) => string;
    maxTraits?: number | undefined;
  },
): Promise<TraitsDropped> {
  const { writes, folds, root } = batch;
  const dropped = { profiles: 0, traits: 0 };
  if (writes.length === 0 && folds.length === 0) return dropped;
  const roots = new Set([...writes.map((w) => w.profileId), ...folds.map((f) => root(f.survivorId))]);
  const folded = folds.map((f) => f.profileId);
  const stored = await loadTraits(db, workspaceId, [...roots, ...folded]);

  const result = new Map<string, Map<string, TraitState>>();
  for (const id of roots) result.set(id, new Map(stored.get(id)));
  for (const id of folded) {
    const into = result.get(root(id));
    const traits = stored.get(id);
    if (into && traits) result.set(root(id), combineTraits(into, traits));
  }
  for (const write of writes) {
    const traits = result.get(write.profileId);
    if (!traits) continue;
    for (const [name, value] of Object.entries(write.traits)) {
      traits.set(name, combineTrait(traits.get(name), traitOfEvent(value, write)));
    }
  }

  const maxTraits = batch.maxTraits ?? DEFAULT_MAX_TRAITS_PER_PROFILE;
  const evicted: { profileId: string; name: string }[] = [];
  for (const [profileId, traits] of result) {
    if (traits.size <= maxTraits) continue;
    const beyond = [...traits.keys()].sort().slice(maxTraits);
    dropped.profiles += 1;
    dropped.traits += beyond.length;
    for (const name of beyond) {
      traits.delete(name);
      if (stored.get(profileId)?.has(name)) evicted.push({ profileId, name });
    }
  }

  const changed: { profileId: string; name: string; trait: TraitState }[] = [];
  for (const [profileId, traits] of result) {
    const before = stored.get(profileId);
    for (const [name, trait] of traits) {
      if (!sameValue(before?.get(name), trait)) changed.push({ profileId, name, trait });
    }
  }
  await saveTraits(db, workspaceId, changed);
  await deleteTraitNames(db, workspaceId, evicted);
  await deleteTraits(db, workspaceId, folded);
  return dropped;
}
