import { Paper, Text } from '@mantine/core';

/** One headline number with its label. */
export function StatCard({
  label,
  value,
  tone,
}: {
  label: string;
  value: number | string;
  tone?: 'red' | undefined;
}) {
  return (
    <Paper withBorder radius="md" p="sm" role="group" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={tone}>
        {typeof value === 'number' ? value.toLocaleString() : value}
      </Text>
    </Paper>
  );
}
