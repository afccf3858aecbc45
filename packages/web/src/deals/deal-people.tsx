import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import {
  DEAL_ROLES,
  type DealDetail,
  type DealPerson,
  type DealRole,
  DealRoleSchema,
} from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { profileQueryKey, profilesApi } from '../people/people-api';
import { profileName } from '../people/profile-name';
import { ROLE_LABELS } from './deals-api';
import { PersonPicker } from './person-picker';
import { useUpdateDeal } from './use-update-deal';

const ROLE_OPTIONS = DEAL_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
const roleOf = (value: string | null): DealRole => DealRoleSchema.catch('other').parse(value);

/** The people on a deal and what each is to it: change a role, remove someone, add someone. */
export function DealPeople({ deal, canEdit }: { deal: DealDetail; canEdit: boolean }) {
  const { setPeople } = useUpdateDeal(deal.id);
  const [person, setPerson] = useState<string | null>(null);
  const [role, setRole] = useState<DealRole>('decision_maker');
  const save = (people: DealPerson[]) => setPeople.mutate(people);
  return (
    <Paper withBorder p="md" radius="md">
      <Stack>
        <Title order={3} size="h4">
          People
        </Title>
        {deal.people.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nobody is on this deal yet.
          </Text>
        ) : (
          <Table aria-label="People on the deal">
            <Table.Tbody>
              {deal.people.map((p) => (
                <Table.Tr key={p.profileId}>
                  <Table.Td>
                    <PersonName profileId={p.profileId} />
                  </Table.Td>
                  <Table.Td w={190}>
                    <Select
                      aria-label={`Role of ${p.profileId}`}
                      allowDeselect={false}
                      disabled={!canEdit}
                      data={ROLE_OPTIONS}
                      value={p.role}
                      onChange={(value) =>
                        save(
                          deal.people.map((q) =>
                            q.profileId === p.profileId ? { ...q, role: roleOf(value) } : q,
                          ),
                        )
                      }
                    />
                  </Table.Td>
                  {canEdit && (
                    <Table.Td w={40}>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${p.profileId} from the deal`}
                        onClick={() => save(deal.people.filter((q) => q.profileId !== p.profileId))}
                      >
                        ✕
                      </ActionIcon>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {canEdit && (
          <Stack gap="xs">
            <PersonPicker
              label="Add a person"
              value={person}
              onChange={setPerson}
              exclude={deal.people.map((p) => p.profileId)}
            />
            <Group align="flex-end">
              <Select
                label="Role"
                allowDeselect={false}
                data={ROLE_OPTIONS}
                value={role}
                onChange={(v) => setRole(roleOf(v))}
                flex={1}
              />
              <Button
                disabled={!person}
                loading={setPeople.isPending}
                onClick={() => {
                  if (!person) return;
                  setPeople.mutate([...deal.people, { profileId: person, role }], {
                    onSuccess: () => setPerson(null),
                  });
                }}
              >
                Add
              </Button>
            </Group>
          </Stack>
        )}
        {setPeople.error && (
          <Alert color="red" role="alert">
            {errorMessage(setPeople.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function PersonName({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const profile = useQuery({
    queryKey: profileQueryKey(session.workspace.id, profileId),
    queryFn: () => profilesApi.get(profileId),
  });
  return (
    <Anchor component={Link} to={`/people/${encodeURIComponent(profileId)}`} size="sm" fw={500}>
      {profile.data ? profileName(profile.data) : profileId}
    </Anchor>
  );
}
