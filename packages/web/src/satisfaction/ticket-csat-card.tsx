import { Alert, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import type { TicketDetail } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { ticketsQueryKey } from '../tickets/tickets-api';
import { CsatBadge } from './csat-badge';
import { satisfactionApi } from './satisfaction-api';

/** The ticket page's satisfaction: the survey sent on solve, its answer, and the skip switch. */
export function TicketCsatCard({ ticket, canWork }: { ticket: TicketDetail; canWork: boolean }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const queryKey = [...ticketsQueryKey(session.workspace.id), 'csat', ticket.id, ticket.status];
  const csat = useQuery({ queryKey, queryFn: () => satisfactionApi.ofTicket(ticket.id) });
  const skip = useMutation({
    mutationFn: satisfactionApi.setSkip,
    onSuccess: (data) => queryClient.setQueryData(queryKey, data),
  });
  const survey = csat.data?.survey ?? null;
  return (
    <Paper withBorder p="sm" component="section" aria-label="Satisfaction">
      <Title order={5} mb="xs">
        Satisfaction
      </Title>
      <QueryState isPending={csat.isPending} error={csat.error} refetch={csat.refetch}>
        <Stack gap="xs">
          {survey === null ? (
            <Text size="sm" c="dimmed">
              {csat.data?.skip ? 'No survey will be sent.' : 'A survey is emailed when the ticket is solved.'}
            </Text>
          ) : survey.score === null ? (
            <Text size="sm">
              Survey{' '}
              {survey.delivery === 'sent' ? 'sent' : survey.delivery === 'queued' ? 'being sent' : 'not sent'}{' '}
              {formatDate(survey.sentAt)}
              {survey.deliveryError ? ` (${survey.deliveryError})` : ''}; no answer yet.
            </Text>
          ) : (
            <Stack gap={4}>
              <CsatBadge score={survey.score} />
              {survey.comment && (
                <Text size="sm" fs="italic">
                  “{survey.comment}”
                </Text>
              )}
              {survey.answeredAt && (
                <Text size="xs" c="dimmed">
                  Answered {formatDate(survey.answeredAt)}
                </Text>
              )}
            </Stack>
          )}
          {skip.error && (
            <Alert color="red" role="alert">
              {errorMessage(skip.error)}
            </Alert>
          )}
          <Switch
            label="Skip the satisfaction survey"
            checked={csat.data?.skip ?? false}
            disabled={!canWork || skip.isPending}
            onChange={(e) => skip.mutate({ ticketId: ticket.id, skip: e.currentTarget.checked })}
          />
        </Stack>
      </QueryState>
    </Paper>
  );
}
