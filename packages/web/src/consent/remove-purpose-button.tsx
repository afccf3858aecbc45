import { Text } from '@mantine/core';
import type { ConsentPurpose } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { consentApi, consentQueryKey } from './consent-api';

/** Removing a purpose stops granting it to anyone, so it asks once, naming what requires it. */
export function RemovePurposeButton({ purpose }: { purpose: ConsentPurpose }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const readers = useQuery({
    queryKey: [...consentQueryKey(session.workspace.id), 'readers', purpose.key],
    queryFn: () => consentApi.purposeReaders(purpose.key),
    enabled: confirming,
  });
  const remove = useMutation({
    mutationFn: consentApi.deletePurpose,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: consentQueryKey(session.workspace.id) });
    },
  });
  const users = readers.data?.readers ?? [];
  return (
    <ConfirmActionButton
      label="Remove"
      ariaLabel={`Remove ${purpose.label}`}
      question={
        <>
          Remove “{purpose.label}”? Nobody will grant it: audiences that require it lose their members and
          destinations that need it send to no one. People’s past decisions stay in their history.
          {users.length > 0 && (
            <Text component="span" display="block" mt="xs" fw={500}>
              It stops {users.join(', ')}.
            </Text>
          )}
        </>
      }
      confirmLabel="Remove purpose"
      opened={confirming}
      onOpenedChange={setConfirming}
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(purpose.key)}
    />
  );
}
