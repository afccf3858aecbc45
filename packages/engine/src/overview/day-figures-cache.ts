/** One UTC day's activity. */
export interface DayFigures {
  events: number;
  newPeople: number;
  activePeople: number;
  byEvent: Map<string, number>;
}

/** How long figures are reused: a finished day rarely changes, today does all the time. */
export interface DayFiguresLifetimes {
  readonly finishedDayMs: number;
  readonly todayMs: number;
}

const MAX_ENTRIES = 50_000;

/**
 * Days' figures by workspace and day, each with when it was read. Entries past their lifetime are
 * still answered (marked stale) until read again, so a request never waits on a whole period.
 */
export class DayFiguresCache {
  private readonly entries = new Map<string, { at: number; figures: DayFigures }>();

  constructor(private readonly options: DayFiguresLifetimes & { clock: () => number }) {}

  get(workspaceId: string, day: string, today: string): { figures: DayFigures; fresh: boolean } | undefined {
    const entry = this.entries.get(`${workspaceId}/${day}`);
    if (!entry) return undefined;
    const lifetime = day === today ? this.options.todayMs : this.options.finishedDayMs;
    return { figures: entry.figures, fresh: this.options.clock() - entry.at < lifetime };
  }

  set(workspaceId: string, day: string, figures: DayFigures, at: number): void {
    const key = `${workspaceId}/${day}`;
    this.entries.delete(key);
    this.entries.set(key, { at, figures });
    // Oldest written first out: a bound on memory whatever the number of workspaces.
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
