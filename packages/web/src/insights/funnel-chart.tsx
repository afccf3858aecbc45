import { BarChart } from '@mantine/charts';
import { Button, Stack, Table, Text } from '@mantine/core';
import type { FunnelQuery, FunnelResult, InsightChart } from '@tandem/contract';
import { useState } from 'react';
import { ChartFrame, formatSeconds, percent } from './chart-frame';
import { DroppedPeopleDrawer } from './dropped-people-drawer';

type Step = FunnelResult['steps'][number];

const stepLabel = (step: Step, index: number) => `${index + 1}. ${step.event}`;

/**
 * A funnel: people per step as bars, and a table of conversion from the first step, from the
 * previous one and time to convert. With the query at hand, a step's drop-off opens its people.
 */
export function FunnelChart(props: {
  result: FunnelResult;
  chart: InsightChart;
  name: string;
  query?: FunnelQuery;
  height?: number;
}) {
  const { result } = props;
  const [droppedAt, setDroppedAt] = useState<number | null>(null);
  // The axis names each step with its conversion from the first, so the bars read as a funnel.
  const rows = result.steps.map((step, index) => ({
    step: `${stepLabel(step, index)} · ${percent(step.conversion)}`,
    people: step.people,
    conversion: Number((step.conversion * 100).toFixed(1)),
    stepConversion: Number((step.stepConversion * 100).toFixed(1)),
    medianSecondsToConvert: step.medianSecondsToConvert,
  }));
  const first = result.steps[0]?.people ?? 0;
  const last = result.steps.at(-1);
  const caption =
    first === 0
      ? 'No one did the first step in this range'
      : `${percent(last?.conversion ?? 0)} of ${first.toLocaleString()} people converted`;
  return (
    <ChartFrame filename={props.name} rows={rows} caption={caption}>
      <Stack gap="sm">
        {props.chart === 'table' ? null : (
          <BarChart
            h={props.height ?? 240}
            data={rows}
            dataKey="step"
            series={[{ name: 'people', label: 'People', color: 'blue.6' }]}
            // Every step named, even in a narrow tile.
            xAxisProps={{ interval: 0, tick: { fontSize: 11 } }}
          />
        )}
        <Table aria-label="Funnel steps" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Step</Table.Th>
              <Table.Th ta="right">People</Table.Th>
              <Table.Th ta="right">Conversion</Table.Th>
              <Table.Th ta="right">From previous</Table.Th>
              <Table.Th ta="right">Median time</Table.Th>
              <Table.Th ta="right">Dropped</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.steps.map((step, index) => {
              const dropped = index === 0 ? 0 : (result.steps[index - 1]?.people ?? 0) - step.people;
              return (
                <Table.Tr key={stepLabel(step, index)} data-testid={`funnel-step-${index}`}>
                  <Table.Td>{stepLabel(step, index)}</Table.Td>
                  <Table.Td ta="right">{step.people.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{percent(step.conversion)}</Table.Td>
                  <Table.Td ta="right">{index === 0 ? '—' : percent(step.stepConversion)}</Table.Td>
                  <Table.Td ta="right">{formatSeconds(step.medianSecondsToConvert)}</Table.Td>
                  <Table.Td ta="right">
                    {index === 0 ? (
                      '—'
                    ) : props.query && dropped > 0 ? (
                      <Button
                        variant="subtle"
                        size="compact-sm"
                        color="red"
                        onClick={() => setDroppedAt(index)}
                        aria-label={`${dropped} dropped before ${step.event}`}
                      >
                        {dropped.toLocaleString()} dropped
                      </Button>
                    ) : (
                      dropped.toLocaleString()
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {result.breakdowns && result.breakdowns.length > 0 ? <BreakdownTable result={result} /> : null}
      </Stack>
      {props.query && droppedAt !== null ? (
        <DroppedPeopleDrawer
          funnel={props.query}
          step={droppedAt}
          stepName={result.steps[droppedAt]?.event ?? ''}
          onClose={() => setDroppedAt(null)}
        />
      ) : null}
    </ChartFrame>
  );
}

function BreakdownTable({ result }: { result: FunnelResult }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Conversion by breakdown
      </Text>
      <Table aria-label="Funnel by breakdown" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Value</Table.Th>
            {result.steps.map((step, index) => (
              <Table.Th key={stepLabel(step, index)} ta="right">
                {stepLabel(step, index)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(result.breakdowns ?? []).map((row) => (
            <Table.Tr key={row.breakdown ?? '(none)'}>
              <Table.Td>{row.breakdown ?? '(none)'}</Table.Td>
              {row.steps.map((step, index) => (
                <Table.Td key={stepLabel(step, index)} ta="right">
                  {step.people.toLocaleString()} ({percent(step.conversion)})
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
