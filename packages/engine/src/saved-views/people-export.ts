import type { Readable } from 'node:stream';
import type { SavedView, ViewSort } from '@tandem/contract';
import { crmPersonCells, isCrmPersonColumn, splitPersonFilters } from '../crm/index.js';
import { AppError } from '../errors/index.js';
import type { IdentityService } from '../identity/index.js';
import type { PersonalMask } from '../pii/index.js';
import { peopleRows } from '../profiles/index.js';
import type { Store } from '../store/index.js';
import { type CsvCell, csvOfPages } from './csv-stream.js';

/** A people export without a view, or of a view without columns. */
export const DEFAULT_PEOPLE_COLUMNS = ['id', 'name', 'email', 'created_at', 'updated_at'] as const;

/** People read per query while exporting: memory holds this many rows at most, twice. */
const EXPORT_PAGE = 2000;

/**
 * The people a view selects (its filters: traits, or the CRM's owner_id, lifecycle_stage,
 * lead_status, tags) as CSV, its columns in its order, a header row first, in its first sort
 * key (profile id order without one). A stream: rows are read a page at a time (a keyset
 * cursor) as the reader consumes them, so an export of millions holds one page in memory.
 * With a `mask` (the exporter's role lacks pii:read), personal columns are masked.
 */
export function peopleCsv(
  deps: { store: Store; identity: IdentityService },
  workspaceId: string,
  view: (Pick<SavedView, 'entity' | 'filters' | 'columns' | 'name'> & { sort?: ViewSort[] }) | undefined,
  mask: PersonalMask | null = null,
): Readable {
  if (view && view.entity !== 'people') {
    throw new AppError('bad_request', `View "${view.name}" lists ${view.entity}, not people`);
  }
  const columns = view && view.columns.length > 0 ? view.columns : [...DEFAULT_PEOPLE_COLUMNS];
  const { traitFilters, conditions } = splitPersonFilters(workspaceId, view?.filters ?? []);
  const sort = view?.sort?.[0];
  const pages = peopleRows(deps.store, deps.identity, workspaceId, {
    filters: traitFilters,
    where: conditions,
    // The CRM's columns have no trait to sort by: such a view exports in id order.
    sort: sort && !isCrmPersonColumn(sort.field) ? sort : undefined,
    columns,
    pageSize: EXPORT_PAGE,
    moreColumns: {
      names: ['owner_id', 'lifecycle_stage', 'lead_status', 'tags'],
      read: (ids) => crmPersonCells(deps.store, workspaceId, ids),
    },
  });
  return csvOfPages(columns, mask ? maskedPages(pages, mask) : pages);
}

async function* maskedPages(
  pages: AsyncGenerator<Record<string, CsvCell>[]>,
  mask: PersonalMask,
): AsyncGenerator<Record<string, CsvCell>[]> {
  for await (const page of pages) {
    yield page.map((row) =>
      Object.fromEntries(Object.entries(row).map(([column, cell]) => [column, mask.value(column, cell)])),
    );
  }
}
