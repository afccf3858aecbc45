import { Group, Stack, Text } from '@mantine/core';

export type BarSegment = { key: string; label: string; color: string };
export type BarRow = { label: string; values: Record<string, number>; note?: string };

type StackedBarsProps = {
  title: string;
  segments: readonly BarSegment[];
  rows: readonly BarRow[];
  format: (value: number) => string;
};

const LABEL_WIDTH = 140;
const BAR_HEIGHT = 22;
const GAP = 10;
const WIDTH = 720;

/** Horizontal bars, one per row, each stacked from its segments; drawn in plain SVG. */
export function StackedBars({ title, segments, rows, format }: StackedBarsProps) {
  const totals = rows.map((row) => segments.reduce((sum, s) => sum + (row.values[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const barSpace = WIDTH - LABEL_WIDTH - 110;
  const height = rows.length * (BAR_HEIGHT + GAP);
  return (
    <Stack gap="xs">
      {segments.length > 1 && (
        <Group gap="md">
          {segments.map((segment) => (
            <Group key={segment.key} gap={6}>
              <svg width="12" height="12" aria-hidden="true">
                <rect width="12" height="12" rx="2" fill={segment.color} />
              </svg>
              <Text size="xs">{segment.label}</Text>
            </Group>
          ))}
        </Group>
      )}
      <svg
        role="img"
        aria-label={title}
        viewBox={`0 0 ${WIDTH} ${Math.max(height, 1)}`}
        width="100%"
        style={{ maxWidth: WIDTH }}
      >
        <title>{title}</title>
        {rows.map((row, index) => {
          const y = index * (BAR_HEIGHT + GAP);
          let x = LABEL_WIDTH;
          return (
            <g key={row.label}>
              <text
                x={LABEL_WIDTH - 8}
                y={y + BAR_HEIGHT / 2 + 4}
                textAnchor="end"
                fontSize="12"
                fill="currentColor"
              >
                {row.label}
              </text>
              {segments.map((segment) => {
                const value = row.values[segment.key] ?? 0;
                const width = (value / max) * barSpace;
                const rect = (
                  <rect
                    key={segment.key}
                    x={x}
                    y={y}
                    width={width}
                    height={BAR_HEIGHT}
                    rx="3"
                    fill={segment.color}
                  >
                    <title>{`${row.label} — ${segment.label}: ${format(value)}`}</title>
                  </rect>
                );
                x += width;
                return rect;
              })}
              <text x={x + 6} y={y + BAR_HEIGHT / 2 + 4} fontSize="12" fill="currentColor">
                {row.note ?? format(totals[index] ?? 0)}
              </text>
            </g>
          );
        })}
      </svg>
    </Stack>
  );
}
