/** A member of a parsed JSON payload as an object, or an empty one when it is not an object. */
export function objectOr(value: unknown): Record<string, unknown> {
  // Parsed JSON: a non-null, non-array object is a record.
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
