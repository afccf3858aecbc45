import { Anchor } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { profileQueryKey, profilesApi } from '../people/people-api';
import { profileName } from '../people/profile-name';

/** A link to a person's profile, named once the profile has loaded (its id until then). */
export function ProfileLink({ profileId }: { profileId: string }) {
  const { workspace } = useCurrentSession();
  const profile = useQuery({
    queryKey: profileQueryKey(workspace.id, profileId),
    queryFn: () => profilesApi.get(profileId),
    staleTime: 60_000,
  });
  return (
    <Anchor component={Link} to={`/people/${encodeURIComponent(profileId)}`} fw={500}>
      {profile.data ? profileName(profile.data) : profileId}
    </Anchor>
  );
}
