import { Anchor, CloseButton, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import type { TicketDetail } from '@tandem/contract';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { dealKey, dealsApi, dealsQueryKey } from '../deals/deals-api';
import { ticketsApi } from './tickets-api';
import { useTicketMutation } from './use-ticket-queries';

/** Deals this ticket is about; the requester's deals can be linked, a link removed. */
export function TicketDeals({ ticket, canWork }: { ticket: TicketDetail; canWork: boolean }) {
  const session = useCurrentSession();
  const workspaceId = session.workspace.id;
  const linked = useQueries({
    queries: ticket.dealIds.map((dealId) => ({
      queryKey: dealKey(workspaceId, dealId),
      queryFn: () => dealsApi.get(dealId),
    })),
  });
  const theirs = useQuery({
    queryKey: [...dealsQueryKey(workspaceId), 'of-profile', ticket.profileId],
    queryFn: () => dealsApi.list({ profileId: ticket.profileId }, null, 100),
    enabled: canWork,
  });
  const setDeals = useTicketMutation(ticketsApi.setDeals);
  const save = (dealIds: string[]) => setDeals.mutate({ id: ticket.id, dealIds });
  const options = (theirs.data?.data ?? [])
    .filter((deal) => !ticket.dealIds.includes(deal.id))
    .map((deal) => ({ value: deal.id, label: deal.name }));
  return (
    <Paper withBorder p="sm" component="section" aria-label="Linked deals">
      <Title order={4} mb="xs">
        Linked deals
      </Title>
      <Stack gap={4}>
        {ticket.dealIds.length === 0 && (
          <Text c="dimmed" size="sm">
            No deal linked.
          </Text>
        )}
        {ticket.dealIds.map((dealId, index) => (
          <Group key={dealId} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/deals/${encodeURIComponent(dealId)}`} size="sm">
              {linked[index]?.data?.name ?? dealId}
            </Anchor>
            {canWork && (
              <CloseButton
                size="sm"
                aria-label={`Unlink ${linked[index]?.data?.name ?? dealId}`}
                onClick={() => save(ticket.dealIds.filter((id) => id !== dealId))}
              />
            )}
          </Group>
        ))}
        {canWork && options.length > 0 && (
          <Select
            aria-label="Link a deal"
            placeholder="Link one of their deals"
            data={options}
            value={null}
            onChange={(dealId) => dealId && save([...ticket.dealIds, dealId])}
            size="xs"
          />
        )}
      </Stack>
    </Paper>
  );
}
