import { Alert, Paper, Radio, Stack, Text, Title } from '@mantine/core';
import { CONSENT_MODES, ConsentModeSchema, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { consentApi, consentQueryKey, MODE_LABELS } from './consent-api';

/** The workspace default: what a purpose means for someone who never decided on it. */
export function ConsentDefaultSection() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const key = [...consentQueryKey(session.workspace.id), 'settings'];
  const settings = useQuery({ queryKey: key, queryFn: consentApi.settings });
  const update = useMutation({
    mutationFn: consentApi.updateSettings,
    onSuccess: (saved) => queryClient.setQueryData(key, saved),
  });
  const canManage = roleAllows(session.role, 'privacy:manage');
  const choose = (value: string) => {
    const mode = ConsentModeSchema.safeParse(value);
    if (mode.success) update.mutate({ defaultMode: mode.data });
  };

  return (
    <Paper withBorder p="md" component="section" aria-label="Default consent">
      <Title order={4}>When someone has not decided</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Applies to every purpose without a default of its own, for people and events with no consent
        information. Choose “refused until granted” where the law asks for prior consent (GDPR, ePrivacy).
      </Text>
      <QueryState isPending={settings.isPending} error={settings.error} refetch={settings.refetch}>
        <Radio.Group
          value={update.variables?.defaultMode ?? settings.data?.defaultMode ?? null}
          onChange={choose}
          aria-label="Default for undecided purposes"
        >
          <Stack gap="xs">
            {CONSENT_MODES.map((mode) => (
              <Radio
                key={mode}
                value={mode}
                label={MODE_LABELS[mode]}
                disabled={!canManage || update.isPending}
              />
            ))}
          </Stack>
        </Radio.Group>
        {!canManage && (
          <Text size="xs" c="dimmed" mt="xs">
            Only owners and admins change it.
          </Text>
        )}
        {update.error && (
          <Alert color="red" role="alert" mt="sm">
            {errorMessage(update.error)}
          </Alert>
        )}
      </QueryState>
    </Paper>
  );
}
