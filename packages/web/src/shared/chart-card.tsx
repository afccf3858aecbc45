import '@mantine/charts/styles.css';
import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useRef } from 'react';
import { ChartExport, type ChartExportRow } from './chart-export';

/**
 * A titled chart (an image named by its title) with its Export menu (the plotted rows as CSV, the chart as PNG). With `empty`
 * set, the message (what to do first) shows instead of the chart and nothing is exported.
 */
export function ChartCard({
  title,
  description,
  filename,
  rows,
  empty,
  children,
  below,
}: {
  title: string;
  description?: ReactNode;
  filename: string;
  rows: readonly ChartExportRow[];
  empty?: ReactNode;
  /** The chart. */
  children: ReactNode;
  /** What follows the chart (a table of its figures, a note); not part of the PNG. */
  below?: ReactNode;
}) {
  const chart = useRef<HTMLDivElement>(null);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Title order={3} size="h4">
              {title}
            </Title>
            {description && (
              <Text size="sm" c="dimmed">
                {description}
              </Text>
            )}
          </Stack>
          {!empty && (
            <div style={{ flexShrink: 0 }}>
              <ChartExport filename={filename} rows={rows} target={chart} />
            </div>
          )}
        </Group>
        {empty ? (
          <div>{empty}</div>
        ) : (
          <>
            <div ref={chart} role="img" aria-label={title}>
              {children}
            </div>
            {below}
          </>
        )}
      </Stack>
    </Paper>
  );
}
