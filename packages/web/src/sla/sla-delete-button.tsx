import { useState } from 'react';
import { ConfirmActionButton } from '../shared/confirm-action-button';

/** Delete, asked once in a popover (holds its own open state). */
export function SlaDeleteButton(props: {
  what: string;
  question: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
}) {
  const [opened, setOpened] = useState(false);
  return (
    <ConfirmActionButton
      label="Delete"
      ariaLabel={`Delete ${props.what}`}
      question={props.question}
      confirmLabel="Delete"
      opened={opened}
      onOpenedChange={setOpened}
      pending={props.pending}
      error={props.error}
      onConfirm={props.onConfirm}
    />
  );
}
