import { Badge, Group, Tooltip } from '@mantine/core';
import type { Source } from '@tandem/contract';
import type { ReactNode } from 'react';

/** A source's name, marked when it is Tandem's own (audience events) rather than a tracking source. */
export function SourceName({ source, children }: { source: Source; children: ReactNode }) {
  if (source.kind !== 'internal') return children;
  return (
    <Group gap="xs" wrap="nowrap">
      {children}
      <Tooltip label="Tandem writes audience events here itself; the Tracking API refuses it.">
        <Badge size="sm" variant="outline" color="gray">
          Internal
        </Badge>
      </Tooltip>
    </Group>
  );
}
