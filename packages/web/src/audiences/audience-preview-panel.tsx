import { Alert, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import type { AudiencePreview } from '@tandem/contract';
import { errorMessage } from '../api/error-message';
import { ProfileLink } from '../rules/profile-link';

type AudiencePreviewPanelProps = {
  preview: AudiencePreview | undefined;
  /** A new answer is on its way (the shown one may be older than the rule). */
  fetching: boolean;
  error: unknown;
  /** Why there is no preview yet (the rule is incomplete), as a sentence. */
  waitingFor: string | undefined;
};

/** The live size of the audience being edited and a few of its people. */
export function AudiencePreviewPanel({ preview, fetching, error, waitingFor }: AudiencePreviewPanelProps) {
  return (
    <Paper withBorder radius="md" p="md" aria-label="Live preview" role="region">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Who matches now</Title>
        {fetching ? <Loader size="xs" aria-label="Updating preview" /> : null}
      </Group>
      {waitingFor ? (
        <Text size="sm" c="dimmed">
          {waitingFor}
        </Text>
      ) : error ? (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(error)}
        </Alert>
      ) : preview ? (
        <Stack gap="xs">
          <Text size="xl" fw={700} data-testid="preview-count" aria-label="Matching people">
            {preview.count.toLocaleString()} {preview.count === 1 ? 'person' : 'people'}
          </Text>
          {preview.sample.length > 0 ? (
            <>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                For example
              </Text>
              <Stack gap={4} aria-label="Sample of matching people">
                {preview.sample.slice(0, 10).map((profileId) => (
                  <ProfileLink key={profileId} profileId={profileId} />
                ))}
              </Stack>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              Nobody matches these conditions yet.
            </Text>
          )}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          Counting…
        </Text>
      )}
    </Paper>
  );
}
