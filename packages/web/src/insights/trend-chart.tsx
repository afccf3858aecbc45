import { BarChart, LineChart } from '@mantine/charts';
import { Table } from '@mantine/core';
import type { InsightChart, TrendResult } from '@tandem/contract';
import { ChartFrame, SERIES_COLORS } from './chart-frame';

function seriesLabel(series: TrendResult['series'][number]): string {
  const measure = series.measure === 'count' ? '' : ` (${series.measure})`;
  const breakdown = series.breakdown === undefined ? '' : ` · ${series.breakdown ?? '(none)'}`;
  return `${series.event}${measure}${breakdown}`;
}

const pointLabel = (at: string, interval: TrendResult['interval']) =>
  interval === 'hour' ? at.slice(0, 16).replace('T', ' ') : at.slice(0, 10);

/** Trends over time: one line (or bar group) per series, or a table of the points. */
export function TrendChart(props: {
  result: TrendResult;
  chart: InsightChart;
  name: string;
  height?: number;
}) {
  const { result } = props;
  const labels = result.series.map(seriesLabel);
  const rows = (result.series[0]?.points ?? []).map((point, index) => {
    const row: Record<string, string | number> = { at: pointLabel(point.at, result.interval) };
    result.series.forEach((series, s) => {
      row[labels[s] ?? String(s)] = series.points[index]?.value ?? 0;
    });
    return row;
  });
  const series = labels.map((name, index) => ({
    name,
    color: SERIES_COLORS[index % SERIES_COLORS.length] ?? 'blue.6',
  }));
  const caption = result.series.map((s, i) => `${labels[i]}: ${s.total.toLocaleString()}`).join(' · ');
  const height = props.height ?? 280;
  return (
    <ChartFrame filename={props.name} rows={rows} caption={`Total — ${caption}`}>
      {props.chart === 'table' ? (
        <Table.ScrollContainer minWidth={400} mah={height + 60}>
          <Table striped aria-label="Trend points">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{result.interval}</Table.Th>
                {labels.map((label) => (
                  <Table.Th key={label} ta="right">
                    {label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={String(row.at)}>
                  <Table.Td>{row.at}</Table.Td>
                  {labels.map((label) => (
                    <Table.Td key={label} ta="right">
                      {Number(row[label] ?? 0).toLocaleString()}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : props.chart === 'bar' ? (
        <BarChart h={height} data={rows} dataKey="at" series={series} withLegend={series.length > 1} />
      ) : (
        <LineChart
          h={height}
          data={rows}
          dataKey="at"
          series={series}
          withLegend={series.length > 1}
          curveType="linear"
        />
      )}
    </ChartFrame>
  );
}
