import { Badge, Button, Group, SegmentedControl, Stack, Title } from '@mantine/core';
import type { Source } from '@tandem/contract';
import { useState } from 'react';
import { QueryState } from '../shared/query-state';
import { DebuggerFeedTable, type FeedFilter } from './debugger-feed-table';
import { type LiveStatus, useLiveFeed } from './use-live-feed';

const STATUS: Record<LiveStatus, { label: string; color: string }> = {
  connecting: { label: 'Connecting…', color: 'gray' },
  live: { label: 'Live', color: 'green' },
  reconnecting: { label: 'Reconnecting…', color: 'yellow' },
  closed: { label: 'Disconnected', color: 'red' },
  paused: { label: 'Paused', color: 'gray' },
};

/** The source's calls as they arrive; mount it keyed by the source id. */
export function LiveFeedSection({ source }: { source: Source }) {
  const feed = useLiveFeed(source.id);
  const [filter, setFilter] = useState<FeedFilter>('all');
  const status = STATUS[feed.status];

  return (
    <Stack component="section" aria-labelledby="live-feed-title" gap="sm">
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={3} id="live-feed-title">
            Live events
          </Title>
          <Badge color={status.color} variant="dot" role="status">
            {status.label}
          </Badge>
        </Group>
        <Group gap="sm">
          <SegmentedControl
            size="xs"
            aria-label="Show"
            value={filter}
            // The control's data below lists exactly the FeedFilter values.
            onChange={(value) => setFilter(value as FeedFilter)}
            data={[
              { value: 'all', label: 'All' },
              { value: 'event', label: 'Events' },
              { value: 'rejection', label: 'Rejections' },
            ]}
          />
          <Button size="xs" variant="default" onClick={feed.paused ? feed.resume : feed.pause}>
            {feed.paused ? 'Resume' : 'Pause'}
          </Button>
        </Group>
      </Group>
      <QueryState isPending={feed.isPending} error={feed.error} refetch={feed.refetch}>
        <DebuggerFeedTable
          items={feed.items}
          filter={filter}
          emptyText={
            source.kind === 'internal'
              ? 'Nothing yet. Tandem writes an event here each time a profile enters or leaves an audience.'
              : source.kind === 'webhook'
                ? 'Nothing received yet. The calls its webhooks map to appear here.'
                : "Nothing received yet. Calls sent with this source's write key appear here."
          }
        />
      </QueryState>
    </Stack>
  );
}
