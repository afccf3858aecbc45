import { BarChart } from '@mantine/charts';

/**
 * Names ranked by one count (top events, top sources, the largest audiences): horizontal bars,
 * the chart growing with its rows so every name stays legible.
 */
export function RankedBarChart<Row extends Record<string, unknown>>({
  data,
  nameKey,
  series,
  labelWidth = 140,
  rowHeight = 32,
  minHeight = 120,
}: {
  data: Row[];
  /** The field holding each bar's name. */
  nameKey: keyof Row & string;
  /** The field holding each bar's count, its legend label and colour. */
  series: { name: keyof Row & string; label: string; color: string };
  /** Room for the names, in pixels. */
  labelWidth?: number;
  rowHeight?: number;
  minHeight?: number;
}) {
  return (
    <BarChart
      h={Math.max(minHeight, data.length * rowHeight)}
      data={data}
      dataKey={nameKey}
      orientation="vertical"
      yAxisProps={{ width: labelWidth }}
      xAxisProps={{ allowDecimals: false }}
      series={[series]}
    />
  );
}
