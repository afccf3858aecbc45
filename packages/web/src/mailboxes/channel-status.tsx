import { Code, List, Paper, Title } from '@mantine/core';
import type { MailChannelStatus } from '@tandem/contract';

/** Whether this server receives mail (the SMTP listener) and can send replies (the relay). */
export function ChannelStatus({ channel }: { channel: MailChannelStatus }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label="Email channel">
      <Title order={4} mb="xs">
        Email channel
      </Title>
      <List spacing={4} size="sm">
        <List.Item>
          <ListenerState channel={channel} />
        </List.Item>
        <List.Item>
          {channel.relayConfigured ? (
            'Sending replies through the configured relay.'
          ) : (
            <>
              Replies cannot be sent: no relay (set <Code>TANDEM_SMTP_URL</Code>); they are marked failed on
              the ticket.
            </>
          )}
        </List.Item>
      </List>
    </Paper>
  );
}

function ListenerState({ channel }: { channel: MailChannelStatus }) {
  if (channel.listening) {
    return (
      <>
        Receiving mail: SMTP listener on <Code>{channel.listenAddress}</Code>.
      </>
    );
  }
  if (channel.listenAddress) {
    return (
      <>
        Not receiving mail: <Code>TANDEM_SMTP_LISTEN</Code> is set (<Code>{channel.listenAddress}</Code>) but
        the listener is not running; see the server log.
      </>
    );
  }
  return (
    <>
      Not receiving mail: set <Code>TANDEM_SMTP_LISTEN</Code> (e.g. <Code>0.0.0.0:2525</Code>) to start the
      SMTP listener.
    </>
  );
}
