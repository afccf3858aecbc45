import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * PostgreSQL: the base added to transaction ids in the log's `txid`, so a store restored into
 * another cluster (whose counter is behind the restored ids) keeps ordering new events after
 * old ones. Starts at 0; raised at start when needed (log/transaction-base.ts).
 */
export const logTransactionBase: Migration = {
  name: '0042-log-transaction-base',
  async up(db, kind) {
    if (kind !== 'postgres') return;
    // One row, reached by its key: the log's reads hold the planner off sequential scans, and a
    // table it could only scan would cost each read a JIT compilation.
    await sql`CREATE TABLE log_transaction_base (
        id smallint PRIMARY KEY CHECK (id = 1), base bigint NOT NULL)`.execute(db);
    await sql`INSERT INTO log_transaction_base (id, base) VALUES (1, 0)`.execute(db);
  },
};
