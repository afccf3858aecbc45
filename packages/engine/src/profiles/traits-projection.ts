import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { combineTrait, combineTraits, sameValue, type TraitState, traitOfEvent } from './trait-merge.js';
import { deleteTraits, loadTraits, saveTraits } from './trait-tables.js';

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

/**
 * Applies a batch to the traits: each merged profile's traits fold into its survivor's, then
 * the identify calls' traits, trait by trait (the winner does not depend on the order).
 */
export async function projectTraits(
  db: Kysely<Database>,
  workspaceId: string,
  batch: {
    writes: readonly TraitWrite[];
    folds: readonly ProfileFold[];
    root: (profileId: string) => string;
  },
): Promise<void> {
  const { writes, folds, root } = batch;
  if (writes.length === 0 && folds.length === 0) return;
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

  const changed: { profileId: string; name: string; trait: TraitState }[] = [];
  for (const [profileId, traits] of result) {
    const before = stored.get(profileId);
    for (const [name, trait] of traits) {
      if (!sameValue(before?.get(name), trait)) changed.push({ profileId, name, trait });
    }
  }
  await saveTraits(db, workspaceId, changed);
  await deleteTraits(db, workspaceId, folded);
}
