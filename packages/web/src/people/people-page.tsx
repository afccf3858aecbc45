import { Stack, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { profilesApi, profilesQueryKey } from './people-api';
import { PeopleSearch } from './people-search';
import { ProfilesTable } from './profiles-table';

export function PeoplePage() {
  const session = useCurrentSession();
  // The search lives in the address, so going back from a profile returns to the same results.
  const [searchParams, setSearchParams] = useSearchParams();
  const q = searchParams.get('q') ?? '';
  const people = usePagedQuery([...profilesQueryKey(session.workspace.id), 'list', q], (cursor) =>
    profilesApi.list(q, cursor),
  );

  return (
    <Stack>
      <Title order={2}>People</Title>
      <Text c="dimmed">
        One profile per person, merged from every identifier, event and trait Tandem has seen.
      </Text>
      <PeopleSearch
        value={q}
        onSearch={(next) => setSearchParams(next ? { q: next } : {}, { replace: true })}
      />
      <QueryState isPending={people.isPending} error={people.error} refetch={people.refetch}>
        <ProfilesTable profiles={people.items} searched={q !== ''} />
        <LoadMoreButton {...people} />
      </QueryState>
    </Stack>
  );
}
