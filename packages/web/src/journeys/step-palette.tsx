import { Button, Stack, Text, Tooltip } from '@mantine/core';
import type { JourneyStepKind } from '@tandem/contract';
import { STEP_KINDS } from './step-kinds';

/** Every kind of step, one button each; a new step goes under the selected node. */
export function StepPalette({
  onAdd,
  disabled,
}: {
  onAdd: (kind: JourneyStepKind) => void;
  disabled?: boolean;
}) {
  return (
    <Stack gap={4} role="toolbar" aria-label="Add a step">
      <Text size="xs" fw={700} c="dimmed" tt="uppercase">
        Add a step
      </Text>
      {STEP_KINDS.map(({ kind, label, hint, color }) => (
        <Tooltip key={kind} label={hint} position="right" withinPortal>
          <Button
            variant="light"
            color={color}
            size="compact-sm"
            justify="flex-start"
            disabled={disabled}
            onClick={() => onAdd(kind)}
          >
            {label}
          </Button>
        </Tooltip>
      ))}
    </Stack>
  );
}
