import { Grid, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import type { Profile } from '@tandem/contract';
import { ProfileConsentPanel } from '../consent/profile-consent-panel';
import { PersonDeals } from '../deals/person-deals';
import { ProfileEmailPanel } from '../email-preferences/profile-email-panel';
import { PersonJourneys } from '../journeys/person-journeys';
import { LeadScoreCard } from '../lead-scoring/lead-score-card';
import { PersonalValue } from '../pii/masked-badge';
import { PersonPredictionsCard } from '../predictions/person-predictions-card';
import { PersonSequences } from '../sequences/person-sequences';
import { formatDate } from '../shared/format-date';
import { KeyValueTable } from '../shared/key-value-table';
import { ActivitiesList } from './activities-list';
import { ActivityComposer } from './activity-composer';
import { MergeHistory } from './merge-history';
import { PersonCrmCard } from './person-crm-card';
import { PersonTasks } from './person-tasks';
import { profileEmail, profileName } from './profile-name';
import { ProfileSidebar } from './profile-sidebar';
import { ProfileTimeline } from './profile-timeline';
import { useCanWriteCrm } from './use-crm-members';

/**
 * A loaded profile, the person 360: who they are at the top; what they did and what the team
 * logged in the middle; the relationship (owner, stage, tags, fields), tasks and how we know
 * them aside.
 */
export function ProfileView({ profile }: { profile: Profile }) {
  const email = profileEmail(profile);
  const name = profileName(profile);
  const canWrite = useCanWriteCrm();
  return (
    <Stack>
      <div>
        <Title order={2}>
          <PersonalValue value={name}>{name}</PersonalValue>
        </Title>
        <Group gap="md" c="dimmed">
          {email && email !== name && (
            <Text size="sm">
              <PersonalValue value={email}>{email}</PersonalValue>
            </Text>
          )}
          <Text size="sm">First seen {formatDate(profile.createdAt)}</Text>
          <Text size="sm">Updated {formatDate(profile.updatedAt)}</Text>
          <Text size="sm" ff="monospace">
            {profile.id}
          </Text>
        </Group>
      </div>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          {canWrite && <ActivityComposer target={{ profileId: profile.id }} />}
          <PersonDeals profileId={profile.id} />
          <Tabs defaultValue="activity" keepMounted={false} mt="md">
            <Tabs.List>
              <Tabs.Tab value="activity">Activity</Tabs.Tab>
              <Tabs.Tab value="logged">Notes and calls</Tabs.Tab>
              <Tabs.Tab value="traits">Traits</Tabs.Tab>
              <Tabs.Tab value="consent">Consent</Tabs.Tab>
              <Tabs.Tab value="email">Email</Tabs.Tab>
              <Tabs.Tab value="journeys">Journeys</Tabs.Tab>
              <Tabs.Tab value="merges">Merge history</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="activity" pt="md">
              <ProfileTimeline profileId={profile.id} />
            </Tabs.Panel>
            <Tabs.Panel value="logged" pt="md">
              <ActivitiesList target={{ profileId: profile.id }} />
            </Tabs.Panel>
            <Tabs.Panel value="traits" pt="md">
              <KeyValueTable label="Traits" values={profile.traits} empty="No traits yet." />
            </Tabs.Panel>
            <Tabs.Panel value="consent" pt="md">
              <ProfileConsentPanel profileId={profile.id} />
            </Tabs.Panel>
            <Tabs.Panel value="email" pt="md">
              <ProfileEmailPanel profileId={profile.id} />
            </Tabs.Panel>
            <Tabs.Panel value="journeys" pt="md">
              <PersonJourneys profileId={profile.id} />
            </Tabs.Panel>
            <Tabs.Panel value="merges" pt="md">
              <MergeHistory profileId={profile.id} />
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <LeadScoreCard profileId={profile.id} />
            <PersonPredictionsCard profileId={profile.id} />
            <PersonCrmCard key={profile.id} profileId={profile.id} />
            <PersonTasks profileId={profile.id} />
            <PersonSequences profileId={profile.id} />
            <ProfileSidebar profile={profile} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
