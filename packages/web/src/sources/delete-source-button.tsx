import type { Source } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { sourcesApi, sourcesQueryKey } from './sources-api';

/** Deleting stops the write key at once (events already received stay), so it asks first. */
export function DeleteSourceButton({ source }: { source: Source }) {
  const session = useCurrentSession();
  return (
    <ConfirmedMutationButton
      label="Delete"
      ariaLabel={`Delete source ${source.name}`}
      question={`Delete “${source.name}”? Its write key stops working at once; the events it sent stay.`}
      confirmLabel="Confirm delete"
      run={() => sourcesApi.remove(source.id)}
      invalidates={sourcesQueryKey(session.workspace.id)}
    />
  );
}
