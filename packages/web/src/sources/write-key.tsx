import { Button, Code, CopyButton, Group, Text } from '@mantine/core';
import type { Source } from '@tandem/contract';

/**
 * A source's write key with a copy button, or why it is not shown: the server sends it only to
 * roles that may write sources, and Tandem's internal source has none to give.
 */
export function WriteKey({ source }: { source: Source }) {
  if (source.kind === 'internal') {
    return (
      <Text size="sm" c="dimmed">
        None: Tandem writes this source itself
      </Text>
    );
  }
  if (source.kind === 'webhook') {
    return (
      <Text size="sm" c="dimmed">
        None: fed through its webhook URL
      </Text>
    );
  }
  if (source.writeKey === undefined) {
    return (
      <Text size="sm" c="dimmed">
        Hidden: only roles that manage sources see write keys
      </Text>
    );
  }
  const writeKey = source.writeKey;
  return (
    <Group gap="xs" wrap="nowrap">
      <Code>{writeKey}</Code>
      <CopyButton value={writeKey}>
        {({ copied, copy }) => (
          <Button
            variant="subtle"
            size="compact-xs"
            onClick={copy}
            aria-label={`Copy write key of ${source.name}`}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
