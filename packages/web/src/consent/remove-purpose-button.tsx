import type { ConsentPurpose } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { consentApi, consentQueryKey } from './consent-api';

/** Removing a purpose stops granting it to anyone, so it asks once. */
export function RemovePurposeButton({ purpose }: { purpose: ConsentPurpose }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: consentApi.deletePurpose,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: consentQueryKey(session.workspace.id) });
    },
  });
  return (
    <ConfirmActionButton
      label="Remove"
      ariaLabel={`Remove ${purpose.label}`}
      question={`Remove “${purpose.label}”? Destinations that need it will send to no one; people’s past decisions stay in their history.`}
      confirmLabel="Remove purpose"
      opened={confirming}
      onOpenedChange={setConfirming}
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(purpose.key)}
    />
  );
}
