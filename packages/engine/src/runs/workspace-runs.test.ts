import { describe, expect, it } from 'vitest';
import { WorkspaceRuns } from './workspace-runs.js';

/** Runs whose end the test releases by hand, counting starts per workspace. */
function manualRuns() {
  const starts: string[] = [];
  const releases: (() => void)[] = [];
  const runs = new WorkspaceRuns<string, string>({
    recordStart: async (workspaceId, trigger) => {
      starts.push(workspaceId);
      return `${workspaceId}:${trigger}`;
    },
    apply: (_workspaceId, started) =>
      new Promise<string>((resolve) => releases.push(() => resolve(`${started} done`))),
  });
  const releaseAll = async () => {
    // apply is called once the start is recorded: let those callbacks run first.
    await new Promise((resolve) => setImmediate(resolve));
    for (const release of releases.splice(0)) release();
  };
  return { runs, starts, releaseAll };
}

describe('workspace runs', () => {
  it('joins a second request to the workspace’s run in progress, and starts anew once it is done', async () => {
    const { runs, starts, releaseAll } = manualRuns();
    const first = runs.begin('ws_a', 'manual');
    const joined = runs.begin('ws_a', 'schedule');
    expect(joined).toBe(first);
    expect(await first.started).toBe('ws_a:manual');
    await releaseAll();
    expect(await joined.done).toBe('ws_a:manual done');
    expect(starts).toEqual(['ws_a']);

    const next = runs.begin('ws_a', 'schedule');
    expect(next).not.toBe(first);
    await releaseAll();
    expect(await next.done).toBe('ws_a:schedule done');
    expect(starts).toEqual(['ws_a', 'ws_a']);
  });

  it('runs different workspaces side by side and waits for all of them', async () => {
    const { runs, starts, releaseAll } = manualRuns();
    const a = runs.begin('ws_a', 'manual');
    const b = runs.begin('ws_b', 'manual');
    expect(a).not.toBe(b);
    let idle = false;
    const allIdle = runs.whenAllIdle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    await releaseAll();
    await allIdle;
    expect(starts).toEqual(['ws_a', 'ws_b']);
  });

  it('forgets a failed run, and whenIdle reports its failure', async () => {
    let attempts = 0;
    const runs = new WorkspaceRuns<string, string>({
      recordStart: async () => `run ${++attempts}`,
      apply: async (_workspaceId, started) => {
        if (started === 'run 1') throw new Error('store closed');
        return `${started} done`;
      },
    });
    const failed = runs.begin('ws_a', 'manual');
    const idle = runs.whenIdle('ws_a');
    await expect(failed.done).rejects.toThrow('store closed');
    await expect(idle).rejects.toThrow('store closed');
    await runs.whenAllIdle();
    expect(await runs.begin('ws_a', 'manual').done).toBe('run 2 done');
  });
});
