import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, startTandem } from './support/start-tandem.js';

const run = promisify(execFile);
type Tandem = Awaited<ReturnType<typeof startTandem>>;

// The built CLI against a real server writing events: what an operator's cron job would meet.
describe('tandem backup and restore on embedded storage', () => {
  const parent = mkdtempSync(join(tmpdir(), 'tandem-backup-'));
  const dataDir = join(parent, 'data');
  const env = {
    TANDEM_DATA_DIR: dataDir,
    TANDEM_LOG_LEVEL: 'info',
    TANDEM_ADMIN_TOKEN: 'tdm_backup_e2e_owner_token_00',
    TANDEM_WRITE_KEY: 'wk_backup_e2e_write_key',
  };
  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, ...extraEnv } }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  const backupFile = join(parent, 'nightly.db');
  let server: Tandem | undefined;
  afterAll(() => {
    server?.child.kill('SIGKILL');
    rmSync(parent, { recursive: true, force: true });
  });

  let sent = 0;
  /** Sends a batch of tracked events; resolves with their message ids once acknowledged. */
  async function sendBatch(url: string, size: number): Promise<string[]> {
    const ids = Array.from({ length: size }, (_, i) => `m-${sent + i + 1}`);
    sent += size;
    const response = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${env.TANDEM_WRITE_KEY}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        batch: ids.map((messageId, i) => ({
          type: 'track',
          messageId,
          userId: `shopper-${i % 40}`,
          event: 'Product Viewed',
          properties: { sku: `sku-${messageId}`, note: 'x'.repeat(200) },
        })),
      }),
    });
    expect(response.status).toBe(200);
    return ids;
  }
  const stop = async (tandem: Tandem) => {
    const exited = new Promise((resolve) => tandem.child.once('exit', resolve));
    tandem.child.kill('SIGTERM');
    await exited;
  };
  const messageIdsIn = (file: string) => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      return new Set(
        (db.prepare('select message_id from events').all() as { message_id: string }[]).map(
          (e) => e.message_id,
        ),
      );
    } finally {
      db.close();
    }
  };

  const acknowledgedBeforeBackup: string[] = [];
  const acknowledgedDuringBackup: string[] = [];

  it('copies the store while the server keeps acknowledging events', async () => {
    server = await startTandem(env);
    const { url } = server;
    for (let i = 0; i < 40; i += 1) acknowledgedBeforeBackup.push(...(await sendBatch(url, 100)));
    let backingUp = true;
    const writers = [0, 1].map(async () => {
      while (backingUp) acknowledgedDuringBackup.push(...(await sendBatch(url, 50)));
    });
    const backup = await cli(['backup', '--to', backupFile]);
    backingUp = false;
    await Promise.all(writers);

    expect(backup.stdout).toMatch(/Backed up .*tandem\.db to .*nightly\.db: [\d.]+ (KB|MB) in [\d.]+ s/);
    expect(acknowledgedDuringBackup.length).toBeGreaterThan(0);
    const copied = messageIdsIn(backupFile);
    expect(acknowledgedBeforeBackup.filter((id) => !copied.has(id))).toEqual([]);
    // One snapshot: whatever of the concurrent writes it holds, it holds as committed groups.
    expect(copied.size).toBeLessThanOrEqual(
      acknowledgedBeforeBackup.length + acknowledgedDuringBackup.length,
    );
  });

  it('never overwrites a file, and refuses to restore while the server runs', async () => {
    const again = await cli(['backup', '--to', backupFile]);
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toContain('already exists');
    const restore = await cli(['restore', '--from', backupFile]);
    expect(restore).toMatchObject({ code: 1 });
    expect(restore.stderr).toMatch(/open by a running Tandem/);
  });

  it('refuses a file that is not a Tandem store', async () => {
    const notes = join(parent, 'notes.db');
    writeFileSync(notes, 'these are not the rows you are looking for');
    const restore = await cli(['restore', '--from', notes]);
    expect(restore).toMatchObject({ code: 1 });
    expect(restore.stderr).toContain('is not a Tandem store');
  });

  it('restores the backup once the server stopped, keeping the replaced store', async () => {
    if (!server) throw new Error('no server');
    await stop(server);
    const replacedHolds = messageIdsIn(join(dataDir, 'tandem.db')).size;
    const restore = await cli(['restore', '--from', backupFile]);
    expect(restore.stdout).toMatch(
      /Restored .*nightly\.db into .*tandem\.db \(already at this release\); the replaced store is kept as /,
    );
    const kept = readdirSync(dataDir).filter((name) => /^tandem\.db\.before-restore-[\dTZ-]+$/.test(name));
    expect(kept).toHaveLength(1);
    expect(messageIdsIn(join(dataDir, kept[0] as string)).size).toBe(replacedHolds);
    expect(existsSync(backupFile)).toBe(true);

    // The server runs on the restored store: it holds what the backup held, and takes new events.
    server = await startTandem(env);
    const owner = { authorization: `Bearer ${env.TANDEM_ADMIN_TOKEN}` };
    const sources = (await (await fetch(`${server.url}/api/v1/sources`, { headers: owner })).json()) as {
      data: { id: string }[];
    };
    const statsOf = async () =>
      (await (
        await fetch(`${server?.url}/api/v1/sources/${sources.data[0]?.id}/stats`, { headers: owner })
      ).json()) as { events: number };
    expect((await statsOf()).events).toBe(messageIdsIn(backupFile).size);
    await sendBatch(server.url, 10);
    expect((await statsOf()).events).toBe(messageIdsIn(backupFile).size + 10);
    await stop(server);
    server = undefined;
  });

  it('on PostgreSQL, points to pg_dump and pg_restore instead', async () => {
    const postgres = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
    const backup = await cli(['backup', '--to', join(parent, 'pg.db')], postgres);
    expect(backup).toMatchObject({ code: 1 });
    expect(backup.stderr).toContain('pg_dump');
    const restore = await cli(['restore', '--from', backupFile], postgres);
    expect(restore).toMatchObject({ code: 1 });
    expect(restore.stderr).toContain('pg_restore');
  });
});
