import { Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { type ProfileConsent, roleAllows } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { ConsentBadge } from './consent-badge';
import { ConsentHistoryTable } from './consent-history-table';
import { useConsentHistory, useProfileConsent, usePurposes } from './consent-queries';
import { PreferenceLinkButton } from './preference-link-button';
import { RecordConsentForm } from './record-consent-form';

/** The profile's Consent tab: where each purpose stands and why, a way to record a change, history. */
export function ProfileConsentPanel({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const consent = useProfileConsent(profileId);
  const history = useConsentHistory(profileId);
  const purposes = usePurposes();
  const labelOf = new Map((purposes.data?.data ?? []).map((p) => [p.key, p.label]));
  const canRecord = roleAllows(session.role, 'profiles:write');

  return (
    <QueryState isPending={consent.isPending} error={consent.error} refetch={consent.refetch}>
      {consent.data && (
        <Stack gap="lg">
          <Table aria-label="Consent by purpose" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Purpose</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Because</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {Object.entries(consent.data.purposes).map(([key, state]) => (
                <Table.Tr key={key}>
                  <Table.Td>{labelOf.get(key) ?? key}</Table.Td>
                  <Table.Td>
                    <ConsentBadge granted={state.granted} />
                  </Table.Td>
                  <Table.Td fz="sm" c="dimmed">
                    {basisText(state)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {canRecord && (
            <RecordConsentForm
              profileId={consent.data.profileId}
              purposes={(purposes.data?.data ?? []).filter((p) => p.key !== 'necessary')}
            />
          )}
          {canRecord && <PreferenceLinkButton profileId={consent.data.profileId} />}
          <div>
            <Title order={5} mb="xs">
              History
            </Title>
            {history.items.length === 0 ? (
              <Text c="dimmed" size="sm">
                {history.isPending
                  ? 'Loading…'
                  : 'This person has not made a decision yet: every purpose follows its default.'}
              </Text>
            ) : (
              <Stack gap="xs">
                <ConsentHistoryTable history={history.items} labelOf={labelOf} />
                {history.hasNextPage && (
                  <Group>
                    <Button
                      variant="default"
                      size="xs"
                      onClick={() => history.fetchNextPage()}
                      loading={history.isFetchingNextPage}
                    >
                      Show older decisions
                    </Button>
                  </Group>
                )}
              </Stack>
            )}
          </div>
        </Stack>
      )}
    </QueryState>
  );
}

function basisText(state: ProfileConsent['purposes'][string]): string {
  switch (state.basis) {
    case 'necessary':
      return 'Always granted';
    case 'default':
      return 'No decision: the default applies';
    case 'decision':
      return `Decided ${formatDate(state.updatedAt)}`;
    default: {
      const unknown: never = state.basis;
      return unknown;
    }
  }
}
