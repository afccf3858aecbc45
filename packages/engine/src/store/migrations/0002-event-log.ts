import { jsonColumnType, sequenceColumnType } from '../dialect.js';
import type { Migration } from './migration.js';

/** The append-only event log and the rejected-events debugger buffer. */
export const eventLog: Migration = {
  name: '0002-event-log',
  async up(db, kind) {
    await db.schema
      .createTable('events')
      .addColumn('seq', sequenceColumnType(kind), (c) =>
        kind === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
      )
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('event', 'text')
      .addColumn('user_id', 'text')
      .addColumn('anonymous_id', 'text')
      .addColumn('timestamp', 'text', (c) => c.notNull())
      .addColumn('original_timestamp', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('payload', jsonColumnType(kind), (c) => c.notNull())
      .execute();
    // Deduplication: one event per messageId per source, whatever the SDK retries.
    await db.schema
      .createIndex('events_message_unique')
      .unique()
      .on('events')
      .columns(['workspace_id', 'source_id', 'message_id'])
      .execute();
    // No index by userId / anonymousId: random keys cost a page write per event and halved
    // ingestion throughput when measured. Per-person reads belong to the profile projections the
    // pipeline builds off the hot path.
    await db.schema
      .createIndex('events_by_source')
      .on('events')
      .columns(['workspace_id', 'source_id', 'seq'])
      .execute();

    await db.schema
      .createTable('rejections')
      .addColumn('seq', sequenceColumnType(kind), (c) =>
        kind === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
      )
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('rejections_by_source')
      .on('rejections')
      .columns(['workspace_id', 'source_id', 'seq'])
      .execute();
    // The hourly purge of rejections older than the retention.
    await db.schema.createIndex('rejections_by_received_at').on('rejections').column('received_at').execute();
  },
};
