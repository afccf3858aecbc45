import { Badge, Group } from '@mantine/core';
import { isMaskedValue } from '@tandem/contract';
import type { ReactNode } from 'react';

/** A small padlock: this value is personal data the viewer's role sees masked. */
export function MaskedBadge() {
  return (
    <Badge
      size="xs"
      variant="light"
      color="gray"
      title="Personal data: masked for your role"
      aria-label="masked personal data"
      px={4}
      style={{ flexShrink: 0 }}
    >
      <svg width="10" height="10" viewBox="0 0 16 16" aria-hidden="true" style={{ display: 'block' }}>
        <path
          fill="currentColor"
          d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v6a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 14.5v-6A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z"
        />
      </svg>
    </Badge>
  );
}

/** `children` (the shown text of `value`), followed by a padlock when the API masked the value. */
export function PersonalValue({ value, children }: { value: unknown; children: ReactNode }) {
  if (!isMaskedValue(value)) return children;
  return (
    <Group gap={4} wrap="nowrap" component="span" style={{ display: 'inline-flex' }}>
      <span>{children}</span>
      <MaskedBadge />
    </Group>
  );
}
