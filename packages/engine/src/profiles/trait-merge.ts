/** One trait of a profile, with what decides which write wins. */
export interface TraitState {
  readonly value: unknown;
  /** The priority of the source that set it (higher wins), then the event's time, then its messageId. */
  readonly priority: number;
  readonly setAt: string;
  readonly messageId: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly previousValue: unknown;
}

/** A trait as one event sets it. */
export function traitOfEvent(
  value: unknown,
  event: { priority: number; timestamp: string; messageId: string },
): TraitState {
  return {
    value,
    priority: event.priority,
    setAt: event.timestamp,
    messageId: event.messageId,
    firstSeen: event.timestamp,
    lastSeen: event.timestamp,
    previousValue: null,
  };
}

/**
 * Whether `a` wins over `b`: source priority, then the later event time (not arrival), then
 * the larger messageId, so that every delivery order ends with the same value.
 */
export function beats(a: TraitState, b: TraitState): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.setAt !== b.setAt) return a.setAt > b.setAt;
  return a.messageId > b.messageId;
}

/** Two versions of one trait folded into one; the loser's value becomes the previous value. */
// Times are ISO 8601 UTC text: sorting them as text sorts them in time.
export function combineTrait(current: TraitState | undefined, incoming: TraitState): TraitState {
  if (current === undefined) return incoming;
  const winner = beats(incoming, current) ? incoming : current;
  const changed = winner === incoming && !sameValue(incoming.value, current.value);
  return {
    ...winner,
    firstSeen: [current.firstSeen, incoming.firstSeen].sort()[0] ?? current.firstSeen,
    lastSeen: [current.lastSeen, incoming.lastSeen].sort()[1] ?? current.lastSeen,
    previousValue: changed ? current.value : current.previousValue,
  };
}

export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Folds `incoming` traits into `base` (a new map; `base` is not changed). */
export function combineTraits(
  base: ReadonlyMap<string, TraitState>,
  incoming: ReadonlyMap<string, TraitState>,
): Map<string, TraitState> {
  const combined = new Map(base);
  for (const [name, trait] of incoming) combined.set(name, combineTrait(combined.get(name), trait));
  return combined;
}
