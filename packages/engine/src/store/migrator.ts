import { type Kysely, type Migration as KyselyMigration, Migrator, sql } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import type { Store } from './open-store.js';

/**
 * Applies every pending migration, in order. Returns the names it applied. Refuses a store that a
 * newer release migrated: its schema is ahead of this code, and migrations never go down.
 */
export async function migrate(store: Store): Promise<string[]> {
  const newer = await unknownMigrations(store);
  if (newer.length > 0) {
    throw new Error(
      `This store was migrated by a newer Tandem release (${newer.join(', ')}): run that release, or restore a backup taken before the upgrade`,
    );
  }
  const { error, results } = await migratorFor(store).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations the code knows but the store has not applied. */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const migrations = await migratorFor(store).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Storage is reachable and fully migrated. */
export async function isStoreReady(store: Store): Promise<boolean> {
  try {
    await sql`select 1`.execute(store.db);
    return (await pendingMigrations(store)).length === 0;
  } catch {
    return false;
  }
}

/** Migrations the store has applied that this code does not know. */
async function unknownMigrations(store: Store): Promise<string[]> {
  const table =
    store.kind === 'sqlite'
      ? sql<{
          present: number;
        }>`select count(*) as present from sqlite_schema where type = 'table' and name = 'tandem_migrations'`
      : sql<{
          present: number;
        }>`select count(*)::int as present from (select to_regclass('tandem_migrations') as t) r where t is not null`;
  const [found] = (await table.execute(store.db)).rows;
  if (!found?.present) return [];
  const applied = await sql<{ name: string }>`select name from tandem_migrations`.execute(store.db);
  const known = new Set(MIGRATIONS.map((migration) => migration.name));
  return applied.rows.map((row) => row.name).filter((name) => !known.has(name));
}

function migratorFor(store: Store): Migrator {
  const migrations: Record<string, KyselyMigration> = {};
  for (const migration of MIGRATIONS) {
    migrations[migration.name] = {
      // The migration's view of the database predates today's schema types, hence unknown.
      up: (db) => migration.up(db as Kysely<unknown>, store.kind),
    };
  }
  return new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'tandem_migrations',
    migrationLockTableName: 'tandem_migrations_lock',
    // Without it Kysely may find another schema's migration tables and skip creating its own.
    ...(store.postgresSchema ? { migrationTableSchema: store.postgresSchema } : {}),
  });
}
