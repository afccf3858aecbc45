import type { Migration } from './migration.js';

/**
 * Pipelines with ordered stages (each with a win probability), deals moving through them, the
 * people on each deal with their role, and every stay of a deal in a stage (entered / left, by
 * whom): the history reports learn stage probabilities and conversion from.
 */
export const crmDeals: Migration = {
  name: '0016-crm-deals',
  async up(db) {
    await db.schema
      .createTable('crm_pipelines')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_pipelines_pk', ['workspace_id', 'pipeline_id'])
      .execute();
    await db.schema
      .createTable('crm_stages')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('stage_id', 'text', (c) => c.notNull())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      // Percent, 0 to 100: the chance an open deal in this stage is won.
      .addColumn('probability', 'double precision', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_stages_pk', ['workspace_id', 'stage_id'])
      .execute();
    await db.schema
      .createIndex('crm_stages_by_pipeline')
      .on('crm_stages')
      .columns(['workspace_id', 'pipeline_id', 'position'])
      .execute();

    await db.schema
      .createTable('crm_deals')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('deal_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('amount', 'double precision', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('stage_id', 'text', (c) => c.notNull())
      // open | won | lost: a closed deal stays in the stage it was closed from.
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('lost_reason', 'text')
      .addColumn('company_id', 'text')
      .addColumn('owner_id', 'text')
      // YYYY-MM-DD: expected while open, actual once closed.
      .addColumn('close_date', 'text')
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('stage_entered_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_deals_pk', ['workspace_id', 'deal_id'])
      .execute();
    // The kanban's read: one stage's open deals, newest first, a page at a time.
    await db.schema
      .createIndex('crm_deals_by_stage')
      .on('crm_deals')
      .columns(['workspace_id', 'stage_id', 'status', 'deal_id'])
      .execute();
    // Pipeline lists, and the reports' scans of a pipeline's deals.
    await db.schema
      .createIndex('crm_deals_by_pipeline')
      .on('crm_deals')
      .columns(['workspace_id', 'pipeline_id', 'status', 'deal_id'])
      .execute();
    // Covers the pipeline report and the forecast: sums read the index alone, not the deals.
    await db.schema
      .createIndex('crm_deals_for_reports')
      .on('crm_deals')
      .columns(['workspace_id', 'pipeline_id', 'status', 'stage_id', 'close_date', 'amount'])
      .execute();
    await db.schema
      .createIndex('crm_deals_by_owner')
      .on('crm_deals')
      .columns(['workspace_id', 'owner_id', 'deal_id'])
      .execute();
    await db.schema
      .createIndex('crm_deals_by_company')
      .on('crm_deals')
      .columns(['workspace_id', 'company_id', 'deal_id'])
      .execute();

    await db.schema
      .createTable('crm_deal_people')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('deal_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_deal_people_pk', ['workspace_id', 'deal_id', 'profile_id'])
      .execute();
    // A person's deals (their page, `?profileId=`), and erasure with their profile.
    await db.schema
      .createIndex('crm_deal_people_by_profile')
      .on('crm_deal_people')
      .columns(['workspace_id', 'profile_id', 'deal_id'])
      .execute();

    // One row per stay of a deal in a stage; `left_at` null while it is there.
    await db.schema
      .createTable('crm_deal_stage_history')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('change_id', 'text', (c) => c.notNull())
      .addColumn('deal_id', 'text', (c) => c.notNull())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('stage_id', 'text', (c) => c.notNull())
      .addColumn('from_stage_id', 'text')
      .addColumn('entered_at', 'text', (c) => c.notNull())
      .addColumn('entered_by', 'text')
      .addColumn('left_at', 'text')
      .addColumn('left_by', 'text')
      .addPrimaryKeyConstraint('crm_deal_stage_history_pk', ['workspace_id', 'change_id'])
      .execute();
    await db.schema
      .createIndex('crm_deal_stage_history_by_deal')
      .on('crm_deal_stage_history')
      .columns(['workspace_id', 'deal_id', 'change_id'])
      .execute();
    await db.schema
      .createIndex('crm_deal_stage_history_by_pipeline')
      .on('crm_deal_stage_history')
      .columns(['workspace_id', 'pipeline_id', 'stage_id', 'deal_id'])
      .execute();
  },
};
