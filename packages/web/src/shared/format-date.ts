const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
// Debugging a live source needs the seconds: several calls arrive within one minute.
const DATE_TIME_SECONDS = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** A server timestamp (ISO 8601) in the reader's locale; `fallback` when absent. */
export function formatDate(iso: string | null | undefined, fallback = '—'): string {
  return format(DATE_TIME, iso, fallback);
}

/** Like `formatDate`, down to the second. */
export function formatPreciseDate(iso: string | null | undefined, fallback = '—'): string {
  return format(DATE_TIME_SECONDS, iso, fallback);
}

function format(formatter: Intl.DateTimeFormat, iso: string | null | undefined, fallback: string): string {
  if (!iso) return fallback;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatter.format(date);
}
