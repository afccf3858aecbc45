import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const WRITE_KEY = 'wk_journey_crash_key';
const ADMIN_TOKEN = 'tdm_journey_crash_admin_token_0123456789';
const PEOPLE = Number(process.env.JOURNEY_CRASH_PEOPLE ?? 100_000);
const DELAY_SECONDS = Number(process.env.JOURNEY_CRASH_DELAY_SECONDS ?? 90);

/** Counts read straight from the store file (the server may be dead). */
function countsOf(file: string) {
  const store = new Database(file, { readonly: true });
  try {
    const count = (query: string) => Number(store.prepare(query).pluck().get());
    return {
      runs: count('select count(*) from journey_runs'),
      timers: count('select count(*) from journey_timers'),
      passed: count("select count(*) from journey_run_steps where step_id = 'wait'"),
      passedRuns: count("select count(distinct run_id) from journey_run_steps where step_id = 'wait'"),
      marked: count("select count(*) from journey_run_steps where step_id = 'mark'"),
      completed: count("select count(*) from journey_runs where status = 'completed'"),
      completedEvents: count("select count(*) from events where event = 'Journey Completed'"),
    };
  } finally {
    store.close();
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('journey timers under SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-journey-crash-'));
  const file = join(dataDir, 'tandem.db');
  const env = {
    TANDEM_DATA_DIR: dataDir,
    TANDEM_WRITE_KEY: WRITE_KEY,
    TANDEM_ADMIN_TOKEN: ADMIN_TOKEN,
    TANDEM_LOG_LEVEL: 'info',
  };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    `fires every one of ${PEOPLE} pending timers exactly once across kill -9 and restarts`,
    async () => {
      let server = await startTandem(env);
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
      const created = await fetch(`${server.url}/api/v1/journeys`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({
          name: 'Crash',
          entry: { kind: 'event', event: 'Crash Go' },
          steps: [
            { id: 'wait', kind: 'delay', duration: `${DELAY_SECONDS}s`, next: 'mark' },
            { id: 'mark', kind: 'update_trait', trait: 'crashed', value: true },
          ],
        }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const published = await fetch(`${server.url}/api/v1/journeys/${id}/publish`, {
        method: 'POST',
        headers: admin,
        body: '{}',
      });
      expect(published.status).toBe(200);

      const started = Date.now();
      const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
      for (let from = 0; from < PEOPLE; from += 1000) {
        const batch = Array.from({ length: Math.min(1000, PEOPLE - from) }, (_, i) => ({
          type: 'track',
          userId: `crash-${from + i}`,
          event: 'Crash Go',
          messageId: `crash-${from + i}`,
        }));
        const sent = await fetch(`${server.url}/v1/batch`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ batch }),
        });
        expect(sent.status).toBe(200);
      }
      await waitFor('every person in the delay', () => countsOf(file).runs === PEOPLE, DELAY_SECONDS * 1000);
      const entered = Date.now();
      // Every person waits; none is due yet: kill -9 before the due time.
      expect(countsOf(file)).toMatchObject({ timers: PEOPLE, passed: 0 });
      expect(entered - started).toBeLessThan(DELAY_SECONDS * 1000);
      server.child.kill('SIGKILL');
      await new Promise((resolve) => server.child.on('exit', resolve));

      // Restart; once timers fire, kill -9 again in the middle of firing, then restart for good.
      server = await startTandem(env);
      await waitFor('timers firing', () => countsOf(file).passed > 0, (DELAY_SECONDS + 60) * 1000);
      server.child.kill('SIGKILL');
      await new Promise((resolve) => server.child.on('exit', resolve));
      const midway = countsOf(file);
      server = await startTandem(env);
      try {
        await waitFor('every timer fired', () => countsOf(file).timers === 0, 120_000);
        await waitFor(
          'every Journey Completed on the log',
          () => countsOf(file).completedEvents === PEOPLE,
          120_000,
        );
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((resolve) => server.child.on('exit', resolve));
      }
      const final = countsOf(file);
      expect(midway.passed).toBeLessThan(PEOPLE * 2);
      expect(final).toEqual({
        runs: PEOPLE,
        timers: 0,
        passed: PEOPLE,
        passedRuns: PEOPLE,
        marked: PEOPLE,
        completed: PEOPLE,
        completedEvents: PEOPLE,
      });
    },
    15 * 60_000,
  );
});
