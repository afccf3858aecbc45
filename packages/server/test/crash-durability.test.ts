import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startTandem } from './support/start-tandem.js';

const WRITE_KEY = 'wk_crash_test_key';
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

describe('durability under SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-crash-'));
  const env = { TANDEM_DATA_DIR: dataDir, TANDEM_WRITE_KEY: WRITE_KEY, TANDEM_LOG_LEVEL: 'info' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged messageId exactly once across a kill -9 and a restart', async () => {
    const server = await startTandem(env);
    const acknowledged: string[] = [];
    let killed = false;
    let sent = 0;

    // 16 clients send 50-event batches as fast as they can until the server dies under them.
    const client = async (clientId: number) => {
      for (let request = 0; !killed; request += 1) {
        const ids = Array.from({ length: 50 }, (_, i) => `c${clientId}-r${request}-e${i}`);
        sent += ids.length;
        try {
          const response = await fetch(`${server.url}/v1/batch`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/json' },
            body: JSON.stringify({
              batch: ids.map((messageId) => ({
                type: 'track',
                userId: `u${clientId}`,
                event: 'Load',
                messageId,
              })),
            }),
          });
          if (response.status === 200) acknowledged.push(...ids);
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    };
    const clients = Array.from({ length: 16 }, (_, id) => client(id));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    server.child.kill('SIGKILL');
    killed = true;
    await Promise.all(clients);
    expect(acknowledged.length).toBeGreaterThan(1000);

    // Read the store directly: nothing may be missing or doubled.
    const store = new Database(join(dataDir, 'tandem.db'), { readonly: true });
    const storedIds = new Set(store.prepare('select message_id from events').pluck().all() as string[]);
    const doubled = store
      .prepare(
        'select count(*) from (select message_id from events group by source_id, message_id having count(*) > 1)',
      )
      .pluck()
      .get();
    store.close();
    expect(doubled).toBe(0);
    const lost = acknowledged.filter((id) => !storedIds.has(id));
    expect(lost).toEqual([]);
    expect(storedIds.size).toBeLessThanOrEqual(sent);

    // Restart on the same data: ready again, and redelivering acknowledged batches adds nothing.
    const restarted = await startTandem(env);
    try {
      expect((await fetch(`${restarted.url}/readyz`)).status).toBe(200);
      const redelivered = acknowledged.slice(0, 500);
      const response = await fetch(`${restarted.url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          batch: redelivered.map((messageId) => ({
            type: 'track',
            userId: 'again',
            event: 'Load',
            messageId,
          })),
        }),
      });
      expect(response.status).toBe(200);
    } finally {
      restarted.child.kill('SIGTERM');
      await new Promise((resolve) => restarted.child.on('exit', resolve));
    }
    const after = new Database(join(dataDir, 'tandem.db'), { readonly: true });
    expect(after.prepare('select count(*) from events').pluck().get()).toBe(storedIds.size);
    after.close();
  });
});
