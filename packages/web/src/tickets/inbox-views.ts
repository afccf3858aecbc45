import type { TicketFilter } from './tickets-api';

const WORKING = 'new,open,pending,on_hold';

/** The inbox's views: each a filter of the list endpoint. */
export const INBOX_VIEWS = [
  { value: 'open', label: 'Open', filter: { status: 'new,open' } },
  { value: 'mine', label: 'Mine', filter: { view: 'mine', status: WORKING } },
  { value: 'unassigned', label: 'Unassigned', filter: { view: 'unassigned', status: WORKING } },
  { value: 'pending', label: 'Pending', filter: { status: 'pending,on_hold' } },
  { value: 'sla', label: 'SLA at risk', filter: { view: 'sla_at_risk' } },
  { value: 'solved', label: 'Solved', filter: { status: 'solved,closed' } },
  { value: 'all', label: 'All', filter: {} },
] as const satisfies readonly { value: string; label: string; filter: TicketFilter }[];

export type InboxView = (typeof INBOX_VIEWS)[number]['value'];

export function inboxViewOf(value: string | null): (typeof INBOX_VIEWS)[number] {
  return INBOX_VIEWS.find((v) => v.value === value) ?? INBOX_VIEWS[0];
}
