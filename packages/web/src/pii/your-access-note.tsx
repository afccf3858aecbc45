import { Alert, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { roleLabel } from '../shared/role-label';
import { MaskedBadge } from './masked-badge';
import { piiApi, piiQueryKey } from './pii-api';

/** What the signed-in user's role sees masked. */
export function YourAccessNote() {
  const session = useCurrentSession();
  const access = useQuery({
    queryKey: [...piiQueryKey(session.workspace.id), 'access'],
    queryFn: piiApi.access,
  });
  if (!access.data) return null;
  const masked = access.data.maskedFields;
  return (
    <Alert color={masked.length ? 'yellow' : 'gray'} variant="light" aria-label="Your access">
      {masked.length ? (
        <Group gap={6} wrap="nowrap" align="center">
          <MaskedBadge />
          <Text size="sm">
            As {roleLabel(access.data.role).toLowerCase()}, you see these masked: {masked.join(', ')}.
          </Text>
        </Group>
      ) : (
        <Text size="sm">As {roleLabel(access.data.role).toLowerCase()}, you see personal data unmasked.</Text>
      )}
    </Alert>
  );
}
