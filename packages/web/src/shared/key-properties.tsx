import { Group, Text } from '@mantine/core';
import { formatValue } from './format-value';

// Properties a reader usually looks for first; the rest follow in their own order.
const FIRST = ['url', 'path', 'title', 'email', 'plan', 'total', 'revenue', 'value', 'currency', 'price'];

/** The few properties of an event worth a glance, as `name: value` pairs. */
export function KeyProperties({ values, max = 4 }: { values: Record<string, unknown>; max?: number }) {
  const names = Object.keys(values).sort((a, b) => rank(a) - rank(b));
  if (names.length === 0) return null;
  const shown = names.slice(0, max);
  return (
    <Group gap="xs" wrap="wrap">
      {shown.map((name) => (
        <Text key={name} size="xs" maw={320} truncate="end">
          <Text span c="dimmed" size="xs">
            {name}:
          </Text>{' '}
          {formatValue(values[name])}
        </Text>
      ))}
      {names.length > shown.length && (
        <Text size="xs" c="dimmed">
          +{names.length - shown.length} more
        </Text>
      )}
    </Group>
  );
}

function rank(name: string): number {
  const index = FIRST.indexOf(name);
  return index === -1 ? FIRST.length : index;
}
