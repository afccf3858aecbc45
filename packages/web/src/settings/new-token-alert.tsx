import { Alert, Button, Code, CopyButton, Group, Text } from '@mantine/core';
import type { CreatedApiToken } from './settings-api';

type NewTokenAlertProps = { token: CreatedApiToken; onClose: () => void };

export function NewTokenAlert({ token, onClose }: NewTokenAlertProps) {
  return (
    <Alert
      color="green"
      title={`Token "${token.name}" created`}
      withCloseButton
      closeButtonLabel="Dismiss token"
      onClose={onClose}
    >
      <Text size="sm" mb="xs">
        Copy the secret now. It is shown only once and cannot be recovered.
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Code aria-label="New token secret" style={{ wordBreak: 'break-all' }}>
          {token.token}
        </Code>
        <CopyButton value={token.token}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="light" onClick={copy}>
              {copied ? 'Copied' : 'Copy secret'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Alert>
  );
}
