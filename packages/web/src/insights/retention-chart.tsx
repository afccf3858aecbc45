import { Text } from '@mantine/core';
import type { RetentionResult } from '@tandem/contract';
import { ChartFrame, percent } from './chart-frame';

const CELL_W = 64;
const CELL_H = 30;
const LABEL_W = 150;

/**
 * Retention as a cohort table drawn in SVG (so it exports as PNG like the other charts): a row
 * per cohort, a column per period after it, each cell shaded by the share of the cohort that returned.
 */
export function RetentionChart(props: { result: RetentionResult; name: string }) {
  const { cohorts, interval } = props.result;
  const periods = Math.max(0, ...cohorts.map((cohort) => cohort.periods.length));
  const rows = cohorts.map((cohort) => {
    const row: Record<string, string | number> = { cohort: cohort.start.slice(0, 10), people: cohort.people };
    for (const period of cohort.periods)
      row[`${interval} ${period.period}`] = Number((period.rate * 100).toFixed(1));
    return row;
  });
  if (cohorts.length === 0 || cohorts.every((cohort) => cohort.people === 0)) {
    return (
      <ChartFrame filename={props.name} rows={rows} caption="Cohorts">
        <Text c="dimmed" size="sm" p="md">
          No one did the cohort’s event in these {cohorts.length} {interval}s.
        </Text>
      </ChartFrame>
    );
  }
  const width = LABEL_W + CELL_W * (periods + 1);
  const height = CELL_H * (cohorts.length + 1);
  return (
    <ChartFrame
      filename={props.name}
      rows={rows}
      caption={`Share of each ${interval}'s cohort that came back`}
    >
      <div style={{ overflowX: 'auto' }}>
        <svg width={width} height={height} role="img" aria-label="Retention cohorts" fontSize={12}>
          <rect width={width} height={height} fill="white" />
          <text x={8} y={CELL_H / 2 + 4} fontWeight={600}>
            Cohort
          </text>
          <text x={LABEL_W - 8} y={CELL_H / 2 + 4} textAnchor="end" fontWeight={600}>
            People
          </text>
          {Array.from({ length: periods }, (_, period) => (
            <text
              key={period}
              x={LABEL_W + CELL_W * (period + 1) + CELL_W / 2}
              y={CELL_H / 2 + 4}
              textAnchor="middle"
              fontWeight={600}
            >
              {interval} {period}
            </text>
          ))}
          {cohorts.map((cohort, row) => {
            const y = CELL_H * (row + 1);
            return (
              <g key={cohort.start}>
                <text x={8} y={y + CELL_H / 2 + 4}>
                  {cohort.start.slice(0, 10)}
                </text>
                <text x={LABEL_W - 8} y={y + CELL_H / 2 + 4} textAnchor="end">
                  {cohort.people.toLocaleString()}
                </text>
                {cohort.periods.map((period) => {
                  const x = LABEL_W + CELL_W * (period.period + 1);
                  return (
                    <g key={period.period}>
                      <title>{`${period.people} of ${cohort.people} people`}</title>
                      <rect
                        x={x + 1}
                        y={y + 1}
                        width={CELL_W - 2}
                        height={CELL_H - 2}
                        rx={3}
                        fill={`rgba(34, 139, 230, ${0.08 + 0.85 * period.rate})`}
                      />
                      <text
                        x={x + CELL_W / 2}
                        y={y + CELL_H / 2 + 4}
                        textAnchor="middle"
                        fill={period.rate > 0.55 ? 'white' : 'black'}
                      >
                        {percent(period.rate)}
                      </text>
                    </g>
                  );
                })}
              </g>
            );
          })}
        </svg>
      </div>
    </ChartFrame>
  );
}
