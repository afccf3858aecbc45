import { Stack, Title } from '@mantine/core';
import { MembersSection } from './members-section';
import { TokensSection } from './tokens-section';

export function SettingsPage() {
  return (
    <Stack gap="xl">
      <Title order={2}>Settings</Title>
      <MembersSection />
      <TokensSection />
    </Stack>
  );
}
