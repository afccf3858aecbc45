import { Select, TextInput } from '@mantine/core';
import { MAX_PAGE_LIMIT } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { apiClient, everyPage, type Page, withPage } from '../api/api-client';
import { audiencesApi, audiencesQueryKey } from '../audiences/audiences-api';
import { useCurrentSession } from '../auth/use-session';
import { destinationsApi } from '../destinations/destinations-api';
import { useCrmMembers } from '../people/use-crm-members';

/** Something a step points at, as its picker offers it. */
export type PickerOption = { value: string; label: string };

/** The options of the steps' pickers; `failed` lists the sources that could not be loaded. */
export type JourneyPickers = {
  templates: PickerOption[];
  audiences: PickerOption[];
  destinations: PickerOption[];
  lists: PickerOption[];
  members: PickerOption[];
  failed: ReadonlySet<PickerSource>;
};
type PickerSource = 'templates' | 'audiences' | 'destinations' | 'lists';

export const JourneyPickersContext = createContext<JourneyPickers>({
  templates: [],
  audiences: [],
  destinations: [],
  lists: [],
  members: [],
  failed: new Set(),
});
export const useJourneyPickers = () => useContext(JourneyPickersContext);

type Named = { id: string; name: string; subject?: string };
const STALE_MS = 60_000;

function useNamedList(source: PickerSource, load: () => Promise<Page<Named>>) {
  const { workspace } = useCurrentSession();
  return useQuery({
    queryKey: ['journey-pickers', workspace.id, source],
    queryFn: load,
    staleTime: STALE_MS,
    retry: false,
  });
}

/** Loads what the steps point at: email templates, audiences, destinations, static lists, members. */
export function useLoadJourneyPickers(): JourneyPickers {
  const { workspace } = useCurrentSession();
  // Every page of each: a workspace's older templates or audiences are as pickable as its newest.
  const templates = useNamedList('templates', () =>
    everyPage((cursor) =>
      apiClient.get<Page<Named>>(withPage('/api/v1/email/templates', { limit: MAX_PAGE_LIMIT, cursor })),
    ),
  );
  const lists = useNamedList('lists', () =>
    everyPage((cursor) => apiClient.get<Page<Named>>(withPage('/api/v1/lists', { limit: 100, cursor }))),
  );
  const destinations = useNamedList('destinations', () => everyPage(destinationsApi.list));
  const audiences = useQuery({
    queryKey: [...audiencesQueryKey(workspace.id), 'picker'],
    queryFn: () => everyPage(audiencesApi.list),
  });
  const members = useCrmMembers();
  const options = (items: readonly Named[] | undefined) =>
    (items ?? []).map((item) => ({
      value: item.id,
      label: item.subject ? `${item.name} — ${item.subject}` : item.name,
    }));
  const failed = new Set<PickerSource>();
  if (templates.isError) failed.add('templates');
  if (lists.isError) failed.add('lists');
  if (destinations.isError) failed.add('destinations');
  if (audiences.isError) failed.add('audiences');
  return {
    templates: options(templates.data?.data),
    lists: options(lists.data?.data),
    destinations: options(destinations.data?.data),
    audiences: options(audiences.data?.data),
    members: members.options,
    failed,
  };
}

/** Id → name of everything pickable, for the nodes' summaries. */
export function pickerNames(pickers: JourneyPickers): Map<string, string> {
  const names = new Map<string, string>();
  for (const option of [
    ...pickers.templates,
    ...pickers.audiences,
    ...pickers.destinations,
    ...pickers.lists,
  ]) {
    names.set(option.value, option.label.split(' — ')[0] ?? option.label);
  }
  return names;
}

type ResourceSelectProps = {
  label: string;
  source: PickerSource;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
};

/** Picks a template, audience, destination or list by name; its id when the list could not load. */
export function ResourceSelect({ label, source, value, onChange, error }: ResourceSelectProps) {
  const pickers = useJourneyPickers();
  if (pickers.failed.has(source)) {
    return (
      <TextInput
        label={`${label} id`}
        description={`The ${source} could not be listed: enter an id.`}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        error={error}
      />
    );
  }
  const options = pickers[source];
  const data =
    value !== '' && !options.some((o) => o.value === value) ? [{ value, label: value }, ...options] : options;
  return (
    <Select
      label={label}
      placeholder={options.length === 0 ? `No ${source} yet` : `Pick one`}
      searchable
      data={data}
      value={value === '' ? null : value}
      onChange={(next) => onChange(next ?? '')}
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
