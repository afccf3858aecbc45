import { Grid, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import type { Profile } from '@tandem/contract';
import { ProfileConsentPanel } from '../consent/profile-consent-panel';
import { formatDate } from '../shared/format-date';
import { KeyValueTable } from '../shared/key-value-table';
import { MergeHistory } from './merge-history';
import { profileEmail, profileName } from './profile-name';
import { ProfileSidebar } from './profile-sidebar';
import { ProfileTimeline } from './profile-timeline';

/** A loaded profile: who they are at the top, what they did in the middle, how we know them aside. */
export function ProfileView({ profile }: { profile: Profile }) {
  const email = profileEmail(profile);
  const name = profileName(profile);
  return (
    <Stack>
      <div>
        <Title order={2}>{name}</Title>
        <Group gap="md" c="dimmed">
          {email && email !== name && <Text size="sm">{email}</Text>}
          <Text size="sm">First seen {formatDate(profile.createdAt)}</Text>
          <Text size="sm">Updated {formatDate(profile.updatedAt)}</Text>
          <Text size="sm" ff="monospace">
            {profile.id}
          </Text>
        </Group>
      </div>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Tabs defaultValue="activity" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="activity">Activity</Tabs.Tab>
              <Tabs.Tab value="traits">Traits</Tabs.Tab>
              <Tabs.Tab value="consent">Consent</Tabs.Tab>
              <Tabs.Tab value="merges">Merge history</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="activity" pt="md">
              <ProfileTimeline profileId={profile.id} />
            </Tabs.Panel>
            <Tabs.Panel value="traits" pt="md">
              <KeyValueTable label="Traits" values={profile.traits} empty="No traits yet." />
            </Tabs.Panel>
            <Tabs.Panel value="consent" pt="md">
              <ProfileConsentPanel profileId={profile.id} />
            </Tabs.Panel>
            <Tabs.Panel value="merges" pt="md">
              <MergeHistory profileId={profile.id} />
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ProfileSidebar profile={profile} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
