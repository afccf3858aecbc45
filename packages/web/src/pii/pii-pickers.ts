import { DEFAULT_PERSONAL_FIELDS } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { everyPage } from '../api/api-client';
import { useCurrentSession } from '../auth/use-session';
import { destinationsApi, destinationsQueryKey } from '../destinations/destinations-api';
import { crmQueryKey, customFieldsApi } from '../people/crm-api';
import { useCatalogTraits } from '../rules/catalog-api';

/** Names to mark: the defaults, the traits seen in the workspace and the people's custom fields. */
export function useFieldSuggestions(): string[] {
  const session = useCurrentSession();
  const traits = useCatalogTraits();
  const customFields = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'custom-fields', 'person'],
    queryFn: () => customFieldsApi.list('person'),
  });
  const names = [
    ...DEFAULT_PERSONAL_FIELDS,
    ...(traits.data?.data ?? []).map((trait) => trait.name),
    ...(customFields.data?.data ?? []).map((field) => field.key),
  ];
  return [...new Set(names)];
}

/** The workspace's warehouse destinations as options (a listed one since removed stays, by id). */
export function useWarehouses(selected: readonly string[]) {
  const session = useCurrentSession();
  const destinations = useQuery({
    queryKey: [...destinationsQueryKey(session.workspace.id), 'pii-warehouses'],
    queryFn: () => everyPage(destinationsApi.list),
  });
  const options = (destinations.data?.data ?? [])
    .filter((destination) => destination.type === 'warehouse')
    .map((destination) => ({ value: destination.id, label: destination.name }));
  for (const id of selected)
    if (!options.some((option) => option.value === id)) options.push({ value: id, label: id });
  return options;
}
