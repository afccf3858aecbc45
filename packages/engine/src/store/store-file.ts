import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Result } from '../errors/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrate } from './migrator.js';
import { openStore } from './open-store.js';

/** Why a file cannot be backed up from or restored: each says what to do in its message. */
export interface StoreFileProblem {
  readonly kind: 'missing' | 'not_a_store' | 'newer_release' | 'in_use' | 'same_file' | 'exists';
  readonly message: string;
}

/** What a SQLite file holds, as far as Tandem's schema goes. */
export interface StoreFileInfo {
  readonly bytes: number;
  /** Migrations the store has applied, in order. */
  readonly applied: readonly string[];
  /** Migrations this release knows and the store lacks: opening it applies them. */
  readonly pending: readonly string[];
}

export interface BackupReport extends StoreFileInfo {
  readonly milliseconds: number;
}

export interface RestoreReport {
  /** Migrations applied to the restored copy (an older store brought to this release). */
  readonly migrated: readonly string[];
  /** Where the store that was replaced is kept, when there was one. */
  readonly keptAs: string | undefined;
}

const SQLITE_HEADER = 'SQLite format 3\0';
const SIDECARS = ['-wal', '-shm'] as const;

/** Reads a file's Tandem schema without changing it; refuses anything that is not a Tandem store. */
export function inspectStoreFile(file: string): Result<StoreFileInfo, StoreFileProblem> {
  if (!existsSync(file) || !statSync(file).isFile()) {
    return problem('missing', `${file} does not exist`);
  }
  if (!hasSqliteHeader(file)) {
    return problem('not_a_store', `${file} is not a Tandem store (not a SQLite database)`);
  }
  let applied: string[];
  try {
    applied = readAppliedMigrations(file);
  } catch {
    return problem('not_a_store', `${file} is not a Tandem store (no tandem_migrations table)`);
  }
  const known = new Set(MIGRATIONS.map((migration) => migration.name));
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    return problem(
      'newer_release',
      `${file} was written by a newer Tandem release (migrations ${unknown.join(', ')}); upgrade Tandem first`,
    );
  }
  const done = new Set(applied);
  const pending = MIGRATIONS.map((migration) => migration.name).filter((name) => !done.has(name));
  return { ok: true, value: { bytes: statSync(file).size, applied, pending } };
}

/**
 * Whether another connection (a running server, an import) has the SQLite file open: in WAL
 * mode every connection holds a shared lock on it, so an exclusive lock is refused until the
 * last one closes. The lock dies with its process, so a killed server never looks alive.
 */
export function isStoreFileInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const probe = new BetterSqlite3(file, { fileMustExist: true, timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.prepare('SELECT count(*) FROM sqlite_schema').get();
    probe.exec('COMMIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true; // driver errors carry a code
    throw error;
  } finally {
    probe.close();
  }
}

/**
 * A consistent copy of a SQLite store, safe while a server writes to it: SQLite's online backup
 * in one step, which reads one snapshot (WAL: writers go on meanwhile). The copy is written
 * beside `destination` (0600) and renamed into place only once complete and readable.
 */
export async function backupStoreFile(
  source: string,
  destination: string,
): Promise<Result<BackupReport, StoreFileProblem>> {
  const checked = inspectStoreFile(source);
  if (!checked.ok) return checked;
  if (existsSync(destination)) return problem('exists', `${destination} already exists`);
  if (!existsSync(dirname(destination)))
    return problem('missing', `the folder of ${destination} does not exist`);
  const started = performance.now();
  const partial = `${destination}.partial-${process.pid}`;
  try {
    await copyConsistently(source, partial);
    const copied = inspectStoreFile(partial);
    if (!copied.ok) throw new Error(`the copy is unreadable: ${copied.error.message}`);
    renameSync(partial, destination);
    return { ok: true, value: { ...copied.value, milliseconds: performance.now() - started } };
  } finally {
    removeWithSidecars(partial);
  }
}

/**
 * Replaces the store at `target` with a copy of `from` (a backup, or a store of an older release,
 * which is migrated to this one). Refuses while the target is open elsewhere; the replaced store
 * is kept beside it as `<target>.before-restore-<time>`.
 */
export async function restoreStoreFile(options: {
  from: string;
  target: string;
  now?: Date;
}): Promise<Result<RestoreReport, StoreFileProblem>> {
  const { from, target } = options;
  const checked = inspectStoreFile(from);
  if (!checked.ok) return checked;
  if (existsSync(target) && realpathSync(target) === realpathSync(from)) {
    return problem('same_file', `${from} is the store itself; restore from a backup elsewhere`);
  }
  const inUse = () =>
    problem('in_use', `${target} is open by a running Tandem (server or command): stop it, then restore`);
  if (isStoreFileInUse(target)) return inUse();

  // A fresh machine's data folder may not exist yet; it is its owner's alone, as openStore makes it.
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const restoring = `${target}.restoring-${process.pid}`;
  try {
    await copyConsistently(from, restoring);
    const store = await openStore({ sqliteFile: restoring, walCheckpointer: false });
    let migrated: string[];
    try {
      migrated = await migrate(store);
    } finally {
      await store.close();
    }
    // Checked again: the copy and migration take a while. The probe also folds a killed
    // server's WAL into the file, so the kept copy is whole.
    if (isStoreFileInUse(target)) return inUse();
    let keptAs: string | undefined;
    if (existsSync(target)) {
      keptAs = `${target}.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
      moveWithSidecars(target, keptAs);
    }
    moveWithSidecars(restoring, target);
    return { ok: true, value: { migrated, keptAs } };
  } finally {
    removeWithSidecars(restoring);
  }
}

async function copyConsistently(source: string, destination: string): Promise<void> {
  // Created first so the copy of personal data is its owner's alone from the start.
  closeSync(openSync(destination, 'wx', 0o600));
  const connection = new BetterSqlite3(source, { fileMustExist: true });
  try {
    connection.pragma('busy_timeout = 5000');
    // The first step only sizes the copy; the second copies every page inside one read
    // transaction. Small steps would restart whenever the server commits in between.
    await connection.backup(destination, { progress: () => 0x7fffffff });
  } finally {
    connection.close();
  }
}

function readAppliedMigrations(file: string): string[] {
  const connection = new BetterSqlite3(file, { fileMustExist: true });
  try {
    connection.pragma('query_only = 1');
    connection.pragma('busy_timeout = 5000');
    const rows = connection.prepare('SELECT name FROM tandem_migrations ORDER BY name').all();
    return rows.map((row) => (row as { name: string }).name); // the column is text NOT NULL
  } finally {
    connection.close();
  }
}

function hasSqliteHeader(file: string): boolean {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  return header.toString('latin1') === SQLITE_HEADER;
}

/** A database file and its WAL belong together: they move as one. */
function moveWithSidecars(from: string, to: string): void {
  renameSync(from, to);
  for (const suffix of SIDECARS) {
    if (existsSync(from + suffix)) renameSync(from + suffix, to + suffix);
  }
}

function removeWithSidecars(file: string): void {
  for (const path of [file, ...SIDECARS.map((suffix) => file + suffix)]) rmSync(path, { force: true });
}

function problem(kind: StoreFileProblem['kind'], message: string): { ok: false; error: StoreFileProblem } {
  return { ok: false, error: { kind, message } };
}
