import { Badge, Button, CloseButton, Group, Menu, Paper, Select, Stack, Text } from '@mantine/core';
import { ConditionEditor, ConditionKind } from './condition-editors';
import {
  addChild,
  type Combinator,
  type GroupNode,
  type LeafNode,
  newGroup,
  newLeaf,
  type RuleNode,
  removeNode,
  updateNode,
} from './rule-model';
import { useProblem } from './rule-problems';

const COMBINATORS: { value: Combinator; label: string }[] = [
  { value: 'all', label: 'all of' },
  { value: 'any', label: 'any of' },
  { value: 'none', label: 'none of' },
];

const JOINERS: Record<Combinator, string> = { all: 'and', any: 'or', none: 'nor' };

type RuleEditorProps = { root: GroupNode; onChange: (root: GroupNode) => void };

/** The visual audience rule: nested groups of conditions, each built with pickers. */
export function RuleEditor({ root, onChange }: RuleEditorProps) {
  const actions: TreeActions = {
    change: (node) => onChange(updateNode(root, node.id, () => node)),
    add: (groupId, child) => onChange(addChild(root, groupId, child)),
    remove: (id) => onChange(removeNode(root, id)),
  };
  return <GroupEditor group={root} depth={0} actions={actions} />;
}

type TreeActions = {
  change: (node: RuleNode) => void;
  add: (groupId: string, child: RuleNode) => void;
  remove: (id: string) => void;
};

const ADDABLE: { kind: LeafNode['kind'] | 'group'; label: string; hint: string }[] = [
  { kind: 'trait', label: 'Trait', hint: 'plan is pro, country is FR…' },
  { kind: 'event', label: 'Event', hint: 'performed Order Completed twice in 30 days…' },
  { kind: 'computedTrait', label: 'Computed trait', hint: 'orders_30d at least 2…' },
  { kind: 'audience', label: 'Audience', hint: 'is a member of another audience' },
  { kind: 'group', label: 'Group', hint: 'a nested all / any / none group' },
];

function GroupEditor({ group, depth, actions }: { group: GroupNode; depth: number; actions: TreeActions }) {
  const emptyProblem = useProblem(group.id, 'children');
  const joiner = JOINERS[group.combinator];
  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      bg={depth % 2 === 0 ? 'var(--mantine-color-body)' : 'var(--mantine-color-gray-0)'}
      role="group"
      aria-label={depth === 0 ? 'Rule' : 'Condition group'}
    >
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap="xs">
          <Text size="sm" fw={500}>
            {depth === 0 ? 'People who match' : 'Match'}
          </Text>
          <Select
            aria-label="Match"
            data={COMBINATORS}
            value={group.combinator}
            allowDeselect={false}
            w={110}
            size="xs"
            // The options are combinators.
            onChange={(next) => actions.change({ ...group, combinator: (next ?? 'all') as Combinator })}
          />
          <Text size="sm" fw={500}>
            these conditions
          </Text>
        </Group>
        {depth > 0 ? (
          <CloseButton aria-label="Remove group" onClick={() => actions.remove(group.id)} />
        ) : null}
      </Group>
      <Stack gap="xs">
        {group.children.map((child, index) => (
          <div key={child.id}>
            {index > 0 ? (
              <Badge variant="light" color="gray" size="sm" mb={6}>
                {joiner}
              </Badge>
            ) : null}
            {child.kind === 'group' ? (
              <GroupEditor group={child} depth={depth + 1} actions={actions} />
            ) : (
              <Paper withBorder radius="sm" p="xs" role="group" aria-label="Condition">
                <Group justify="space-between" align="flex-start" wrap="nowrap">
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <ConditionKind kind={child.kind} />
                    <ConditionEditor node={child} onChange={actions.change} />
                  </div>
                  <CloseButton aria-label="Remove condition" onClick={() => actions.remove(child.id)} />
                </Group>
              </Paper>
            )}
          </div>
        ))}
        {group.children.length === 0 ? (
          <Text size="sm" c={emptyProblem ? 'red' : 'dimmed'} role={emptyProblem ? 'alert' : undefined}>
            {emptyProblem ?? 'No conditions yet: add one below.'}
          </Text>
        ) : null}
      </Stack>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button variant="light" size="compact-sm" mt="sm">
            + Add condition
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {ADDABLE.map(({ kind, label, hint }) => (
            <Menu.Item
              key={kind}
              onClick={() => actions.add(group.id, kind === 'group' ? newGroup('any') : newLeaf(kind))}
            >
              <Text size="sm" fw={500}>
                {label}
              </Text>
              <Text size="xs" c="dimmed">
                {hint}
              </Text>
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Paper>
  );
}
