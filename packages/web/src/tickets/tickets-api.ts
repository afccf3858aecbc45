import type {
  BulkUpdateTickets,
  CannedReply,
  CreateCannedReply,
  CreateTicket,
  CreateTicketReply,
  TicketDetail,
  TicketListItem,
  TicketListQuery,
  TicketPriority,
  TicketReport,
  TicketStatus,
  UpdateCannedReply,
  UpdateTicket,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const ticketPath = (ticketId: string) => `/api/v1/tickets/${encodeURIComponent(ticketId)}`;
const cannedPath = (id: string) => `/api/v1/canned-replies/${encodeURIComponent(id)}`;

export type TicketFilter = Partial<Omit<TicketListQuery, 'limit' | 'cursor'>>;

export const ticketsApi = {
  list: (filter: TicketFilter, cursor: string | null, limit = 50) =>
    apiClient.get<Page<TicketListItem>>(withPage('/api/v1/tickets', { ...filter, limit, cursor })),
  get: (ticketId: string) => apiClient.get<TicketDetail>(ticketPath(ticketId)),
  create: (ticket: CreateTicket) => apiClient.post<TicketDetail>('/api/v1/tickets', ticket),
  update: ({ id, ...patch }: UpdateTicket & { id: string }) =>
    apiClient.patch<TicketDetail>(ticketPath(id), patch),
  reply: ({ id, ...reply }: CreateTicketReply & { id: string }) =>
    apiClient.post<TicketDetail>(`${ticketPath(id)}/replies`, reply),
  bulk: (change: BulkUpdateTickets) =>
    apiClient.post<{ updated: number; ticketIds: string[] }>('/api/v1/tickets/bulk', change),
  merge: ({ id, ticketIds }: { id: string; ticketIds: string[] }) =>
    apiClient.post<TicketDetail>(`${ticketPath(id)}/merge`, { ticketIds }),
  setDeals: ({ id, dealIds }: { id: string; dealIds: string[] }) =>
    apiClient.put<TicketDetail>(`${ticketPath(id)}/deals`, { dealIds }),
  renderCanned: (ticketId: string, cannedReplyId: string) =>
    apiClient.get<{ body: string }>(
      `${ticketPath(ticketId)}/canned-replies/${encodeURIComponent(cannedReplyId)}`,
    ),
  report: (from: string | null, to: string | null) =>
    apiClient.get<TicketReport>(withPage('/api/v1/ticket-reports', { from, to })),
  attachmentUrl: (ticketId: string, attachmentId: string) =>
    `${ticketPath(ticketId)}/attachments/${encodeURIComponent(attachmentId)}`,
};

export const cannedRepliesApi = {
  list: () => apiClient.get<Page<CannedReply>>('/api/v1/canned-replies'),
  create: (input: CreateCannedReply) => apiClient.post<CannedReply>('/api/v1/canned-replies', input),
  update: ({ id, ...patch }: UpdateCannedReply & { id: string }) =>
    apiClient.patch<CannedReply>(cannedPath(id), patch),
  remove: (id: string) => apiClient.delete(cannedPath(id)),
};

/** Every tickets query of a workspace starts with this key: a change invalidates them all at once. */
export const ticketsQueryKey = (workspaceId: string) => ['tickets', workspaceId] as const;
export const ticketKey = (workspaceId: string, ticketId: string) =>
  [...ticketsQueryKey(workspaceId), 'ticket', ticketId] as const;
export const cannedRepliesKey = (workspaceId: string) => [...ticketsQueryKey(workspaceId), 'canned'] as const;

/** The inbox and an open ticket look again this often: new mail and colleagues' changes show up. */
export const LIVE_REFRESH_MS = 5000;

export const STATUS_LABELS: Readonly<Record<TicketStatus, string>> = {
  new: 'New',
  open: 'Open',
  pending: 'Pending',
  on_hold: 'On hold',
  solved: 'Solved',
  closed: 'Closed',
};
export const STATUS_COLORS: Readonly<Record<TicketStatus, string>> = {
  new: 'yellow',
  open: 'red',
  pending: 'blue',
  on_hold: 'gray',
  solved: 'green',
  closed: 'dark',
};
export const PRIORITY_LABELS: Readonly<Record<TicketPriority, string>> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};
export const PRIORITY_COLORS: Readonly<Record<TicketPriority, string>> = {
  low: 'gray',
  normal: 'blue',
  high: 'orange',
  urgent: 'red',
};
export const statusOptions = Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }));
export const priorityOptions = Object.entries(PRIORITY_LABELS).map(([value, label]) => ({ value, label }));
