import { Badge } from '@mantine/core';
import type { Journey } from '@tandem/contract';

const COLORS: Record<Journey['status'], string> = {
  draft: 'gray',
  live: 'green',
  paused: 'yellow',
  archived: 'dark',
};

export function JourneyStatusBadge({
  journey,
}: {
  journey: Pick<Journey, 'status' | 'hasUnpublishedChanges'>;
}) {
  return (
    // At least as wide as its words: beside a long name a table column would squeeze it to "LI…".
    <Badge
      color={COLORS[journey.status]}
      variant="light"
      miw="max-content"
      aria-label={`Status ${journey.status}`}
    >
      {journey.status}
      {journey.status !== 'draft' && journey.hasUnpublishedChanges ? ' · draft changes' : ''}
    </Badge>
  );
}
