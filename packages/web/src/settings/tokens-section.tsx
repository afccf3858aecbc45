import { Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { CreateTokenForm } from './create-token-form';
import { NewTokenAlert } from './new-token-alert';
import { type CreatedApiToken, tokensApi, tokensQueryKey } from './settings-api';
import { TokensTable } from './tokens-table';

/** For roles with `tokens:manage` (the settings page shows it to them only). */
export function TokensSection() {
  const session = useCurrentSession();
  const tokens = usePagedQuery(tokensQueryKey(session.workspace.id), tokensApi.list);
  // Held only in memory: the secret is shown once and is gone when the alert is closed.
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  return (
    <Stack component="section" aria-labelledby="tokens-title">
      <div>
        <Title order={3} id="tokens-title">
          API tokens
        </Title>
        <Text c="dimmed" size="sm">
          Tokens let scripts and servers call the admin API in {session.workspace.name}. A token acts for the
          person who created it and never does more than their current role allows.
        </Text>
      </div>
      <CreateTokenForm onCreated={setCreated} />
      {created && <NewTokenAlert token={created} onClose={() => setCreated(null)} />}
      <QueryState isPending={tokens.isPending} error={tokens.error} refetch={tokens.refetch}>
        <TokensTable tokens={tokens.items} />
        <LoadMoreButton {...tokens} />
      </QueryState>
    </Stack>
  );
}
