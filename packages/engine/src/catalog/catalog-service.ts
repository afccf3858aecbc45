import type { CatalogEvent, CatalogProperty, CatalogTrait } from '@tandem/contract';
import { countEventsNamed, eventNamesOf, latestEventsNamed } from '../identity/index.js';
import { traitNamesOf, traitSampleOf } from '../profiles/index.js';
import { fromJson, type Store } from '../store/index.js';
import { commonTypeOf, examplesOf } from './value-types.js';

/** Bounds of the catalog's reads: what it costs stays the same on a workspace of any size. */
export interface CatalogLimits {
  /** Names listed (traits, events). */
  readonly names: number;
  /** Profiles or events counted per name before the count stops ("10,000+"). */
  readonly countCap: number;
  /** Latest events of a name read for its properties. */
  readonly eventsSampled: number;
  /** Examples per trait or property. */
  readonly examples: number;
}

export const DEFAULT_CATALOG_LIMITS: CatalogLimits = {
  names: 500,
  countCap: 10_000,
  eventsSampled: 50,
  examples: 5,
};

/**
 * The names a workspace's data uses, for the audience builder's pickers: traits with their
 * types and examples, track events with counts and their properties. Read from the indexes
 * with bounded scans and samples (no table of its own to keep in step with the pipeline).
 */
export class CatalogService {
  constructor(
    private readonly store: Store,
    private readonly limits: CatalogLimits = DEFAULT_CATALOG_LIMITS,
  ) {}

  async traits(workspaceId: string): Promise<CatalogTrait[]> {
    const { db } = this.store;
    const names = await traitNamesOf(db, workspaceId, this.limits.names);
    const traits: CatalogTrait[] = [];
    for (const name of names) {
      const sample = await traitSampleOf(db, workspaceId, {
        name,
        values: this.limits.examples,
        cap: this.limits.countCap,
      });
      const values = sample.values.map((text) => fromJson<unknown>(text));
      traits.push({
        name,
        type: commonTypeOf(values),
        examples: examplesOf(values, this.limits.examples),
        profiles: sample.profiles,
        profilesCapped: sample.profiles >= this.limits.countCap,
      });
    }
    return traits;
  }

  async events(workspaceId: string): Promise<CatalogEvent[]> {
    const { db } = this.store;
    const names = await eventNamesOf(db, workspaceId, this.limits.names);
    const events: CatalogEvent[] = [];
    for (const name of names) {
      const { count, lastSeenAt } = await countEventsNamed(db, workspaceId, {
        event: name,
        cap: this.limits.countCap,
      });
      const latest = await latestEventsNamed(db, workspaceId, {
        event: name,
        limit: this.limits.eventsSampled,
      });
      events.push({
        name,
        count,
        countCapped: count >= this.limits.countCap,
        lastSeenAt,
        properties: this.propertiesOf(latest.map((event) => event.payload.properties)),
      });
    }
    return events;
  }

  /** The top-level properties of these events' `properties` objects, by name. */
  private propertiesOf(propertyObjects: readonly unknown[]): CatalogProperty[] {
    const valuesByName = new Map<string, unknown[]>();
    for (const properties of propertyObjects) {
      if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) continue;
      for (const [name, value] of Object.entries(properties)) {
        // Names the rule language can address (see PropertyNameSchema).
        if (/["\\]/.test(name) || name.length > 200) continue;
        valuesByName.set(name, [...(valuesByName.get(name) ?? []), value]);
      }
    }
    return [...valuesByName]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, values]) => ({
        name,
        type: commonTypeOf(values),
        examples: examplesOf(values, this.limits.examples),
      }));
  }
}
