import { type Kysely, type Migration as KyselyMigration, Migrator, sql } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import type { Store } from './open-store.js';

/** Applies every pending migration, in order. Returns the names it applied. */
export async function migrate(store: Store): Promise<string[]> {
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
