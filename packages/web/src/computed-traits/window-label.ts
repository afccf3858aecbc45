const UNITS: Record<string, [string, string]> = {
  m: ['minute', 'minutes'],
  h: ['hour', 'hours'],
  d: ['day', 'days'],
};

/** A window in words: `30d` → "Last 30 days"; none → "All time". */
export function windowLabel(within: string | undefined): string {
  const match = within ? /^(\d+)([mhd])$/.exec(within) : null;
  if (!match?.[1] || !match[2]) return 'All time';
  const amount = Number(match[1]);
  const [one, many] = UNITS[match[2]] ?? ['', ''];
  return `Last ${amount} ${amount === 1 ? one : many}`;
}
