import type { PersonDataCounts, PersonRef } from './index.js';

// Helpers every holder shares: a person's ids in slices small enough for one statement (set-based
// deletes that keep each write short, SQLite having one writer), and counts that skip zeros.

/** Ids per statement: under every engine's parameter limit, short enough not to hold the writer. */
export const PERSON_CHUNK = 500;

/** `items` in slices of `size`. */
export function* personChunks<T>(items: readonly T[], size = PERSON_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The values of the person's identifiers of these types (all types when none are named). */
export function identifierValues(person: PersonRef, ...types: string[]): string[] {
  return [
    ...new Set(
      person.identifiers.filter((i) => types.length === 0 || types.includes(i.type)).map((i) => i.value),
    ),
  ];
}

/**
 * Runs `work` on each slice of `ids` and adds up what it answers per kind of record. Each slice
 * is its own statement: a long erase gives other writers their turn between slices.
 */
export async function countPerChunk(
  ids: readonly string[],
  work: (chunk: string[]) => Promise<PersonDataCounts>,
): Promise<PersonDataCounts> {
  const counts: PersonDataCounts = {};
  for (const chunk of personChunks(ids)) {
    for (const [kind, count] of Object.entries(await work(chunk))) counts[kind] = (counts[kind] ?? 0) + count;
  }
  return counts;
}
