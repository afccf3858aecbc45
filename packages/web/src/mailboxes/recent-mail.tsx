import { Code, Paper, Table, Text, Title } from '@mantine/core';
import type { Mailbox } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { formatPreciseDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { mailboxesApi, mailboxesQueryKey } from './mailboxes-api';

const SET_ASIDE_REASONS: Record<string, string> = {
  auto_reply: 'Set aside: an auto-reply',
  bounce: 'Set aside: a bounce',
  own_mail: 'Set aside: sent by one of these mailboxes',
};

/** The latest mail the mailboxes took in: why a message did or did not become a ticket. */
export function RecentMail({ mailboxes }: { mailboxes: readonly Mailbox[] }) {
  const session = useCurrentSession();
  const recent = useQuery({
    queryKey: [...mailboxesQueryKey(session.workspace.id), 'recent-mail'],
    queryFn: mailboxesApi.recentMail,
    refetchInterval: 15_000,
  });
  const addressOf = (mailboxId: string | null) =>
    mailboxes.find((mailbox) => mailbox.id === mailboxId)?.address ?? 'a removed mailbox';
  return (
    <Paper withBorder p="sm" component="section" aria-label="Recent mail">
      <Title order={4} mb="xs">
        Recent mail
      </Title>
      <QueryState isPending={recent.isPending} error={recent.error} refetch={recent.refetch}>
        {recent.data?.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            No mail received yet.
          </Text>
        ) : (
          <Table aria-label="Recent mail" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Received</Table.Th>
                <Table.Th>Mailbox</Table.Th>
                <Table.Th>What became of it</Table.Th>
                <Table.Th>Message-ID</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(recent.data?.data ?? []).map((email) => (
                <Table.Tr key={`${email.messageId}-${email.mailboxId}-${email.receivedAt}`}>
                  <Table.Td>{formatPreciseDate(email.receivedAt)}</Table.Td>
                  <Table.Td>{addressOf(email.mailboxId)}</Table.Td>
                  <Table.Td>
                    {email.outcome === 'ticket' ? (
                      'On a ticket'
                    ) : (
                      <Text span c="dimmed" size="sm">
                        {SET_ASIDE_REASONS[email.reason ?? ''] ?? 'Set aside'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Code>{email.messageId}</Code>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Paper>
  );
}
