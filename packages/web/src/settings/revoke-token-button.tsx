import type { ApiToken } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { tokensApi, tokensQueryKey } from './settings-api';

/** Revoking breaks every script using the token, so it asks once before doing it. */
export function RevokeTokenButton({ token }: { token: ApiToken }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({
    mutationFn: tokensApi.revoke,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: tokensQueryKey(session.workspace.id) });
    },
  });

  return (
    <ConfirmActionButton
      label="Revoke"
      ariaLabel={`Revoke token ${token.name}`}
      question={`Revoke “${token.name}”? Anything using it stops working.`}
      confirmLabel="Confirm revoke"
      opened={confirming}
      onOpenedChange={setConfirming}
      pending={revoke.isPending}
      error={revoke.error}
      onConfirm={() => revoke.mutate(token.id)}
    />
  );
}
