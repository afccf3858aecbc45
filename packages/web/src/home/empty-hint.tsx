import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';

/** What a chart would show and the first step to get there, with its link. */
export function EmptyHint({ text, to, action }: { text: string; to: string; action: string }) {
  return (
    <Stack gap={4} py="md" align="flex-start">
      <Text size="sm" c="dimmed">
        {text}
      </Text>
      <Anchor component={Link} to={to} size="sm">
        {action}
      </Anchor>
    </Stack>
  );
}
