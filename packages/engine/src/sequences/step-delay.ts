// When a step is due: its delay after the previous step (after enrollment, for the first). With
// `businessDays`, days and weeks count Monday–Friday only (a week is five of them) and a step
// that would fall on a Saturday or Sunday moves to Monday at the same time (UTC).

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

function parseDelay(delay: string): { amount: number; unit: Unit } {
  const match = /^(\d+)([smhdw])$/.exec(delay);
  if (!match) throw new Error(`not a delay: ${delay}`);
  return { amount: Number(match[1]), unit: match[2] as Unit }; // the regex allows only these units
}

const isWeekend = (ms: number) => {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
};

/** The time a step with this delay is due, counted from `from` (ms since epoch). */
export function dueAfter(from: number, delay: string, businessDays: boolean): number {
  const { amount, unit } = parseDelay(delay);
  if (!businessDays) return from + amount * UNIT_MS[unit];
  let at = from;
  if (unit === 'd' || unit === 'w') {
    let days = unit === 'w' ? amount * 5 : amount;
    while (days > 0) {
      at += UNIT_MS.d;
      if (!isWeekend(at)) days -= 1;
    }
  } else {
    at += amount * UNIT_MS[unit];
  }
  while (isWeekend(at)) at += UNIT_MS.d;
  return at;
}
