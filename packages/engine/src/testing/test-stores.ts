import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Engine, type EngineOptions } from '../engine.js';
import type { StoreKind, StoreOptions } from '../store/index.js';

/**
 * The engines every storage test runs on. PostgreSQL joins when TANDEM_TEST_DATABASE_URL is
 * set; with TANDEM_REQUIRE_POSTGRES=1 (CI) its absence is an error, not a silent skip.
 */
export const ENGINES: readonly StoreKind[] = postgresTestUrl() ? ['sqlite', 'postgres'] : ['sqlite'];

function postgresTestUrl(): string | undefined {
  const url = process.env.TANDEM_TEST_DATABASE_URL;
  if (!url && process.env.TANDEM_REQUIRE_POSTGRES === '1') {
    throw new Error('TANDEM_REQUIRE_POSTGRES=1 but TANDEM_TEST_DATABASE_URL is not set');
  }
  return url || undefined;
}

/**
 * Store options for a fresh, empty, isolated store: an in-memory SQLite database, or a new
 * PostgreSQL schema of its own so parallel runs never collide. `dispose` drops it.
 */
export async function isolatedStoreOptions(
  kind: StoreKind,
  sqliteFile = ':memory:',
): Promise<{ options: StoreOptions; dispose: () => Promise<void> }> {
  if (kind === 'sqlite') return { options: { sqliteFile }, dispose: async () => {} };
  const url = postgresTestUrl();
  if (!url) throw new Error('TANDEM_TEST_DATABASE_URL is not set');
  const schema = `tandem_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return {
    options: { databaseUrl: url, postgresSchema: schema, poolSize: 4 },
    dispose: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A migrated engine on a fresh isolated store; `close` also drops the store. */
export async function openTestEngine(
  kind: StoreKind,
  engineOptions: Omit<EngineOptions, keyof StoreOptions> = {},
): Promise<Engine & { dispose(): Promise<void> }> {
  const { options, dispose } = await isolatedStoreOptions(kind);
  const engine = await Engine.open({ ...options, ...engineOptions });
  return Object.assign(engine, {
    async dispose() {
      try {
        await engine.close();
      } catch {
        // Already closed by the test; the store must still be dropped.
      }
      await dispose();
    },
  });
}
