/** A JSON object (not an array, not null): what Segment calls `context`, `properties`, `traits`. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
