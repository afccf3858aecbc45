import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations/index.js';
import { migrate, pendingMigrations } from './migrator.js';
import { openStore, type Store } from './open-store.js';
import { backupStoreFile, inspectStoreFile, isStoreFileInUse, restoreStoreFile } from './store-file.js';

const LATEST = MIGRATIONS.map((migration) => migration.name);

describe('backing up and restoring a SQLite store file', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  const folder = () => {
    const path = mkdtempSync(join(tmpdir(), 'tandem-store-file-'));
    folders.push(path);
    return path;
  };

  /** A store on disk at every migration (or only the first `upTo`), with `workspaces` named rows. */
  async function storeAt(file: string, workspaces: number, upTo = MIGRATIONS.length): Promise<Store> {
    const store = await openStore({ sqliteFile: file, walCheckpointer: false });
    const migrations = Object.fromEntries(
      MIGRATIONS.slice(0, upTo).map((m) => [m.name, { up: (db: never) => m.up(db, 'sqlite') }]),
    );
    const migrator = new Migrator({
      db: store.db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: 'tandem_migrations',
      migrationLockTableName: 'tandem_migrations_lock',
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    for (let i = 0; i < workspaces; i += 1) await addWorkspace(store, `w${i}`);
    return store;
  }
  const addWorkspace = (store: Store, id: string) =>
    sql`insert into workspaces (workspace_id, name, created_at) values (${id}, ${id}, '2026-01-01T00:00:00.000Z')`.execute(
      store.db,
    );
  const workspacesIn = (file: string) => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      return (db.prepare('select count(*) as n from workspaces').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('copies one consistent snapshot while another connection keeps committing', async () => {
    const dir = folder();
    const store = await storeAt(join(dir, 'tandem.db'), 200);
    let written = 200;
    let writing = true;
    // Commits between the backup's steps, as a running server would.
    const writer = (async () => {
      while (writing) {
        await addWorkspace(store, `late${written}`);
        written += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      const backup = await backupStoreFile(join(dir, 'tandem.db'), join(dir, 'copy.db'));
      writing = false;
      await writer;
      expect(backup.ok && backup.value.applied).toEqual(LATEST);
      const copied = workspacesIn(join(dir, 'copy.db'));
      expect(copied).toBeGreaterThanOrEqual(200);
      expect(copied).toBeLessThanOrEqual(written);
      expect(statSync(join(dir, 'copy.db')).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses to overwrite a file, and files that are not Tandem stores', async () => {
    const dir = folder();
    const store = await storeAt(join(dir, 'tandem.db'), 1);
    await store.close();
    writeFileSync(join(dir, 'taken.db'), 'keep me');
    const overwrite = await backupStoreFile(join(dir, 'tandem.db'), join(dir, 'taken.db'));
    expect(overwrite.ok || overwrite.error.kind).toBe('exists');
    const nowhere = await backupStoreFile(join(dir, 'tandem.db'), join(dir, 'no-such-folder', 'copy.db'));
    expect(nowhere.ok || nowhere.error.kind).toBe('missing');

    writeFileSync(join(dir, 'notes.txt'), 'not a database at all, but long enough to have a header');
    const other = new BetterSqlite3(join(dir, 'other.db'));
    other.exec('create table t (x)');
    other.close();
    for (const file of ['notes.txt', 'other.db']) {
      const inspected = inspectStoreFile(join(dir, file));
      expect(inspected.ok || inspected.error.kind, file).toBe('not_a_store');
    }
    const missing = await restoreStoreFile({ from: join(dir, 'nothing.db'), target: join(dir, 'tandem.db') });
    expect(missing.ok || missing.error.kind).toBe('missing');
  });

  it('refuses a store written by a newer release', async () => {
    const dir = folder();
    const store = await storeAt(join(dir, 'newer.db'), 1);
    await sql`insert into tandem_migrations (name, timestamp) values ('9999-from-the-future', '2030-01-01')`.execute(
      store.db,
    );
    await store.close();
    const inspected = inspectStoreFile(join(dir, 'newer.db'));
    expect(inspected.ok || inspected.error).toMatchObject({ kind: 'newer_release' });
    expect(inspected.ok || inspected.error.message).toContain('9999-from-the-future');
  });

  it('sees another connection holding the store open, and not once it is closed', async () => {
    const dir = folder();
    const store = await storeAt(join(dir, 'tandem.db'), 1);
    expect(isStoreFileInUse(join(dir, 'tandem.db'))).toBe(true);
    const refused = await restoreStoreFile({ from: join(dir, 'tandem.db'), target: join(dir, 'tandem.db') });
    expect(refused.ok || refused.error.kind).toBe('same_file');
    const backup = await backupStoreFile(join(dir, 'tandem.db'), join(dir, 'copy.db'));
    expect(backup.ok).toBe(true);
    const busy = await restoreStoreFile({ from: join(dir, 'copy.db'), target: join(dir, 'tandem.db') });
    expect(busy.ok || busy.error.kind).toBe('in_use');
    await store.close();
    expect(isStoreFileInUse(join(dir, 'tandem.db'))).toBe(false);
    expect(isStoreFileInUse(join(dir, 'absent.db'))).toBe(false);
  });

  it('restores an older store migrated to this release, keeping the replaced one with its WAL', async () => {
    const dir = folder();
    const older = await storeAt(join(dir, 'older.db'), 3, MIGRATIONS.length - 1);
    await older.close();
    expect(inspectStoreFile(join(dir, 'older.db'))).toMatchObject({
      ok: true,
      value: { pending: LATEST.slice(-1) },
    });
    const current = await storeAt(join(dir, 'tandem.db'), 5);
    const now = new Date('2026-12-02T17:40:00.000Z');
    const refused = await restoreStoreFile({
      from: join(dir, 'older.db'),
      target: join(dir, 'tandem.db'),
      now,
    });
    expect(refused.ok || refused.error.kind).toBe('in_use');
    await current.close();
    // The replaced store was left by a killed process: its last commit is only in its WAL.
    writeAndGetKilled(join(dir, 'tandem.db'));
    expect(statSync(join(dir, 'tandem.db-wal')).size).toBeGreaterThan(0);

    const restored = await restoreStoreFile({
      from: join(dir, 'older.db'),
      target: join(dir, 'tandem.db'),
      now,
    });
    const keptAs = join(dir, 'tandem.db.before-restore-2026-12-02T17-40-00-000Z');
    expect(restored).toEqual({ ok: true, value: { migrated: LATEST.slice(-1), keptAs } });
    expect(workspacesIn(join(dir, 'tandem.db'))).toBe(3);
    expect(statSync(join(dir, 'tandem.db')).mode & 0o777).toBe(0o600);
    expect(workspacesIn(keptAs)).toBe(6);
    const reopened = await openStore({ sqliteFile: join(dir, 'tandem.db'), walCheckpointer: false });
    try {
      expect(await pendingMigrations(reopened)).toEqual([]);
      expect(await migrate(reopened)).toEqual([]);
    } finally {
      await reopened.close();
    }
    expect(readdirSync(dir).filter((name) => name.includes('restoring'))).toEqual([]);
  });
});

/** A process that commits one workspace to the store and is killed before SQLite's close. */
function writeAndGetKilled(file: string): void {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const script = `const D = require(${JSON.stringify(driver)}); const db = new D(${JSON.stringify(file)});
    db.pragma('wal_autocheckpoint = 0');
    db.prepare("insert into workspaces values ('in-wal', 'in-wal', '2026-01-01')").run();
    process.kill(process.pid, 'SIGKILL');`;
  const child = spawnSync(process.execPath, ['-e', script]);
  if (child.signal !== 'SIGKILL') throw new Error(`the writer was not killed: ${child.stderr}`);
}
