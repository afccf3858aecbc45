import mysql from 'mysql2/promise';
import pg from 'pg';

// One pooled connection to the user's warehouse, PostgreSQL or MySQL/MariaDB, behind the few
// operations the writer needs. SQL is written with `?` placeholders; PostgreSQL gets `$n`.

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

export function openWarehouseConnection(options: WarehouseConnectionOptions): WarehouseConnection {
  const poolSize = options.poolSize ?? 4;
  if (options.engine === 'postgres') {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: poolSize,
      connectionTimeoutMillis: options.timeoutMs,
      statement_timeout: options.timeoutMs * 4,
      idleTimeoutMillis: 30_000,
    });
    // An idle client dropped by the server: the pool opens another on next use.
    pool.on('error', () => undefined);
    const on = (client: pg.Pool | pg.PoolClient): WarehouseQueries => ({
      async query(text, params = []) {
        const result = await client.query(toDollarPlaceholders(text), params as unknown[]);
        return result.rows as Row[];
      },
    });
    return {
      engine: 'postgres',
      ...on(pool),
      async transaction(work) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work(on(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const pool = mysql.createPool({
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
  const on = (client: mysql.Pool | mysql.PoolConnection): WarehouseQueries => ({
    async query(text, params = []) {
      const [rows] = await client.query({
        sql: text,
        values: params as unknown[],
        timeout: options.timeoutMs * 4,
      });
      return Array.isArray(rows) ? (rows as Row[]) : [];
    },
  });
  return {
    engine: 'mysql',
    ...on(pool),
    async transaction(work) {
      const client = await pool.getConnection();
      try {
        await client.beginTransaction();
        const result = await work(on(client));
        await client.commit();
        return result;
      } catch (error) {
        await client.rollback().catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
