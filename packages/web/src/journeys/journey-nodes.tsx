import { Badge, Paper, Text } from '@mantine/core';
import { Handle, type NodeProps, type NodeTypes, Position } from '@xyflow/react';
import type { ReactNode } from 'react';
import { useJourneyCanvasInfo } from './journey-canvas-context';
import type { EntryNode, StepNode } from './journey-graph';
import { branchesOf, stepKindColor, stepKindLabel } from './step-kinds';
import { entrySummary, stepSummary } from './step-summary';

const NODE_WIDTH = 220;

/** The card every node draws: kind, summary, live counts, and its problems in red. */
function NodeCard(props: {
  kindLabel: string;
  color: string;
  title: string;
  summary: string;
  counts: ReactNode;
  problems: readonly string[];
  selected: boolean;
  ariaLabel: string;
}) {
  const invalid = props.problems.length > 0;
  return (
    <Paper
      withBorder
      radius="md"
      p="xs"
      w={NODE_WIDTH}
      shadow={props.selected ? 'md' : 'xs'}
      aria-label={props.ariaLabel}
      data-invalid={invalid || undefined}
      style={{
        borderColor: invalid
          ? 'var(--mantine-color-red-6)'
          : props.selected
            ? 'var(--mantine-color-blue-6)'
            : undefined,
        borderWidth: invalid || props.selected ? 2 : 1,
      }}
    >
      <Badge size="xs" variant="light" color={props.color}>
        {props.kindLabel}
      </Badge>
      <Text size="sm" fw={600} mt={4} truncate>
        {props.title}
      </Text>
      <Text size="xs" c="dimmed" lineClamp={2}>
        {props.summary}
      </Text>
      {props.counts}
      {props.problems.map((message) => (
        <Text key={message} size="xs" c="red" mt={2} role="alert">
          {message}
        </Text>
      ))}
    </Paper>
  );
}

function EntryNodeView({ data, selected }: NodeProps<EntryNode>) {
  const { problems, names, entered } = useJourneyCanvasInfo();
  const messages = problems
    .filter((p) => p.stepId === undefined && p.field.startsWith('entry'))
    .map((p) => p.message);
  return (
    <>
      <NodeCard
        kindLabel="Entry"
        color="green"
        title="People enter when"
        summary={entrySummary(data.entry, names)}
        counts={entered === null ? null : <Counts figures={[[entered, 'entered']]} />}
        problems={messages}
        selected={selected}
        ariaLabel="Journey entry"
      />
      <Handle type="source" position={Position.Bottom} id="next" aria-label="Entry: connect the first step" />
    </>
  );
}

function StepNodeView({ id, data, selected }: NodeProps<StepNode>) {
  const { problems, names, counts } = useJourneyCanvasInfo();
  const messages = problems.filter((p) => p.stepId === id).map((p) => p.message);
  const branches = branchesOf(data.step);
  const report = counts?.get(id);
  return (
    <>
      <Handle type="target" position={Position.Top} id="in" />
      <NodeCard
        kindLabel={stepKindLabel(data.step.kind)}
        color={stepKindColor(data.step.kind)}
        title={data.step.label || id}
        summary={stepSummary(data.step, names)}
        counts={
          report ? (
            <Counts
              figures={[
                [report.current, 'here now'],
                [report.passed, 'passed'],
              ]}
            />
          ) : null
        }
        problems={messages}
        selected={selected}
        ariaLabel={`Step ${data.step.label || id}`}
      />
      {branches.map((branch, index) => {
        const left = `${((index + 1) / (branches.length + 1)) * 100}%`;
        return (
          <Handle
            key={branch.handle}
            type="source"
            position={Position.Bottom}
            id={branch.handle}
            style={{ left }}
            aria-label={`${data.step.label || id}: ${branch.label || 'next'}`}
          >
            {branch.label ? (
              <span
                style={{
                  position: 'absolute',
                  top: 8,
                  left: '50%',
                  transform: 'translateX(-50%)',
                  fontSize: 10,
                  whiteSpace: 'nowrap',
                  color: 'var(--mantine-color-dimmed)',
                  pointerEvents: 'none',
                }}
              >
                {branch.label}
              </span>
            ) : null}
          </Handle>
        );
      })}
    </>
  );
}

/** Live counts under a node's summary ("12 here now · 340 passed"). */
function Counts({ figures }: { figures: [number, string][] }) {
  return (
    <Text size="xs" fw={600} c="blue.7" mt={4} aria-label="Live counts">
      {figures.map(([value, label]) => `${value.toLocaleString()} ${label}`).join(' · ')}
    </Text>
  );
}

export const JOURNEY_NODE_TYPES: NodeTypes = { entry: EntryNodeView, step: StepNodeView };
