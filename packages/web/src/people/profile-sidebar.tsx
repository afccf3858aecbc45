import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Profile } from '@tandem/contract';
import type { ReactNode } from 'react';
import { ConsentSummary } from '../consent/consent-summary';
import { PersonalValue } from '../pii/masked-badge';
import { formatDate } from '../shared/format-date';
import { KeyValueTable } from '../shared/key-value-table';

/** How Tandem knows this person and what they belong to. */
export function ProfileSidebar({ profile }: { profile: Profile }) {
  return (
    <Stack>
      <SideSection title="Identities">
        <Table aria-label="Identities">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Type</Table.Th>
              <Table.Th>Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {profile.identities.map((identity) => (
              <Table.Tr key={`${identity.type}:${identity.value}`}>
                <Table.Td>{identity.type}</Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <PersonalValue value={identity.value}>{identity.value}</PersonalValue>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </SideSection>
      <SideSection title="Companies">
        {profile.companies.length === 0 ? (
          <Text c="dimmed" size="sm">
            Not linked to a company.
          </Text>
        ) : (
          <Stack gap={4}>
            {profile.companies.map((company) => (
              <Text key={company.id}>{company.name}</Text>
            ))}
          </Stack>
        )}
      </SideSection>
      <SideSection title="Audiences">
        {profile.audiences.length === 0 ? (
          <Text c="dimmed" size="sm">
            In no audience.
          </Text>
        ) : (
          <Stack gap={4}>
            {profile.audiences.map((audience) => (
              <Text key={audience.id}>
                {audience.name}{' '}
                <Text span c="dimmed" size="sm">
                  since {formatDate(audience.enteredAt)}
                </Text>
              </Text>
            ))}
          </Stack>
        )}
      </SideSection>
      <SideSection title="Consent">
        <ConsentSummary profileId={profile.id} />
      </SideSection>
      <SideSection title="Computed traits">
        <KeyValueTable label="Computed traits" values={profile.computedTraits} empty="No computed traits." />
      </SideSection>
    </Stack>
  );
}

function SideSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={title}>
      <Title order={4} mb="xs">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
