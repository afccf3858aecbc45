import { BarChart } from '@mantine/charts';
import { Stack, Table } from '@mantine/core';
import type { AttributionResult, InsightChart } from '@tandem/contract';
import { ChartFrame, percent } from './chart-frame';

const round = (value: number) => Math.round(value * 100) / 100;

/** Conversions and revenue credited per campaign, source or medium: bars of credited conversions and the table. */
export function AttributionChart(props: {
  result: AttributionResult;
  chart: InsightChart;
  name: string;
  height?: number;
}) {
  const { result } = props;
  const rows = result.rows.map((row) => ({
    [result.by]: row.value,
    conversions: round(row.conversions),
    revenue: round(row.revenue),
    share: round(row.share * 100),
  }));
  const caption = `${result.conversions.toLocaleString()} conversions (${result.unattributed.toLocaleString()} with no touch), ${round(result.revenue).toLocaleString()} revenue — ${result.model.replaceAll('_', ' ')}`;
  return (
    <ChartFrame filename={props.name} rows={rows} caption={caption}>
      <Stack gap="sm">
        {props.chart === 'table' || rows.length === 0 ? null : (
          <BarChart
            h={props.height ?? 240}
            data={rows}
            dataKey={result.by}
            series={[{ name: 'conversions', label: 'Credited conversions', color: 'teal.6' }]}
          />
        )}
        <Table aria-label="Attribution" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{result.by.replace('_', ' / ')}</Table.Th>
              <Table.Th ta="right">Conversions</Table.Th>
              <Table.Th ta="right">Revenue</Table.Th>
              <Table.Th ta="right">Share</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.rows.map((row) => (
              <Table.Tr key={row.value}>
                <Table.Td>{row.value}</Table.Td>
                <Table.Td ta="right">{round(row.conversions).toLocaleString()}</Table.Td>
                <Table.Td ta="right">{round(row.revenue).toLocaleString()}</Table.Td>
                <Table.Td ta="right">{percent(row.share)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </ChartFrame>
  );
}
