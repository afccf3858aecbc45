/** One UTC day's activity. */
export interface DayFigures {
  events: number;
  newPeople: number;
  activePeople: number;
  byEvent: Map<string, number>;
}

const MAX_ENTRIES = 1000;

/**
 * Finished days' figures by key (workspace and period), each kept `ttlMs`. Concurrent requests
 * for a missing key share one read. Oldest entries go first beyond `MAX_ENTRIES`.
 */
export class DayFiguresCache {
  private readonly entries = new Map<string, { at: number; figures: Promise<Map<string, DayFigures>> }>();

  constructor(private readonly options: { ttlMs: number; clock: () => number }) {}

  get(key: string, read: () => Promise<Map<string, DayFigures>>): Promise<Map<string, DayFigures>> {
    const now = this.options.clock();
    const entry = this.entries.get(key);
    if (entry && now - entry.at < this.options.ttlMs) return entry.figures;
    const figures = read();
    this.entries.delete(key);
    this.entries.set(key, { at: now, figures });
    // A failed read is not kept: the next request tries again.
    figures.catch(() => this.entries.get(key)?.figures === figures && this.entries.delete(key));
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return figures;
  }
}
