import { Stack, Text, Title } from '@mantine/core';
import { FrequencyCapSection } from './frequency-cap-section';
import { SuppressionsSection } from './suppressions-section';
import { TopicsSection } from './topics-section';

/** `/email-preferences`: subscription topics, the frequency cap, and addresses that get no email. */
export function EmailPreferencesPage() {
  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={2}>Email preferences</Title>
        <Text c="dimmed" size="sm" maw={760}>
          Marketing email goes only to people who granted the marketing purpose and are subscribed to its
          topic; every email carries a one-click unsubscribe link and a link to the person’s preference page.
          Transactional email skips topics and consent, but never reaches a suppressed address.
        </Text>
      </div>
      <TopicsSection />
      <FrequencyCapSection />
      <SuppressionsSection />
    </Stack>
  );
}
