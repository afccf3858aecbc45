import '@mantine/charts/styles.css';
import { Group, Stack, Text } from '@mantine/core';
import { type ReactNode, useRef } from 'react';
import { ChartExport, type ChartExportRow } from '../shared/chart-export';

/** A chart with its Export menu (CSV of the plotted rows, PNG of the drawing). */
export function ChartFrame(props: {
  filename: string;
  rows: readonly ChartExportRow[];
  caption?: ReactNode;
  children: ReactNode;
}) {
  const target = useRef<HTMLDivElement>(null);
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" c="dimmed">
          {props.caption}
        </Text>
        <ChartExport filename={props.filename} rows={props.rows} target={target} />
      </Group>
      <div ref={target}>{props.children}</div>
    </Stack>
  );
}

export const SERIES_COLORS = [
  'blue.6',
  'teal.6',
  'orange.6',
  'grape.6',
  'red.6',
  'cyan.6',
  'lime.7',
  'pink.6',
];

export const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** A duration in seconds as the largest unit that reads well (45s, 12m, 3.5h, 2.1d). */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86_400).toFixed(1)}d`;
}

/** A file name for a chart's exports from the insight's name. */
export const exportName = (name: string) =>
  name
    .trim()
    .replace(/[^\w-]+/g, '-')
    .toLowerCase() || 'insight';
