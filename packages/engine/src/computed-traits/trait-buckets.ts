import type { ComputedTraitKind } from '@tandem/contract';

/** A mergeable partial aggregate of the events in one time bucket (or all time). */
export interface Partial {
  n: number;
  sum: number;
  /** Events with a numeric value (sum, avg, min, max). */
  numeric: number;
  min: number | null;
  max: number | null;
  /** JSON text of each value → how many events had it. */
  values: Record<string, number>;
  /** [timestamp, seq, JSON text] of the earliest and latest events. */
  first: [string, number, string] | null;
  last: [string, number, string] | null;
}

/** Per bucket start (ms, or 0 for all time): the state stored per profile and trait. */
export type TraitState = Record<string, Partial>;

export interface BucketSpec {
  readonly kind: ComputedTraitKind;
  /** null: all time. */
  readonly windowMs: number | null;
}

/** Buckets fine enough for the window: minutes up to 2 h, hours up to 3 days, else days. */
export function bucketMs(windowMs: number): number {
  if (windowMs <= 2 * 3_600_000) return 60_000;
  if (windowMs <= 3 * 86_400_000) return 3_600_000;
  return 86_400_000;
}

/** Adds one event's value (undefined for count-only) to the state. */
export function addEvent(
  state: TraitState,
  spec: BucketSpec,
  event: { timestamp: string; seq: number; value: unknown },
  now: number,
): void {
  let key = '0';
  if (spec.windowMs !== null) {
    const size = bucketMs(spec.windowMs);
    const start = Math.floor(Date.parse(event.timestamp) / size) * size;
    if (start + size <= now - spec.windowMs) return; // already out of the window
    key = String(start);
  }
  const bucket = state[key] ?? {
    n: 0,
    sum: 0,
    numeric: 0,
    min: null,
    max: null,
    values: {},
    first: null,
    last: null,
  };
  state[key] = bucket;
  const needsValue = spec.kind !== 'count';
  if (needsValue && (event.value === undefined || event.value === null)) return;
  bucket.n += 1;
  if (!needsValue) return;
  const text = JSON.stringify(event.value);
  if (typeof event.value === 'number') {
    bucket.numeric += 1;
    bucket.sum += event.value;
    bucket.min = bucket.min === null ? event.value : Math.min(bucket.min, event.value);
    bucket.max = bucket.max === null ? event.value : Math.max(bucket.max, event.value);
  }
  bucket.values[text] = (bucket.values[text] ?? 0) + 1;
  const mark: [string, number, string] = [event.timestamp, event.seq, text];
  if (bucket.first === null || before(mark, bucket.first)) bucket.first = mark;
  if (bucket.last === null || before(bucket.last, mark)) bucket.last = mark;
}

/** Drops buckets that left the window; returns when the oldest remaining one leaves (or null). */
export function prune(state: TraitState, spec: BucketSpec, now: number): number | null {
  if (spec.windowMs === null) return null;
  const size = bucketMs(spec.windowMs);
  let expiresAt: number | null = null;
  for (const key of Object.keys(state)) {
    const leavesAt = Number(key) + size + spec.windowMs;
    if (leavesAt <= now) delete state[key];
    else if (expiresAt === null || leavesAt < expiresAt) expiresAt = leavesAt;
  }
  return expiresAt;
}

/** The trait's value from its (pruned) state. */
export function traitValueOf(state: TraitState, kind: ComputedTraitKind): unknown {
  const parts = Object.values(state);
  const total = (pick: (p: Partial) => number) => parts.reduce((sum, p) => sum + pick(p), 0);
  const values = new Map<string, number>();
  for (const p of parts)
    for (const [text, n] of Object.entries(p.values)) values.set(text, (values.get(text) ?? 0) + n);
  const numbers = parts.filter((p) => p.numeric > 0);
  switch (kind) {
    case 'count':
      return total((p) => p.n);
    case 'sum':
      return total((p) => p.sum);
    case 'avg': {
      const n = total((p) => p.numeric);
      return n === 0 ? null : total((p) => p.sum) / n;
    }
    case 'min':
      return numbers.length === 0 ? null : Math.min(...numbers.map((p) => p.min ?? Number.POSITIVE_INFINITY));
    case 'max':
      return numbers.length === 0 ? null : Math.max(...numbers.map((p) => p.max ?? Number.NEGATIVE_INFINITY));
    case 'most_frequent': {
      // Ties go to the smallest JSON text, so the value never depends on arrival order.
      let best: [string, number] | null = null;
      for (const [text, n] of [...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (best === null || n > best[1]) best = [text, n];
      }
      return best === null ? null : JSON.parse(best[0]);
    }
    case 'first':
    case 'last': {
      const marks = parts.map((p) => (kind === 'first' ? p.first : p.last)).filter((m) => m !== null);
      const pick = marks.reduce<[string, number, string] | null>(
        (best, m) => (best === null || (kind === 'first' ? before(m, best) : before(best, m)) ? m : best),
        null,
      );
      return pick === null ? null : JSON.parse(pick[2]);
    }
    case 'unique_list':
      return [...values.keys()].sort().map((text) => JSON.parse(text));
    case 'unique_count':
      return values.size;
    default: {
      const unknown: never = kind;
      throw new Error(`unknown computed trait kind ${String(unknown)}`);
    }
  }
}

/** The value of a profile no event counted for: 0 for counters, absent (null) otherwise. */
export function emptyValueOf(kind: ComputedTraitKind): unknown {
  return kind === 'count' || kind === 'sum' || kind === 'unique_count' ? 0 : null;
}

function before(a: [string, number, string], b: [string, number, string]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}
