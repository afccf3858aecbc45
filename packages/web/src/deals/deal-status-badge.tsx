import { Badge } from '@mantine/core';
import type { DealStatus } from '@tandem/contract';

const COLORS = { open: 'blue', won: 'green', lost: 'gray' } as const;
const LABELS = { open: 'Open', won: 'Won', lost: 'Lost' } as const;

export function DealStatusBadge({ status }: { status: DealStatus }) {
  return (
    <Badge color={COLORS[status]} variant="light">
      {LABELS[status]}
    </Badge>
  );
}
