import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { TicketDetail } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { DealStatusBadge } from '../deals/deal-status-badge';
import { dealsApi, dealsQueryKey } from '../deals/deals-api';
import { formatMoney } from '../deals/format-money';
import { profileQueryKey, profilesApi, profilesQueryKey } from '../people/people-api';
import { eventLabel } from '../shared/event-label';
import { formatDate } from '../shared/format-date';
import { KeyValueTable } from '../shared/key-value-table';
import { QueryState } from '../shared/query-state';
import { TicketStatusBadge } from './ticket-badges';
import { LIVE_REFRESH_MS, ticketsApi, ticketsQueryKey } from './tickets-api';
import { useTicketMutation } from './use-ticket-queries';

const RECENT_EVENTS = 8;

/** The customer 360 beside a ticket: who they are, what they did, what they bought, other tickets. */
export function CustomerSidebar({ ticket, canWork }: { ticket: TicketDetail; canWork: boolean }) {
  const session = useCurrentSession();
  const workspaceId = session.workspace.id;
  const profile = useQuery({
    queryKey: profileQueryKey(workspaceId, ticket.profileId),
    queryFn: () => profilesApi.get(ticket.profileId),
  });
  const events = useQuery({
    queryKey: [...profilesQueryKey(workspaceId), 'recent-events', ticket.profileId],
    queryFn: () => profilesApi.timeline(ticket.profileId, '', null),
    refetchInterval: LIVE_REFRESH_MS,
  });
  const name = (traits: Record<string, unknown>) =>
    [traits.name, traits.first_name, traits.firstName].find((v) => typeof v === 'string') as
      | string
      | undefined;

  return (
    <Stack gap="sm" component="aside" aria-label="Customer">
      <QueryState isPending={profile.isPending} error={profile.error} refetch={profile.refetch}>
        {profile.data && (
          <>
            <Side title="Customer">
              <Anchor component={Link} to={`/people/${encodeURIComponent(ticket.profileId)}`} fw={600}>
                {name(profile.data.traits) ?? ticket.requesterEmail ?? ticket.profileId}
              </Anchor>
              {ticket.requesterEmail && (
                <Text size="sm" c="dimmed">
                  {ticket.requesterEmail}
                </Text>
              )}
              {profile.data.companies.length > 0 && (
                <Text size="sm">{profile.data.companies.map((c) => c.name).join(', ')}</Text>
              )}
            </Side>
            <Side title="Traits">
              <KeyValueTable label="Traits" values={profile.data.traits} empty="No traits." />
            </Side>
            <Side title="Computed traits">
              <KeyValueTable
                label="Computed traits"
                values={profile.data.computedTraits}
                empty="No computed traits."
              />
            </Side>
            <Side title="Audiences">
              {profile.data.audiences.length === 0 ? (
                <Text c="dimmed" size="sm">
                  In no audience.
                </Text>
              ) : (
                <Group gap={4}>
                  {profile.data.audiences.map((a) => (
                    <Badge key={a.id} variant="light">
                      {a.name}
                    </Badge>
                  ))}
                </Group>
              )}
            </Side>
          </>
        )}
      </QueryState>
      <Side title="Recent events">
        {(events.data?.data ?? []).length === 0 ? (
          <Text c="dimmed" size="sm">
            No events yet.
          </Text>
        ) : (
          <Table aria-label="Recent events" fz="sm">
            <Table.Tbody>
              {(events.data?.data ?? []).slice(0, RECENT_EVENTS).map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td>{eventLabel(event)}</Table.Td>
                  <Table.Td c="dimmed">{formatDate(event.timestamp)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Side>
      <Side title="Orders">
        <CustomerOrders profileId={ticket.profileId} />
      </Side>
      <Side title="Deals">
        <CustomerDeals profileId={ticket.profileId} />
      </Side>
      <Side title="Other tickets">
        <OtherTickets ticket={ticket} canWork={canWork} />
      </Side>
    </Stack>
  );
}

/** Segment's e-commerce spec names a purchase so; the sidebar lists the latest ones. */
const ORDER_EVENT = 'Order Completed';
const RECENT_ORDERS = 5;

/** The customer's latest orders (their `Order Completed` events): id, total, items, date. */
function CustomerOrders({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const orders = useQuery({
    queryKey: [...profilesQueryKey(session.workspace.id), 'orders', profileId],
    queryFn: () => profilesApi.timeline(profileId, ORDER_EVENT, null),
    refetchInterval: LIVE_REFRESH_MS,
  });
  const list = (orders.data?.data ?? []).slice(0, RECENT_ORDERS);
  if (list.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No orders yet.
      </Text>
    );
  return (
    <Table aria-label="Orders" fz="sm">
      <Table.Tbody>
        {list.map((order) => {
          const { order_id, orderId, total, revenue, currency, products } = order.properties;
          const amount = typeof total === 'number' ? total : typeof revenue === 'number' ? revenue : null;
          const items = Array.isArray(products) ? products.length : null;
          return (
            <Table.Tr key={order.id}>
              <Table.Td>{String(order_id ?? orderId ?? '—')}</Table.Td>
              <Table.Td>
                {amount === null ? '' : formatMoney(amount, typeof currency === 'string' ? currency : 'USD')}
                {items !== null && (
                  <Text span c="dimmed" size="xs">
                    {' '}
                    · {items} {items === 1 ? 'item' : 'items'}
                  </Text>
                )}
              </Table.Td>
              <Table.Td c="dimmed">{formatDate(order.timestamp)}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** The customer's deals, compact: name, amount, status. */
function CustomerDeals({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const deals = useQuery({
    queryKey: [...dealsQueryKey(session.workspace.id), 'of-profile', profileId],
    queryFn: () => dealsApi.list({ profileId }, null, 100),
  });
  const list = deals.data?.data ?? [];
  if (list.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No deals with this customer.
      </Text>
    );
  return (
    <Stack gap={6}>
      {list.map((deal) => (
        <Group key={deal.id} justify="space-between" wrap="nowrap">
          <Anchor component={Link} to={`/deals/${encodeURIComponent(deal.id)}`} size="sm" lineClamp={1}>
            {deal.name}
          </Anchor>
          <Group gap={6} wrap="nowrap">
            <Text size="sm">{formatMoney(deal.amount, deal.currency)}</Text>
            <DealStatusBadge status={deal.status} />
          </Group>
        </Group>
      ))}
    </Stack>
  );
}

/** The requester's other tickets; an open one can be merged into this one (a duplicate). */
function OtherTickets({ ticket, canWork }: { ticket: TicketDetail; canWork: boolean }) {
  const session = useCurrentSession();
  const others = useQuery({
    queryKey: [...ticketsQueryKey(session.workspace.id), 'of-profile', ticket.profileId],
    queryFn: () => ticketsApi.list({ profileId: ticket.profileId }, null, 20),
  });
  const merge = useTicketMutation(ticketsApi.merge);
  const list = (others.data?.data ?? []).filter((t) => t.id !== ticket.id);
  if (list.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No other tickets.
      </Text>
    );
  return (
    <Stack gap={6}>
      {list.map((other) => (
        <Group key={other.id} justify="space-between" wrap="nowrap">
          <Anchor component={Link} to={`/tickets/${encodeURIComponent(other.id)}`} size="sm" lineClamp={1}>
            #{other.number} {other.subject}
          </Anchor>
          <Group gap={4} wrap="nowrap">
            <TicketStatusBadge status={other.status} />
            {canWork && other.mergedInto === null && other.status !== 'closed' && (
              <Button
                size="compact-xs"
                variant="subtle"
                loading={merge.isPending}
                onClick={() => merge.mutate({ id: ticket.id, ticketIds: [other.id] })}
                aria-label={`Merge ticket ${other.number} into this one`}
              >
                Merge here
              </Button>
            )}
          </Group>
        </Group>
      ))}
    </Stack>
  );
}

function Side({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={title}>
      <Title order={4} mb="xs">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
