import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ConfirmActionButton } from './confirm-action-button';

type ConfirmedMutationButtonProps = {
  label: string;
  ariaLabel: string;
  question: ReactNode;
  confirmLabel: string;
  /** What confirming does (one API call). */
  run: () => Promise<unknown>;
  /** The list the change shows in, refetched once it succeeded. */
  invalidates: QueryKey;
};

/** A destructive API call behind a confirmation; on success the popover closes and the list refreshes. */
export function ConfirmedMutationButton(props: ConfirmedMutationButtonProps) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const mutation = useMutation({
    mutationFn: props.run,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: props.invalidates });
    },
  });
  return (
    <ConfirmActionButton
      label={props.label}
      ariaLabel={props.ariaLabel}
      question={props.question}
      confirmLabel={props.confirmLabel}
      opened={confirming}
      onOpenedChange={(opened) => {
        setConfirming(opened);
        if (!opened) mutation.reset();
      }}
      pending={mutation.isPending}
      error={mutation.error}
      onConfirm={() => mutation.mutate()}
    />
  );
}
