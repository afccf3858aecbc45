import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { profilesApi, profilesQueryKey } from '../people/people-api';
import { profileEmail, profileName } from '../people/profile-name';

type PersonPickerProps = {
  label: string;
  value: string | null;
  onChange: (profileId: string | null) => void;
  /** People already chosen elsewhere, left out of the options. */
  exclude?: readonly string[];
};

/** Finds a person by email, id or trait value as one types (the people search). */
export function PersonPicker({ label, value, onChange, exclude = [] }: PersonPickerProps) {
  const session = useCurrentSession();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const found = useQuery({
    queryKey: [...profilesQueryKey(session.workspace.id), 'picker', q],
    queryFn: () => profilesApi.list(q, null),
  });
  const options = (found.data?.data ?? [])
    .filter((person) => !exclude.includes(person.id))
    .map((person) => {
      const name = profileName(person);
      const email = profileEmail(person);
      return { value: person.id, label: email && email !== name ? `${name} (${email})` : name };
    });
  return (
    <Select
      label={label}
      placeholder="Search by email or name"
      searchable
      clearable
      data={options}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      // The server searched already: show what it found.
      filter={({ options: all }) => all}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'Nobody found'}
    />
  );
}
