import type { Deal, DealListQuery, DealRole, DealStatus, StageStay } from '@tandem/contract';
import { parseListSort } from '@tandem/contract';
import { type Kysely, type Selectable, sql } from 'kysely';
import {
  type CrmDealsTable,
  type Database,
  fromJson,
  keysetAfter,
  keysetCursorOf,
  keysetPositionOf,
} from '../../store/index.js';

export type DealRow = Selectable<CrmDealsTable>;

/** Ids per `in (…)` list: well under both engines' bound-parameter limits. */
const CHUNK = 500;

/** A deal as stored (no people, no company name), or undefined. */
export async function dealRowOf(
  db: Kysely<Database>,
  workspaceId: string,
  dealId: string,
): Promise<DealRow | undefined> {
  return db
    .selectFrom('crm_deals')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('deal_id', '=', dealId)
    .executeTakeFirst();
}

/**
 * One page of deals, newest first, or in `query.sort` (a key, then the id; the cursor is then
 * opaque). Each filter narrows through an index: a stage's open deals
 * (the kanban column) read `crm_deals_by_stage` and stop after the page.
 */
export async function dealPage(
  db: Kysely<Database>,
  workspaceId: string,
  query: DealListQuery,
): Promise<{ data: Deal[]; nextCursor: string | null }> {
  let select = db.selectFrom('crm_deals as d').selectAll('d').where('d.workspace_id', '=', workspaceId);
  if (query.profileId !== undefined) {
    const profileId = query.profileId;
    select = select.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('crm_deal_people as p')
          .select('p.deal_id')
          .where('p.workspace_id', '=', workspaceId)
          .where('p.profile_id', '=', profileId)
          .whereRef('p.deal_id', '=', 'd.deal_id'),
      ),
    );
  }
  if (query.stageId !== undefined) select = select.where('d.stage_id', '=', query.stageId);
  if (query.pipelineId !== undefined) select = select.where('d.pipeline_id', '=', query.pipelineId);
  if (query.ownerId !== undefined) select = select.where('d.owner_id', '=', query.ownerId);
  if (query.companyId !== undefined) select = select.where('d.company_id', '=', query.companyId);
  if (query.status !== undefined) select = select.where('d.status', '=', query.status);
  if (query.sort !== undefined) {
    const { field, direction } = parseListSort(query.sort);
    // A deal without a close date sorts as the empty text: first ascending, last descending.
    // Names sort without regard to case.
    const key =
      field === 'close_date'
        ? sql<string>`coalesce(d.close_date, '')`
        : field === 'name'
          ? sql<string>`lower(d.name)`
          : sql.ref<string>(`d.${field}`);
    if (query.cursor !== undefined) {
      const position = keysetPositionOf(query.cursor);
      select = select.where((eb) => keysetAfter(eb, key, sql.ref('d.deal_id'), direction, position));
    }
    const rows = await select
      .select(key.as('sort_key'))
      .orderBy(key, direction)
      .orderBy('d.deal_id', direction)
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: await dealsOf(db, workspaceId, page),
      nextCursor:
        rows.length > query.limit && last ? keysetCursorOf({ key: last.sort_key, id: last.deal_id }) : null,
    };
  }
  if (query.cursor !== undefined) select = select.where('d.deal_id', '<', query.cursor);
  const rows = await select
    .orderBy('d.deal_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: await dealsOf(db, workspaceId, page),
    nextCursor: rows.length > query.limit && last ? last.deal_id : null,
  };
}

/** Stored deals with their people and company names, in the order given. */
export async function dealsOf(
  db: Kysely<Database>,
  workspaceId: string,
  rows: readonly DealRow[],
): Promise<Deal[]> {
  const people = await peopleOf(
    db,
    workspaceId,
    rows.map((r) => r.deal_id),
  );
  const companies = await companyNamesOf(db, workspaceId, [
    ...new Set(rows.flatMap((r) => (r.company_id ? [r.company_id] : []))),
  ]);
  return rows.map((row) => ({
    id: row.deal_id,
    name: row.name,
    amount: Number(row.amount),
    currency: row.currency,
    pipelineId: row.pipeline_id,
    stageId: row.stage_id,
    // Only the service writes the column, with a DealStatus.
    status: row.status as DealStatus,
    lostReason: row.lost_reason,
    companyId: row.company_id,
    companyName: row.company_id ? (companies.get(row.company_id) ?? null) : null,
    ownerId: row.owner_id,
    closeDate: row.close_date,
    fields: fromJson<Record<string, unknown>>(row.fields),
    people: people.get(row.deal_id) ?? [],
    stageEnteredAt: row.stage_entered_at,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

/** The people on each deal, in the order they were added. */
export async function peopleOf(
  db: Kysely<Database>,
  workspaceId: string,
  dealIds: readonly string[],
): Promise<Map<string, { profileId: string; role: DealRole }[]>> {
  const byDeal = new Map<string, { profileId: string; role: DealRole }[]>();
  for (let start = 0; start < dealIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('crm_deal_people')
      .select(['deal_id', 'profile_id', 'role'])
      .where('workspace_id', '=', workspaceId)
      .where('deal_id', 'in', dealIds.slice(start, start + CHUNK))
      .orderBy('added_at')
      .orderBy('profile_id')
      .execute();
    for (const row of rows) {
      const list = byDeal.get(row.deal_id) ?? [];
      byDeal.set(row.deal_id, list);
      // Only the service writes the column, with a DealRole.
      list.push({ profileId: row.profile_id, role: row.role as DealRole });
    }
  }
  return byDeal;
}

/**
 * Names of companies (the profiles domain's table, read only): a deal card shows its company.
 * Unknown ids are absent.
 */
export async function companyNamesOf(
  db: Kysely<Database>,
  workspaceId: string,
  companyIds: readonly string[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let start = 0; start < companyIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('companies')
      .select(['company_id', 'name'])
      .where('workspace_id', '=', workspaceId)
      .where('company_id', 'in', companyIds.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) names.set(row.company_id, row.name);
  }
  return names;
}

/** A deal's stays in stages, oldest first, with the stages' current names. */
export async function stageHistoryOf(
  db: Kysely<Database>,
  workspaceId: string,
  dealId: string,
): Promise<StageStay[]> {
  const rows = await db
    .selectFrom('crm_deal_stage_history as h')
    .leftJoin('crm_stages as s', (join) =>
      join.onRef('s.workspace_id', '=', 'h.workspace_id').onRef('s.stage_id', '=', 'h.stage_id'),
    )
    .select([
      'h.change_id',
      'h.stage_id',
      's.name',
      'h.from_stage_id',
      'h.entered_at',
      'h.entered_by',
      'h.left_at',
      'h.left_by',
    ])
    .where('h.workspace_id', '=', workspaceId)
    .where('h.deal_id', '=', dealId)
    .orderBy('h.change_id')
    .execute();
  return rows.map((row) => ({
    id: row.change_id,
    stageId: row.stage_id,
    stageName: row.name,
    fromStageId: row.from_stage_id,
    enteredAt: row.entered_at,
    enteredBy: row.entered_by,
    leftAt: row.left_at,
    leftBy: row.left_by,
  }));
}
