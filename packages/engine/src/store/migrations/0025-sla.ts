import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Service desk SLAs: business calendars, SLA policies (ordered, first match wins) and each
 * ticket's SLA clock, derived from the ticket's history and kept for the inbox and the sweeper.
 */
export const sla: Migration = {
  name: '0025-sla',
  async up(db) {
    await db.schema
      .createTable('business_calendars')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('calendar_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('weekly', 'text', (c) => c.notNull())
      .addColumn('holidays', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('business_calendars_pk', ['workspace_id', 'calendar_id'])
      .execute();
    await db.schema
      .createTable('sla_policies')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('policy_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('conditions', 'text', (c) => c.notNull())
      .addColumn('hours', 'text', (c) => c.notNull())
      .addColumn('calendar_id', 'text')
      .addColumn('targets', 'text', (c) => c.notNull())
      .addColumn('at_risk_percent', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sla_policies_pk', ['workspace_id', 'policy_id'])
      .execute();
    // `state`: the computed clock with its deadlines (JSON). `next_check_at`: when time alone next
    // changes it (at risk, breach), null when nothing is running. `notified`: metrics whose
    // SLA Breached event was appended, so each is sent once per ticket. `attention_at`: the due
    // time of an open at-risk or breached target (the inbox's "SLA at risk" view), else null.
    await db.schema
      .createTable('sla_clocks')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('policy_id', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('breached', 'text', (c) => c.notNull())
      .addColumn('notified', 'text', (c) => c.notNull())
      .addColumn('at_risk', 'integer', (c) => c.notNull())
      .addColumn('next_check_at', 'text')
      .addColumn('attention_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sla_clocks_pk', ['workspace_id', 'ticket_id'])
      .execute();
    // The sweeper's probe: only clocks with something ahead are indexed, so 100k settled or paused
    // tickets cost nothing per pass.
    await sql`CREATE INDEX sla_clocks_by_next_check ON sla_clocks (next_check_at) WHERE next_check_at IS NOT NULL`.execute(
      db,
    );
    await sql`CREATE INDEX sla_clocks_by_attention ON sla_clocks (workspace_id, attention_at) WHERE attention_at IS NOT NULL`.execute(
      db,
    );
  },
};
