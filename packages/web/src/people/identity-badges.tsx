import { Badge, Group, Text } from '@mantine/core';
import type { Identity } from '@tandem/contract';

// Ids that name a person come first; anonymous ids say little and there may be many.
const ORDER = ['user_id', 'email', 'phone'];
const rank = (type: string) => (type === 'anonymous_id' ? 99 : ORDER.indexOf(type) + 1 || ORDER.length + 1);

/** The main identifiers of a person as compact badges, with a count of the rest. */
export function IdentityBadges({ identities, max = 3 }: { identities: readonly Identity[]; max?: number }) {
  const sorted = [...identities].sort((a, b) => rank(a.type) - rank(b.type));
  const shown = sorted.slice(0, max);
  return (
    <Group gap={4} wrap="wrap">
      {shown.map((identity) => (
        <Badge
          key={`${identity.type}:${identity.value}`}
          variant="light"
          color="gray"
          tt="none"
          maw={260}
          title={`${identity.type}: ${identity.value}`}
        >
          {identity.type}: {identity.value}
        </Badge>
      ))}
      {sorted.length > shown.length && (
        <Text size="xs" c="dimmed">
          +{sorted.length - shown.length}
        </Text>
      )}
    </Group>
  );
}
