import { Alert, Button } from '@mantine/core';
import type { Destination, DestinationSync } from '@tandem/contract';
import { type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { destinationQueryKey, destinationsApi } from './destinations-api';

/** A full sync run from the page: its button starts it, its outcome shows under the header. */
export type FullSync = UseMutationResult<DestinationSync, Error, void>;

/**
 * The full sync of a warehouse (every profile) or audience-file destination (a full file per
 * subscribed audience), run on demand: the syncs Tandem starts on its own (on creation, on a new
 * audience subscription) run unseen, so this is where a person sees what one wrote or why it failed.
 */
export function useFullSync(destination: Destination): FullSync {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => destinationsApi.sync(destination.id),
    // The new full files show in the Files tab.
    onSuccess: () =>
      queryClient.invalidateQueries({
        queryKey: [...destinationQueryKey(session.workspace.id, destination.id), 'files'],
      }),
  });
}

export function SyncNowButton({ sync }: { sync: FullSync }) {
  return (
    <Button variant="default" loading={sync.isPending} onClick={() => sync.mutate()}>
      Sync now
    </Button>
  );
}

/** What the last sync run from the page wrote, or why it failed, as a sentence. */
export function SyncOutcome({ sync }: { sync: FullSync }) {
  if (sync.error)
    return (
      <Alert color="red" role="alert" title="The sync failed" withCloseButton onClose={() => sync.reset()}>
        {errorMessage(sync.error)}
      </Alert>
    );
  if (!sync.data) return null;
  return (
    <Alert color="teal" role="status" withCloseButton onClose={() => sync.reset()}>
      {syncSentence(sync.data)}
    </Alert>
  );
}

/** What a full sync wrote, as a sentence. */
export function syncSentence(sync: DestinationSync): string {
  switch (sync.type) {
    case 'warehouse':
      return `Synced: ${countOf(sync.profiles, 'profile', 'profiles')} written to the warehouse.`;
    case 'audience-file': {
      if (sync.files.length === 0) return 'Synced: no audience is subscribed, so there was no file to write.';
      const files = sync.files.map(
        (file) => `“${file.audience.name}” (${countOf(file.rows, 'person', 'people')})`,
      );
      return `Synced: a full file of ${files.join(', ')}.`;
    }
    default: {
      const unknown: never = sync;
      return `Synced: ${JSON.stringify(unknown)}`;
    }
  }
}

function countOf(count: number, one: string, many: string): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}
