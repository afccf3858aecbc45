/** Lower-cased text of a scalar, for search by trait value. */
export function searchTextOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim().toLowerCase().slice(0, 200) || null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
