import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupStoreFile, embeddedCopyPath, restoreStoreFile, sqliteStorePath } from '@tandem/engine';
import type { Config } from '../config.js';

/** `tandem backup --to FILE`: a consistent copy of the embedded store, even while a server runs on it. */
export async function backupStore(config: Config, to: string): Promise<string> {
  refuseOnPostgres(config, 'backup');
  const source = sqliteStorePath(config.dataDir);
  const backup = await backupStoreFile(source, resolve(to));
  if (!backup.ok) throw new Error(backup.error.message);
  const { bytes, milliseconds, applied } = backup.value;
  return `Backed up ${source} to ${to}: ${formatBytes(bytes)} in ${(milliseconds / 1000).toFixed(2)} s (schema ${applied.at(-1) ?? 'empty'}).`;
}

/** `tandem restore --from FILE`: replaces the stopped embedded store with a backup, migrated to this release. */
export async function restoreStore(config: Config, from: string): Promise<string> {
  refuseOnPostgres(config, 'restore');
  const target = sqliteStorePath(config.dataDir);
  const restored = await restoreStoreFile({ from: resolve(from), target: resolve(target) });
  if (!restored.ok) throw new Error(restored.error.message);
  // The analytics copy (derived data) followed the replaced store: rebuilt from the restored log on start.
  for (const file of [embeddedCopyPath(target), `${embeddedCopyPath(target)}.wal`])
    rmSync(file, { force: true });
  const { migrated, keptAs } = restored.value;
  const schema = migrated.length ? `migrated: ${migrated.join(', ')}` : 'already at this release';
  const kept = keptAs ? `; the replaced store is kept as ${keptAs}` : '';
  return `Restored ${from} into ${target} (${schema})${kept}.`;
}

function refuseOnPostgres(config: Config, command: 'backup' | 'restore'): void {
  if (config.databaseUrl === undefined) return;
  const how =
    command === 'backup'
      ? 'pg_dump --format=custom --file=tandem.dump "$DATABASE_URL"'
      : 'pg_restore --clean --if-exists --dbname="$DATABASE_URL" tandem.dump (with Tandem stopped), then tandem migrate';
  throw new Error(
    `tandem ${command} works on the embedded SQLite store; this Tandem stores its data in PostgreSQL (DATABASE_URL). Use PostgreSQL's own tools: ${how}`,
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
