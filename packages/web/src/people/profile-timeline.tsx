import { Autocomplete, Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { TimelineEvent } from '@tandem/contract';
import { useEffect, useState } from 'react';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { profilesApi, profilesQueryKey } from './people-api';
import { TimelineTable } from './timeline-table';

/** What the person did, newest first, optionally narrowed to one tracked event. */
export function ProfileTimeline({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const [filter, setFilter] = useState('');
  const [event] = useDebouncedValue(filter.trim(), 300);
  const timeline = usePagedQuery(
    [...profilesQueryKey(session.workspace.id), 'timeline', profileId, event],
    (cursor) => profilesApi.timeline(profileId, event, cursor),
  );
  const seenNames = useSeenEventNames(timeline.items);

  return (
    <Stack>
      <Autocomplete
        label="Filter by event name"
        description="Only tracked events with exactly this name"
        placeholder="Order Completed"
        maw={420}
        data={seenNames}
        value={filter}
        onChange={setFilter}
        clearable
      />
      <QueryState isPending={timeline.isPending} error={timeline.error} refetch={timeline.refetch}>
        <TimelineTable events={timeline.items} filtered={event !== ''} />
        <LoadMoreButton {...timeline} />
      </QueryState>
    </Stack>
  );
}

/** Track event names loaded so far, kept while a filter narrows the list, to suggest in the filter. */
function useSeenEventNames(events: readonly TimelineEvent[]): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    setNames((known) => {
      const next = new Set(known);
      for (const item of events) if (item.type === 'track' && item.event) next.add(item.event);
      return next.size === known.length ? known : [...next].sort();
    });
  }, [events]);
  return names;
}
