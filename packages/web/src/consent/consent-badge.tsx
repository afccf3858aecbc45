import { Badge } from '@mantine/core';

export function ConsentBadge({ granted }: { granted: boolean }) {
  return (
    <Badge color={granted ? 'green' : 'red'} variant="light">
      {granted ? 'Granted' : 'Refused'}
    </Badge>
  );
}
