import type { InboundEmail, Mailbox, MailboxList, NewMailbox, UpdateMailbox } from '@tandem/contract';
import { apiClient } from '../api/api-client';

const mailboxPath = (mailboxId: string) => `/api/v1/mailboxes/${encodeURIComponent(mailboxId)}`;

export const mailboxesQueryKey = (workspaceId: string) => ['workspace', workspaceId, 'mailboxes'] as const;

export const mailboxesApi = {
  list: () => apiClient.get<MailboxList>('/api/v1/mailboxes'),
  create: (input: NewMailbox) => apiClient.post<Mailbox>('/api/v1/mailboxes', input),
  update: (input: { mailboxId: string; patch: UpdateMailbox }) =>
    apiClient.patch<Mailbox>(mailboxPath(input.mailboxId), input.patch),
  remove: (mailboxId: string) => apiClient.delete(mailboxPath(mailboxId)),
  recentMail: () => apiClient.get<{ data: InboundEmail[] }>('/api/v1/mailboxes/recent-mail?limit=20'),
};
