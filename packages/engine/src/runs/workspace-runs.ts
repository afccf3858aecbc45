/** A run as its callers see it: recorded as started, then finished. */
export interface RunInProgress<Run> {
  readonly started: Promise<Run>;
  readonly done: Promise<Run>;
}

/** How a service records a run's start, then carries it out and records its end. */
export interface RunSteps<Run, Trigger> {
  readonly recordStart: (workspaceId: string, trigger: Trigger) => Promise<Run>;
  readonly apply: (workspaceId: string, started: Run) => Promise<Run>;
}

/**
 * One run per workspace at a time in this process (retention, predictions): asking while one is
 * in progress joins it, and the run is forgotten once it is done, whether it succeeded or not.
 */
export class WorkspaceRuns<Run, Trigger> {
  private readonly running = new Map<string, RunInProgress<Run>>();

  constructor(private readonly steps: RunSteps<Run, Trigger>) {}

  /** The workspace's run in progress, or a new one started with this trigger. */
  begin(workspaceId: string, trigger: Trigger): RunInProgress<Run> {
    const inProgress = this.running.get(workspaceId);
    if (inProgress) return inProgress;
    const started = this.steps.recordStart(workspaceId, trigger);
    const done = started
      .then((run) => this.steps.apply(workspaceId, run))
      .finally(() => this.running.delete(workspaceId));
    const run = { started, done };
    this.running.set(workspaceId, run);
    return run;
  }

  /** The workspace's run in progress, once finished; rejects if it failed to record its end. */
  async whenIdle(workspaceId: string): Promise<void> {
    await this.running.get(workspaceId)?.done;
  }

  /** Every run in progress, once finished or failed. */
  async whenAllIdle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
  }
}
