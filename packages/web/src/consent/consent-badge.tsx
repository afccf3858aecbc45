import { Badge } from '@mantine/core';

export function ConsentBadge({ granted }: { granted: boolean }) {
  return (
    // Never cut short by a narrow column.
    <Badge color={granted ? 'green' : 'red'} variant="light" style={{ minWidth: 'max-content' }}>
      {granted ? 'Granted' : 'Refused'}
    </Badge>
  );
}
