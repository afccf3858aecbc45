import { Anchor, Table, Text } from '@mantine/core';
import type { ProfileSummary } from '@tandem/contract';
import { Link } from 'react-router';
import { PersonalValue } from '../pii/masked-badge';
import { formatDate } from '../shared/format-date';
import { IdentityBadges } from './identity-badges';
import { profileEmail, profileName } from './profile-name';

type ProfilesTableProps = { profiles: readonly ProfileSummary[]; searched: boolean };

export function ProfilesTable({ profiles, searched }: ProfilesTableProps) {
  if (profiles.length === 0) {
    return (
      <Text c="dimmed">
        {searched
          ? 'Nobody matches this search.'
          : 'No people yet. A profile appears as soon as a source sends an event.'}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table aria-label="People" striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Identifiers</Table.Th>
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {profiles.map((profile) => (
            <Table.Tr key={profile.id}>
              <Table.Td>
                <Anchor component={Link} to={`/people/${encodeURIComponent(profile.id)}`} fw={500}>
                  <PersonalValue value={profileName(profile)}>{profileName(profile)}</PersonalValue>
                </Anchor>
              </Table.Td>
              <Table.Td>
                <PersonalValue value={profileEmail(profile)}>{profileEmail(profile) ?? '—'}</PersonalValue>
              </Table.Td>
              <Table.Td>
                <IdentityBadges identities={profile.identities} />
              </Table.Td>
              <Table.Td>{formatDate(profile.updatedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
