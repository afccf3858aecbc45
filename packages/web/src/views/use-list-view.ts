import {
  LIST_SORT_FIELDS,
  type SavedView,
  type SavedViewEntity,
  type ViewFilter,
  type ViewSort,
} from '@tandem/contract';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { useViews } from './use-views';
import type { ViewDefinition } from './views-api';

/** How a list page keeps its filters in the address, and reads them as a view's filters. */
export type ListFilterParams = {
  /** The address parameters that are filters (cleared when a view is picked). */
  names: readonly string[];
  /** The address's filters as a view's. */
  toFilters: (params: URLSearchParams) => ViewFilter[];
  /** A view's filters as address parameters (those the page does not show are dropped). */
  fromFilters: (filters: readonly ViewFilter[]) => Record<string, string>;
};

const VIEW_PARAM = 'savedView';
const SORT_PARAM = 'sort';
const COLUMNS_PARAM = 'cols';

/**
 * A list's view state, all in the address (so a reload, a link or going back keeps it): the
 * saved view picked (`savedView`), the sort (`sort`, `-field` descending), the columns shown
 * (`cols`) and the page's filters. Picking a view writes its definition there.
 */
export function useListView(
  entity: SavedViewEntity,
  filters: ListFilterParams,
  defaultColumns: readonly string[],
) {
  const [params, setParams] = useSearchParams();
  const views = useViews(entity);
  const viewId = params.get(VIEW_PARAM);
  const sort = params.get(SORT_PARAM) ?? undefined;
  const columnsParam = params.get(COLUMNS_PARAM);
  const columns = columnsParam ? columnsParam.split(',').filter(Boolean) : [...defaultColumns];
  const selected = views.data?.find((view) => view.id === viewId) ?? null;

  const update = (change: (next: URLSearchParams) => void) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        change(next);
        return next;
      },
      { replace: true },
    );

  const selectView = (view: SavedView | null) =>
    update((next) => {
      for (const name of [...filters.names, SORT_PARAM, COLUMNS_PARAM, VIEW_PARAM]) next.delete(name);
      if (!view) return;
      next.set(VIEW_PARAM, view.id);
      for (const [name, value] of Object.entries(filters.fromFilters(view.filters))) next.set(name, value);
      // A sort the list cannot do on the server (a view saved through the API) is left out.
      const first = view.sort[0];
      if (first && (LIST_SORT_FIELDS[entity] as readonly string[]).includes(first.field))
        next.set(SORT_PARAM, sortParamOf(first));
      if (view.columns.length > 0) next.set(COLUMNS_PARAM, view.columns.join(','));
    });

  // A link holding only the view's id (shared, or typed): show the view once it is known.
  const bare =
    viewId !== null &&
    sort === undefined &&
    columnsParam === null &&
    filters.names.every((name) => !params.has(name));
  // Applies the view once it loads (selectView changes each render; the view id does not).
  useEffect(() => {
    if (bare && selected) selectView(selected);
  }, [bare, selected?.id]);

  const definition: ViewDefinition = {
    filters: filters.toFilters(params),
    sort: sort ? [sortOf(sort)] : [],
    columns,
  };
  return {
    viewId,
    selected,
    sort,
    columns,
    definition,
    /** Whether what is shown differs from the picked view (something to save). */
    changed:
      selected !== null &&
      JSON.stringify(definitionOf(selected, defaultColumns)) !== JSON.stringify(definition),
    selectView,
    setSort: (value: string | null) =>
      update((next) => (value ? next.set(SORT_PARAM, value) : next.delete(SORT_PARAM))),
    setColumns: (keys: readonly string[]) => update((next) => next.set(COLUMNS_PARAM, keys.join(','))),
  };
}

export type ListView = ReturnType<typeof useListView>;

function definitionOf(view: SavedView, defaultColumns: readonly string[]): ViewDefinition {
  const columns = view.columns.length > 0 ? view.columns : [...defaultColumns];
  return { filters: view.filters, sort: view.sort.slice(0, 1), columns };
}

export const sortParamOf = (sort: ViewSort) => (sort.direction === 'desc' ? `-${sort.field}` : sort.field);

export function sortOf(param: string): ViewSort {
  return param.startsWith('-')
    ? { field: param.slice(1), direction: 'desc' }
    : { field: param, direction: 'asc' };
}

/** A filter `{ field, operator: equals, value }` from an address parameter, when it is there. */
export function equalsFilter(params: URLSearchParams, name: string, field: string): ViewFilter[] {
  const value = params.get(name);
  return value ? [{ field, operator: 'equals', value }] : [];
}

/** The value of a view's filter on `field` (with one of `operators`), as text. */
export function filterValue(
  filters: readonly ViewFilter[],
  field: string,
  operators: readonly ViewFilter['operator'][] = ['equals'],
): string | undefined {
  const found = filters.find((f) => f.field === field && operators.includes(f.operator));
  return typeof found?.value === 'string' ? found.value : undefined;
}
