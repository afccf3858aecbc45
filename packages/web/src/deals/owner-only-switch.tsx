import { Switch } from '@mantine/core';
import type { DealSettings } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { dealsQueryKey } from './deals-api';

/** The workspace setting that lets only a deal's owner (and admins) change it. */
export function OwnerOnlySwitch() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const queryKey = [...dealsQueryKey(session.workspace.id), 'settings'];
  const settings = useQuery({
    queryKey,
    queryFn: () => apiClient.get<DealSettings>('/api/v1/deal-settings'),
  });
  const save = useMutation({
    mutationFn: (next: DealSettings) => apiClient.put<DealSettings>('/api/v1/deal-settings', next),
    onSuccess: (saved) => queryClient.setQueryData(queryKey, saved),
  });
  return (
    <Switch
      label="Only a deal’s owner may change it"
      description="Owners and admins of the workspace always may."
      checked={settings.data?.ownerOnlyEdits ?? false}
      disabled={!settings.data || save.isPending}
      error={save.error ? errorMessage(save.error) : undefined}
      onChange={(event) => save.mutate({ ownerOnlyEdits: event.currentTarget.checked })}
      p="xs"
      maw={300}
    />
  );
}
