const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30d` → milliseconds, or null when not a duration. */
export function durationMs(duration: string): number | null {
  const match = /^([1-9][0-9]{0,5})([mhd])$/.exec(duration);
  if (!match) return null;
  const unit = match[2] as keyof typeof UNIT_MS; // the regex allows only these
  return Number(match[1]) * UNIT_MS[unit];
}
