import { Code, List, Paper, Title } from '@mantine/core';
import type { Mailbox, MailChannelStatus } from '@tandem/contract';

/** How mail sent to an address reaches the listener: MX records, or forwarding from a mail host. */
export function ForwardingHint({
  mailboxes,
  channel,
}: {
  mailboxes: readonly Mailbox[];
  channel: MailChannelStatus;
}) {
  const first = mailboxes[0];
  if (!first) return null;
  const domain = first.address.slice(first.address.indexOf('@') + 1);
  const smtpPort =
    channel.listening && channel.listenAddress
      ? `port ${channel.listenAddress.slice(channel.listenAddress.lastIndexOf(':') + 1)}`
      : 'port (TANDEM_SMTP_LISTEN)';
  const replyAddress = first.address.replace('@', '+t_…@');
  return (
    <Paper withBorder p="sm" component="section" aria-label="Getting mail to Tandem">
      <Title order={4} mb="xs">
        Getting mail to Tandem
      </Title>
      <List spacing={4} size="sm">
        <List.Item>
          Forward from your mail host (Google Workspace, Microsoft 365…): forward <Code>{first.address}</Code>{' '}
          to a host that relays to this server’s SMTP {smtpPort}, keeping the original headers.
        </List.Item>
        <List.Item>
          Or receive directly: point an MX record of <Code>{domain}</Code> (or a subdomain such as{' '}
          <Code>support.{domain}</Code>) at this server, with port 25 forwarded to its SMTP {smtpPort}.
        </List.Item>
        <List.Item>
          Replies go out from the mailbox’s address with a per-ticket reply address (
          <Code>{replyAddress}</Code>
          ): allow your relay to send as <Code>{domain}</Code> (SPF, DKIM).
        </List.Item>
      </List>
    </Paper>
  );
}
