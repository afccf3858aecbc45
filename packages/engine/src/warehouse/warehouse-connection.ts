import type mysql from 'mysql2/promise';
import type pg from 'pg';

// One pooled connection to the user's warehouse, PostgreSQL or MySQL/MariaDB, behind the few
// operations the writer needs. SQL is written with `?` placeholders; PostgreSQL gets `$n`. The
// driver loads with the first query: threads and processes that never sync do not hold it.

export type WarehouseEngine = 'postgres' | 'mysql';
export type Row = Record<string, unknown>;

export interface WarehouseQueries {
  query(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface WarehouseConnection extends WarehouseQueries {
  readonly engine: WarehouseEngine;
  /** Runs `work` in one transaction on one connection. */
  transaction<T>(work: (queries: WarehouseQueries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface WarehouseConnectionOptions {
  readonly engine: WarehouseEngine;
  readonly url: string;
  /** Bound of connecting and of each statement. */
  readonly timeoutMs: number;
  readonly poolSize?: number | undefined;
}

function toDollarPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** A pool made on first use; closing one never made is a no-op. */
function lazyPool<Pool extends { end(): Promise<void> }>(make: () => Promise<Pool>) {
  let pool: Promise<Pool> | undefined;
  return {
    get: () => {
      pool ??= make();
      return pool;
    },
    close: async () => {
      if (pool) await (await pool).end();
    },
  };
}

export function openWarehouseConnection(options: WarehouseConnectionOptions): WarehouseConnection {
  const poolSize = options.poolSize ?? 4;
  if (options.engine === 'postgres') {
    const pools = lazyPool(async () => {
      const { default: driver } = await import('pg');
      const pool = new driver.Pool({
        connectionString: options.url,
        max: poolSize,
        connectionTimeoutMillis: options.timeoutMs,
        statement_timeout: options.timeoutMs * 4,
        idleTimeoutMillis: 30_000,
      });
      // An idle client dropped by the server: the pool opens another on next use.
      pool.on('error', () => undefined);
      return pool;
    });
    const on = (client: () => Promise<pg.Pool | pg.PoolClient>): WarehouseQueries => ({
      async query(text, params = []) {
        const result = await (await client()).query(toDollarPlaceholders(text), params as unknown[]);
        return result.rows as Row[];
      },
    });
    return {
      engine: 'postgres',
      ...on(pools.get),
      async transaction(work) {
        const client = await (await pools.get()).connect();
        try {
          await client.query('BEGIN');
          const result = await work(on(async () => client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      close: pools.close,
    };
  }
  const pools = lazyPool(async () => {
    const { default: driver } = await import('mysql2/promise');
    const pool = driver.createPool({
      uri: options.url,
      connectionLimit: poolSize,
      connectTimeout: options.timeoutMs,
      // Timestamps are written and read as UTC.
      timezone: 'Z',
      supportBigNumbers: true,
    });
    pool.on('connection', (connection) => {
      connection.on('error', () => undefined);
    });
    return pool;
  });
  const on = (client: () => Promise<mysql.Pool | mysql.PoolConnection>): WarehouseQueries => ({
    async query(text, params = []) {
      const [rows] = await (await client()).query({
        sql: text,
        values: params as unknown[],
        timeout: options.timeoutMs * 4,
      });
      return Array.isArray(rows) ? (rows as Row[]) : [];
    },
  });
  return {
    engine: 'mysql',
    ...on(pools.get),
    async transaction(work) {
      const client = await (await pools.get()).getConnection();
      try {
        await client.beginTransaction();
        const result = await work(on(async () => client));
        await client.commit();
        return result;
      } catch (error) {
        await client.rollback().catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: pools.close,
  };
}
