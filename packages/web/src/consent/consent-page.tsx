import { Code, Stack, Text, Title } from '@mantine/core';
import { ConsentDefaultSection } from './consent-default-section';
import { ConsentOverviewSection } from './consent-overview-section';
import { PurposesSection } from './purposes-section';

/** `/consent`: what Tandem may use people's data for, and what it assumes when they never said. */
export function ConsentPage() {
  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={2}>Consent</Title>
        <Text c="dimmed" size="sm" maw={760}>
          People grant or refuse each purpose. Their choices arrive with events (Segment’s{' '}
          <Code>context.consent.categoryPreferences</Code>), or are recorded on their profile. A destination
          that needs a purpose sends nothing about a person who has not granted it, and an audience requiring
          one admits only people who granted it.
        </Text>
      </div>
      <ConsentOverviewSection />
      <ConsentDefaultSection />
      <PurposesSection />
    </Stack>
  );
}
