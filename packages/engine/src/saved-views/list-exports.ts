import type { Readable } from 'node:stream';
import {
  type CompanyListQuery,
  type DealListQuery,
  LIST_SORT_FIELDS,
  type SavedView,
  type ViewFilter,
} from '@tandem/contract';
import type { CompaniesService, DealsService, PipelinesService } from '../crm/index.js';
import { AppError } from '../errors/index.js';
import { type CsvCell, csvOfPages } from './csv-stream.js';

/** Rows read per list page while exporting: memory holds about this many. */
const EXPORT_PAGE = 500;

type ExportedView = Pick<SavedView, 'entity' | 'filters' | 'sort' | 'columns' | 'name'>;

export const COMPANY_COLUMNS = ['id', 'name', 'domains', 'owner_id', 'people', 'updated_at'] as const;
export const DEAL_COLUMNS = [
  'id',
  'name',
  'amount',
  'currency',
  'pipeline',
  'stage',
  'status',
  'company',
  'owner_id',
  'close_date',
  'created_at',
  'updated_at',
] as const;
const DEFAULT_DEAL_COLUMNS = ['id', 'name', 'amount', 'currency', 'stage', 'status', 'company', 'close_date'];

/**
 * The companies of a view (filters `q` — name or domain beginning — and `owner_id`), its
 * columns, in its sort: the list's own pages, one at a time, as CSV.
 */
export function companiesCsv(
  companies: CompaniesService,
  workspaceId: string,
  view: ExportedView | undefined,
): Readable {
  checkEntity(view, 'companies');
  const columns = columnsOf(view, COMPANY_COLUMNS, COMPANY_COLUMNS);
  const query: Omit<CompanyListQuery, 'limit' | 'cursor'> = { sort: sortOf(view, 'companies') };
  for (const [index, filter] of (view?.filters ?? []).entries()) {
    if (filter.field === 'q' && (filter.operator === 'starts_with' || filter.operator === 'contains'))
      query.q = textOf(filter, index);
    else if (filter.field === 'owner_id' && filter.operator === 'equals')
      query.ownerId = textOf(filter, index);
    else throw unsupportedFilter(filter, index, 'q (starts_with) and owner_id (equals)');
  }
  async function* pages(): AsyncGenerator<Record<string, CsvCell>[]> {
    let cursor: string | undefined;
    for (;;) {
      const page = await companies.list(workspaceId, { ...query, limit: EXPORT_PAGE, cursor });
      yield page.data.map((company) => ({
        id: company.id,
        name: company.name,
        domains: company.domains.join(' '),
        owner_id: company.ownerId,
        people: company.people,
        updated_at: company.updatedAt,
      }));
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }
  return csvOfPages(columns, pages());
}

/**
 * The deals of a view (filters `pipeline_id`, `stage_id`, `status`, `owner_id`, `company_id`,
 * all `equals`), its columns, in its sort (newest first without one), as CSV.
 */
export function dealsCsv(
  deps: { deals: DealsService; pipelines: PipelinesService },
  workspaceId: string,
  view: ExportedView | undefined,
): Readable {
  checkEntity(view, 'deals');
  const columns = columnsOf(view, DEAL_COLUMNS, DEFAULT_DEAL_COLUMNS);
  const query: Omit<DealListQuery, 'limit' | 'cursor'> = { sort: sortOf(view, 'deals') };
  const keys = {
    pipeline_id: 'pipelineId',
    stage_id: 'stageId',
    owner_id: 'ownerId',
    company_id: 'companyId',
  } as const;
  for (const [index, filter] of (view?.filters ?? []).entries()) {
    const known = filter.operator === 'equals' ? filter.field : '';
    if (known === 'status') {
      const status = textOf(filter, index);
      if (status !== 'open' && status !== 'won' && status !== 'lost')
        throw new AppError('bad_request', `filters.${index}.value: status is open, won or lost`);
      query.status = status;
    } else if (known in keys) query[keys[known as keyof typeof keys]] = textOf(filter, index);
    else
      throw unsupportedFilter(filter, index, 'pipeline_id, stage_id, status, owner_id, company_id (equals)');
  }
  async function* pages(): AsyncGenerator<Record<string, CsvCell>[]> {
    const pipelines = await deps.pipelines.list(workspaceId);
    const pipelineNames = new Map(pipelines.map((p) => [p.id, p.name]));
    const stageNames = new Map(pipelines.flatMap((p) => p.stages.map((s) => [s.id, s.name] as const)));
    let cursor: string | undefined;
    for (;;) {
      const page = await deps.deals.list(workspaceId, { ...query, limit: EXPORT_PAGE, cursor });
      yield page.data.map((deal) => ({
        id: deal.id,
        name: deal.name,
        amount: deal.amount,
        currency: deal.currency,
        pipeline: pipelineNames.get(deal.pipelineId) ?? deal.pipelineId,
        stage: stageNames.get(deal.stageId) ?? deal.stageId,
        status: deal.status,
        company: deal.companyName,
        owner_id: deal.ownerId,
        close_date: deal.closeDate,
        created_at: deal.createdAt,
        updated_at: deal.updatedAt,
      }));
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }
  return csvOfPages(columns, pages());
}

function checkEntity(view: ExportedView | undefined, entity: SavedView['entity']) {
  if (view && view.entity !== entity) {
    throw new AppError('bad_request', `View "${view.name}" lists ${view.entity}, not ${entity}`);
  }
}

/** The view's columns (each one the export knows), or the default. */
function columnsOf(view: ExportedView | undefined, known: readonly string[], fallback: readonly string[]) {
  if (!view || view.columns.length === 0) return [...fallback];
  for (const [index, column] of view.columns.entries()) {
    if (!known.includes(column))
      throw new AppError(
        'bad_request',
        `columns.${index}: ${view.entity} have no column "${column}" (known: ${known.join(', ')})`,
      );
  }
  return [...view.columns];
}

/** The view's first sort key as the list's `sort`, when the list sorts by it. */
function sortOf(view: ExportedView | undefined, entity: 'companies' | 'deals'): string | undefined {
  const sort = view?.sort[0];
  if (!sort) return undefined;
  if (!(LIST_SORT_FIELDS[entity] as readonly string[]).includes(sort.field)) {
    throw new AppError(
      'bad_request',
      `sort.0.field: ${entity} sort by ${LIST_SORT_FIELDS[entity].join(', ')}, not "${sort.field}"`,
    );
  }
  return sort.direction === 'desc' ? `-${sort.field}` : sort.field;
}

function textOf(filter: ViewFilter, index: number): string {
  if (typeof filter.value !== 'string' || filter.value === '')
    throw new AppError('bad_request', `filters.${index}.value: ${filter.field} needs a text value`);
  return filter.value;
}

function unsupportedFilter(filter: ViewFilter, index: number, known: string): AppError {
  return new AppError(
    'bad_request',
    `filters.${index}: "${filter.field}" ${filter.operator} is not a filter of this list (known: ${known})`,
  );
}
