import type { ComputedTrait, CreateComputedTrait } from '@tandem/contract';
import type { Selectable } from 'kysely';
import { type Condition, compileWhere, conditionHolds, durationMs } from '../conditions/index.js';
import type { ComputedTraitsTable } from '../store/index.js';
import type { BucketSpec } from './trait-buckets.js';

/** A definition ready to aggregate events. */
export interface TraitDefinition extends BucketSpec {
  readonly id: string;
  readonly name: string;
  readonly event: string;
  readonly property: string | undefined;
  readonly where: readonly { property: string; condition: Condition }[];
}

export function computedTraitOf(row: Selectable<ComputedTraitsTable>): ComputedTrait {
  // Written by this module from a validated CreateComputedTrait.
  const definition = JSON.parse(row.definition) as CreateComputedTrait;
  return { ...definition, id: row.trait_id, createdAt: row.created_at, updatedAt: row.updated_at };
}

export function definitionOf(trait: ComputedTrait): TraitDefinition {
  const where = compileWhere(trait.where ?? [], 'where');
  return {
    id: trait.id,
    name: trait.name,
    kind: trait.kind,
    event: trait.event,
    property: trait.property,
    windowMs: trait.within === undefined ? null : durationMs(trait.within),
    where: where.ok ? where.value : [],
  };
}

/** Whether an event counts for the trait (its name and property conditions). */
export function eventCounts(
  definition: TraitDefinition,
  properties: Record<string, unknown>,
  now: number,
): boolean {
  return definition.where.every((w) => conditionHolds(properties[w.property], w.condition, now));
}
