import { Button, CopyButton, Group, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { consentApi } from './consent-api';

/**
 * Makes the person's public preference page link (email topics and consent purposes, no login),
 * to send them or open: whoever holds it can change their choices, so it is made on demand.
 */
export function PreferenceLinkButton({ profileId }: { profileId: string }) {
  const link = useMutation({ mutationFn: () => consentApi.preferenceLink(profileId) });
  if (!link.data)
    return (
      <Group gap="xs">
        <Button variant="default" size="xs" onClick={() => link.mutate()} loading={link.isPending}>
          Preference page link
        </Button>
        {link.error && (
          <Text size="sm" c="red" role="alert">
            {errorMessage(link.error)}
          </Text>
        )}
      </Group>
    );
  return (
    <Group gap="xs">
      <Button component="a" href={link.data.url} target="_blank" rel="noreferrer" variant="default" size="xs">
        Open the preference page
      </Button>
      <CopyButton value={link.data.url}>
        {({ copied, copy }) => (
          <Button variant="subtle" size="xs" onClick={copy}>
            {copied ? 'Copied' : 'Copy link'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
