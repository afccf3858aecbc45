import type { ApiToken } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { tokensApi, tokensQueryKey } from './settings-api';

/** Revoking breaks every script using the token, so it asks once before doing it. */
export function RevokeTokenButton({ token }: { token: ApiToken }) {
  const session = useCurrentSession();
  return (
    <ConfirmedMutationButton
      label="Revoke"
      ariaLabel={`Revoke token ${token.name}`}
      question={`Revoke “${token.name}”? Anything using it stops working.`}
      confirmLabel="Confirm revoke"
      run={() => tokensApi.revoke(token.id)}
      invalidates={tokensQueryKey(session.workspace.id)}
    />
  );
}
