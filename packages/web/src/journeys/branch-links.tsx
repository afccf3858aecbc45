import { Select, Stack, Text } from '@mantine/core';
import type { Edge } from '@xyflow/react';
import { ENTRY_NODE_ID, isStepNode, type JourneyNode, newEdge } from './journey-graph';
import { type Branch, branchesOf } from './step-kinds';

type BranchLinksProps = {
  node: JourneyNode;
  nodes: readonly JourneyNode[];
  edges: readonly Edge[];
  onChange: (edges: Edge[]) => void;
};

/** Where each branch of the selected node leads, picked from a list: the canvas's links, by keyboard. */
export function BranchLinks({ node, nodes, edges, onChange }: BranchLinksProps) {
  const branches: Branch[] = isStepNode(node) ? branchesOf(node.data.step) : [{ handle: 'next', label: '' }];
  if (branches.length === 0) return null;
  const targets = nodes
    .filter((n) => n.id !== node.id && n.id !== ENTRY_NODE_ID)
    .map((n) => ({ value: n.id, label: isStepNode(n) ? n.data.step.label || n.id : n.id }));
  const link = (handle: string, target: string | null) => {
    const others = edges.filter((e) => !(e.source === node.id && (e.sourceHandle ?? 'next') === handle));
    onChange(target ? [...others, newEdge(node.id, handle, target)] : others);
  };
  return (
    <Stack gap={6}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase">
        {node.id === ENTRY_NODE_ID ? 'First step' : 'Then'}
      </Text>
      {branches.map((branch) => (
        <Select
          key={branch.handle}
          label={branch.label ? `When ${branch.label}` : undefined}
          aria-label={branch.label ? `Next step when ${branch.label}` : 'Next step'}
          placeholder={node.id === ENTRY_NODE_ID ? 'Pick the first step' : 'End of the journey'}
          data={targets}
          value={
            edges.find((e) => e.source === node.id && (e.sourceHandle ?? 'next') === branch.handle)?.target ??
            null
          }
          onChange={(target) => link(branch.handle, target)}
          clearable
          size="xs"
          comboboxProps={{ withinPortal: true }}
        />
      ))}
    </Stack>
  );
}
