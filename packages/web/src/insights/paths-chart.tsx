import { Table, Text } from '@mantine/core';
import type { InsightChart, PathsResult } from '@tandem/contract';
import { ResponsiveContainer, Sankey, Tooltip } from 'recharts';
import { ChartFrame } from './chart-frame';

type NodeProps = { x: number; y: number; width: number; height: number; payload: { name: string } };

/** A step's event: its bar and, beside it, its name and people. */
function PathNode({ x, y, width, height, payload }: NodeProps) {
  return (
    <g>
      <rect x={x} y={y} width={width} height={height} fill="var(--mantine-color-blue-6)" />
      <text x={x + width + 6} y={y + height / 2 + 4} fontSize={12} fill="var(--mantine-color-text)">
        {payload.name}
      </text>
    </g>
  );
}

/** Paths from (or to) an anchor event as a Sankey: each column a step, each band the people who went that way. */
export function PathsChart(props: {
  result: PathsResult;
  chart: InsightChart;
  name: string;
  height?: number;
}) {
  const { nodes, links } = props.result;
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const rows = links.map((link) => ({ from: link.source, to: link.target, people: link.people }));
  const data = {
    nodes: nodes.map((node) => ({ name: `${node.event} (${node.people})` })),
    links: links
      .filter((link) => index.has(link.source) && index.has(link.target) && link.people > 0)
      .map((link) => ({
        source: index.get(link.source) ?? 0,
        target: index.get(link.target) ?? 0,
        value: link.people,
      })),
  };
  const anchor = nodes.find((node) => node.step === 0);
  const caption = anchor
    ? `${anchor.people.toLocaleString()} people did ${anchor.event}`
    : 'No paths in this range';
  return (
    <ChartFrame filename={props.name} rows={rows} caption={caption}>
      {data.links.length === 0 ? (
        <Text c="dimmed" size="sm" p="md">
          No one did the anchor event in this range, or no one did anything after it.
        </Text>
      ) : props.chart === 'table' ? (
        <Table aria-label="Path links" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>From</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th ta="right">People</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={`${row.from}>${row.to}`}>
                <Table.Td>{row.from}</Table.Td>
                <Table.Td>{row.to}</Table.Td>
                <Table.Td ta="right">{row.people.toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <ResponsiveContainer width="100%" height={props.height ?? 320}>
          <Sankey
            data={data}
            nodePadding={24}
            nodeWidth={10}
            // A path that ends stays in the column of the step it ended at.
            align="left"
            margin={{ top: 10, right: 160, bottom: 10, left: 10 }}
            link={{ stroke: 'var(--mantine-color-blue-3)' }}
            node={PathNode}
          >
            <Tooltip />
          </Sankey>
        </ResponsiveContainer>
      )}
    </ChartFrame>
  );
}
