import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** A journey duration (`30s`, `2d`) or signed offset (`-7d`) in ms; the contract's regex checked it. */
export function journeyMs(duration: string): number {
  const match = /^(-?)([1-9][0-9]{0,5})([smhdw])$/.exec(duration);
  if (!match) throw new Error(`not a journey duration: ${duration}`);
  const unit = match[3] as keyof typeof UNIT_MS; // the regex allows only these
  return (match[1] === '-' ? -1 : 1) * Number(match[2]) * UNIT_MS[unit];
}

/** The next `HH:MM` after `now` in a time zone (an unknown zone counts as UTC). */
export function nextTimeOfDay(now: number, timeOfDay: string, zone: string): number {
  const [hour, minute] = timeOfDay.split(':').map(Number);
  let local = DateTime.fromMillis(now, { zone });
  if (!local.isValid) local = DateTime.fromMillis(now, { zone: 'UTC' });
  let at = local.set({ hour: hour ?? 0, minute: minute ?? 0, second: 0, millisecond: 0 });
  if (at.toMillis() <= now) at = at.plus({ days: 1 });
  return at.toMillis();
}

/** A date trait's value (ISO date or time, or epoch ms) as ms, or undefined when it is not one. */
export function dateOfTrait(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A stable number in [0, 1) from a run and a purpose: the same run always takes the same branch. */
export function unitHash(runId: string, purpose: string): number {
  const digest = createHash('sha256').update(`${runId}:${purpose}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The branch a weighted random split sends a run down. */
export function weightedBranch(weights: readonly number[], unit: number): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let edge = 0;
  for (let i = 0; i < weights.length; i += 1) {
    edge += (weights[i] ?? 0) / total;
    if (unit < edge) return i;
  }
  return weights.length - 1;
}
