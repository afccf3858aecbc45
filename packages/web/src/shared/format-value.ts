const MAX_LENGTH = 120;

/** A trait or property value on one line: strings as they are, everything else as JSON, shortened. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
