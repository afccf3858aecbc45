import { Button, Group, Popover, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/error-message';

type ConfirmActionButtonProps = {
  /** Text of the red button that opens the question. */
  label: string;
  ariaLabel: string;
  question: ReactNode;
  /** What the question needs besides its sentence (facts, a choice to make), under it. */
  extra?: ReactNode;
  confirmLabel: string;
  opened: boolean;
  onOpenedChange: (opened: boolean) => void;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  /** The opening button's look: subtle in table rows (the default), outline on its own. */
  variant?: 'subtle' | 'outline';
};

/** A destructive action that asks once, in a popover, before it runs. */
export function ConfirmActionButton(props: ConfirmActionButtonProps) {
  const { opened, onOpenedChange } = props;
  return (
    <Popover opened={opened} onChange={onOpenedChange} withArrow position="left">
      <Popover.Target>
        <Button
          color="red"
          variant={props.variant ?? 'subtle'}
          size={props.variant === 'outline' ? 'sm' : 'compact-sm'}
          aria-label={props.ariaLabel}
          style={{ flexShrink: 0 }}
          onClick={() => onOpenedChange(!opened)}
        >
          {props.label}
        </Button>
      </Popover.Target>
      <Popover.Dropdown maw={320}>
        <Text size="sm" mb="xs">
          {props.question}
        </Text>
        {props.extra}
        {props.error ? (
          <Text size="sm" c="red" role="alert" mb="xs">
            {errorMessage(props.error)}
          </Text>
        ) : null}
        <Group gap="xs" justify="flex-end">
          <Button size="compact-sm" variant="default" onClick={() => onOpenedChange(false)}>
            Cancel
          </Button>
          <Button size="compact-sm" color="red" loading={props.pending} onClick={props.onConfirm}>
            {props.confirmLabel}
          </Button>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
