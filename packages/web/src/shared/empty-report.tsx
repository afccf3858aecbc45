import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';

/** A report without data yet: why, and where to start. */
export function EmptyReport({ text, to, action }: { text: string; to: string; action: string }) {
  return (
    <Stack gap={4} py="sm" align="flex-start">
      <Text size="sm" c="dimmed">
        {text}
      </Text>
      <Anchor component={Link} to={to} size="sm">
        {action}
      </Anchor>
    </Stack>
  );
}
