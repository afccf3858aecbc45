import { Anchor, Stack } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { profileQueryKey, profilesApi } from './people-api';
import { ProfileView } from './profile-view';

/** `/people/:id`: one person, everything Tandem knows about them. */
export function ProfilePage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const workspaceId = session.workspace.id;
  const profile = useQuery({
    queryKey: profileQueryKey(workspaceId, id),
    queryFn: () => profilesApi.get(id),
  });
  const survivor = profile.data;

  useEffect(() => {
    // A merged id answers with the survivor: show the survivor's address so links and reloads stay right.
    if (survivor && survivor.id !== id) {
      queryClient.setQueryData(profileQueryKey(workspaceId, survivor.id), survivor);
      navigate(`/people/${encodeURIComponent(survivor.id)}`, { replace: true });
    }
  }, [survivor, id, navigate, queryClient, workspaceId]);

  return (
    <Stack>
      <Anchor component={Link} to="/people" size="sm">
        ← People
      </Anchor>
      <QueryState isPending={profile.isPending} error={profile.error} refetch={profile.refetch}>
        {survivor && <ProfileView profile={survivor} />}
      </QueryState>
    </Stack>
  );
}
