import { Alert, Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import type { InFlight } from './journeys-api';

type PublishDialogProps = {
  opened: boolean;
  onClose: () => void;
  /** The live version people may be in (0: never published). */
  liveVersion: number;
  pending: boolean;
  error: unknown;
  onPublish: (inFlight: InFlight) => void;
};

/** Confirms a publish; with a live version, asks whether people in flight stay on it or move. */
export function PublishDialog({
  opened,
  onClose,
  liveVersion,
  pending,
  error,
  onPublish,
}: PublishDialogProps) {
  const [inFlight, setInFlight] = useState<InFlight>('stay');
  return (
    <Modal opened={opened} onClose={onClose} title="Publish journey">
      <Stack>
        {liveVersion > 0 ? (
          <Radio.Group
            label={`People already in version ${liveVersion}`}
            value={inFlight}
            onChange={(value) => setInFlight(value === 'migrate' ? 'migrate' : 'stay')}
          >
            <Stack gap="xs" mt="xs">
              <Radio value="stay" label={`Stay on version ${liveVersion} until they finish`} />
              <Radio
                value="migrate"
                label="Move to the new version at their current step (when it still exists)"
              />
            </Stack>
          </Radio.Group>
        ) : (
          <Text size="sm">
            Once published, people who match the entry start the journey. You can pause it at any time.
          </Text>
        )}
        {error ? (
          <Alert color="red" variant="light" role="alert" title="Could not publish">
            {errorMessage(error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={pending} onClick={() => onPublish(inFlight)}>
            Publish {liveVersion > 0 ? `version ${liveVersion + 1}` : ''}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
