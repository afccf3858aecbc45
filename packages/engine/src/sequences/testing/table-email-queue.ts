import { type Kysely, sql } from 'kysely';
import type { EmailQueue, QueuedEmail } from '../../email/index.js';
import { newId } from '../../ids/index.js';
import type { Database, Store } from '../../store/index.js';

/** An email as the test queue kept it. */
export interface TestQueuedEmail {
  readonly id: string;
  readonly email: QueuedEmail;
}

/**
 * A stand-in for the email domain's queue in tests: rows in a table of its own (created on
 * first use), written in the caller's transaction, so a rolled-back step queues nothing.
 */
export class TableEmailQueue implements EmailQueue {
  constructor(private readonly store: Store) {}

  async enqueue(db: Kysely<Database>, emails: readonly QueuedEmail[]): Promise<string[]> {
    await this.prepare(db);
    const ids: string[] = [];
    for (const email of emails) {
      const id = newId('emailMessage');
      await sql`insert into test_email_queue (id, body) values (${id}, ${JSON.stringify(email)})`.execute(db);
      ids.push(id);
    }
    return ids;
  }

  /** Every email queued so far, in order. */
  async queued(): Promise<TestQueuedEmail[]> {
    await this.prepare(this.store.db);
    const { rows } = await sql<{
      id: string;
      body: string;
    }>`select id, body from test_email_queue order by id`.execute(this.store.db);
    return rows.map((row) => ({ id: row.id, email: JSON.parse(row.body) as QueuedEmail })); // written above
  }

  /** In the caller's connection (SQLite has one: the store's would wait for the transaction). */
  private async prepare(db: Kysely<Database>): Promise<void> {
    await sql`create table if not exists test_email_queue (id text primary key, body text not null)`.execute(
      db,
    );
  }
}
