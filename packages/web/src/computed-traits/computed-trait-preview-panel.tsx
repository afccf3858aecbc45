import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { ComputedTraitPreview } from '@tandem/contract';
import { ProfileLink } from '../rules/profile-link';
import { formatValue } from '../shared/format-value';

type PreviewPanelProps = {
  preview: ComputedTraitPreview | undefined;
  event: string;
};

/** The values a definition gives on sample profiles, before it is saved. */
export function ComputedTraitPreviewPanel({ preview, event }: PreviewPanelProps) {
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Preview">
      <Title order={4} mb="xs">
        Preview
      </Title>
      {!preview ? (
        <Text size="sm" c="dimmed">
          Preview computes the trait on people who recently performed {event ? `“${event}”` : 'the event'},
          without saving anything.
        </Text>
      ) : preview.profiles === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody has performed {event ? `“${event}”` : 'this event'} yet, so there is no value to show.
        </Text>
      ) : (
        <Stack gap="xs">
          <Text fw={600} aria-label="Preview summary">
            {preview.withValue} of {preview.profiles} sampled{' '}
            {preview.profiles === 1 ? 'person has' : 'people have'} a value
          </Text>
          <Table aria-label="Preview values" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Person</Table.Th>
                <Table.Th>Value</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.sample.map(({ profileId, value }) => (
                <Table.Tr key={profileId}>
                  <Table.Td>
                    <ProfileLink profileId={profileId} />
                  </Table.Td>
                  <Table.Td ff="monospace">{formatValue(value)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Paper>
  );
}
