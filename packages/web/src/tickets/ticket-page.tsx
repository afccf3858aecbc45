import { Anchor, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { TicketCsatCard } from '../satisfaction/ticket-csat-card';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { CustomerSidebar } from './customer-sidebar';
import { SlaBadge, TicketPriorityBadge, TicketStatusBadge } from './ticket-badges';
import { TicketComposer } from './ticket-composer';
import { TicketConversation } from './ticket-conversation';
import { TicketDeals } from './ticket-deals';
import { TicketProperties } from './ticket-properties';
import { useCanWorkTickets, useTicket } from './use-ticket-queries';

/** `/tickets/:id`: the conversation, the composer, the ticket's properties and the customer 360. */
export function TicketPage() {
  const { id = '' } = useParams();
  const ticket = useTicket(id);
  const canWork = useCanWorkTickets();
  return (
    <Stack>
      <Anchor component={Link} to="/tickets" size="sm">
        ← Tickets
      </Anchor>
      <QueryState isPending={ticket.isPending} error={ticket.error} refetch={ticket.refetch}>
        {ticket.data && (
          <Stack>
            <Group gap="sm">
              <Title order={2}>
                <Text span c="dimmed" inherit>
                  #{ticket.data.number}
                </Text>{' '}
                {ticket.data.subject}
              </Title>
              <TicketStatusBadge status={ticket.data.status} />
              <TicketPriorityBadge priority={ticket.data.priority} />
              <SlaBadge sla={ticket.data.sla} />
            </Group>
            <Text c="dimmed" size="sm">
              Opened {formatDate(ticket.data.createdAt)} by{' '}
              {ticket.data.requesterEmail ?? ticket.data.profileId} via {ticket.data.channel}
              {ticket.data.mergedInto && (
                <>
                  {' '}
                  · merged into{' '}
                  <Anchor component={Link} to={`/tickets/${encodeURIComponent(ticket.data.mergedInto)}`}>
                    another ticket
                  </Anchor>
                </>
              )}
              {ticket.data.sla &&
                ticket.data.sla.explanation.length > 0 &&
                ` · SLA: ${ticket.data.sla.explanation.join('; ')}`}
            </Text>
            <Grid>
              <Grid.Col span={{ base: 12, lg: 8 }}>
                <Stack>
                  <TicketConversation ticket={ticket.data} />
                  {canWork && <TicketComposer ticket={ticket.data} />}
                </Stack>
              </Grid.Col>
              <Grid.Col span={{ base: 12, lg: 4 }}>
                <Stack>
                  <TicketProperties ticket={ticket.data} canWork={canWork} />
                  <TicketCsatCard ticket={ticket.data} canWork={canWork} />
                  <TicketDeals ticket={ticket.data} canWork={canWork} />
                  <CustomerSidebar ticket={ticket.data} canWork={canWork} />
                </Stack>
              </Grid.Col>
            </Grid>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
