import { Group, Stack, Text } from '@mantine/core';
import { ConsentBadge } from './consent-badge';
import { useProfileConsent, usePurposeLabels } from './consent-queries';

/** The profile sidebar's glance at consent: each purpose, granted or refused. */
export function ConsentSummary({ profileId }: { profileId: string }) {
  const consent = useProfileConsent(profileId);
  const labelOf = usePurposeLabels();
  if (consent.error)
    return (
      <Text size="sm" c="red" role="alert">
        Could not load consent.
      </Text>
    );
  if (!consent.data) return null;
  return (
    <Stack gap={4} aria-label="Consent summary">
      {Object.entries(consent.data.purposes).map(([key, state]) => (
        <Group key={key} justify="space-between" gap="xs">
          <Text size="sm">{labelOf.get(key) ?? key}</Text>
          <ConsentBadge granted={state.granted} />
        </Group>
      ))}
    </Stack>
  );
}
