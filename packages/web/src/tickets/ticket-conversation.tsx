import { Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import type { TicketDetail, TicketMessage } from '@tandem/contract';
import { useCrmMembers } from '../people/use-crm-members';
import { formatDate } from '../shared/format-date';
import { ticketsApi } from './tickets-api';

/** The conversation, oldest first: the customer's messages, public replies, and internal notes set apart. */
export function TicketConversation({ ticket }: { ticket: TicketDetail }) {
  const members = useCrmMembers();
  const author = (message: TicketMessage) =>
    message.direction === 'inbound'
      ? message.from || 'Customer'
      : (members.nameOf(message.authorId) ?? message.from ?? 'Agent');
  return (
    <Stack gap="sm" component="section" aria-label="Conversation">
      {ticket.messages.length === 0 && <Text c="dimmed">No messages yet.</Text>}
      {ticket.messages.map((message) => {
        const note = !message.public;
        return (
          <Paper
            key={message.id}
            withBorder
            p="sm"
            component="article"
            aria-label={
              note ? 'Internal note' : message.direction === 'inbound' ? 'Customer message' : 'Public reply'
            }
            bg={
              note
                ? 'var(--mantine-color-yellow-light)'
                : message.direction === 'outbound'
                  ? 'var(--mantine-color-blue-light)'
                  : undefined
            }
            style={note ? { borderStyle: 'dashed', borderColor: 'var(--mantine-color-yellow-6)' } : undefined}
            ml={message.direction === 'outbound' ? 'xl' : 0}
            mr={message.direction === 'inbound' ? 'xl' : 0}
          >
            <Group justify="space-between" mb={4}>
              <Group gap="xs">
                <Text fw={600} size="sm">
                  {author(message)}
                </Text>
                {note && (
                  <Badge color="yellow" variant="filled" size="sm">
                    Internal note
                  </Badge>
                )}
                {message.channel === 'email' && (
                  <Badge variant="outline" size="sm">
                    Email
                  </Badge>
                )}
                {message.delivery && (
                  <Badge
                    size="sm"
                    variant="light"
                    color={
                      message.delivery.status === 'failed'
                        ? 'red'
                        : message.delivery.status === 'sent'
                          ? 'green'
                          : 'gray'
                    }
                    title={message.delivery.error}
                  >
                    {message.delivery.status}
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed">
                {formatDate(message.at)}
              </Text>
            </Group>
            <Text style={{ whiteSpace: 'pre-wrap' }}>{message.body}</Text>
            {message.attachments.length > 0 && (
              <Group gap="xs" mt="xs">
                <Text size="sm" c="dimmed">
                  Attachments:
                </Text>
                {message.attachments.map((file) => (
                  <Anchor key={file.id} href={ticketsApi.attachmentUrl(ticket.id, file.id)} size="sm">
                    {file.filename} ({Math.ceil(file.size / 1024)} KB)
                  </Anchor>
                ))}
              </Group>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}
