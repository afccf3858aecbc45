import { Alert, Anchor, Grid, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { ActivitiesList } from '../people/activities-list';
import { ActivityComposer } from '../people/activity-composer';
import { crmQueryKey } from '../people/crm-api';
import { useCanWriteCrm } from '../people/use-crm-members';
import { formatDate } from '../shared/format-date';
import { KeyValueTable } from '../shared/key-value-table';
import { QueryState } from '../shared/query-state';
import { companiesApi } from './companies-api';
import { CompanyDetailsCard } from './company-details-card';
import { CompanyDuplicates } from './company-duplicates';
import { CompanyPeople } from './company-people';

/** `/companies/:id`: one account, its people, what the team logged, its duplicates to merge. */
export function CompanyPage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const canWrite = useCanWriteCrm();
  const key = [...crmQueryKey(session.workspace.id), 'company', id];
  const company = useQuery({ queryKey: key, queryFn: () => companiesApi.get(id) });
  const shown = company.data;
  useEffect(() => {
    // A merged company answers with its survivor: show the survivor's address.
    if (shown && shown.id !== id) navigate(`/companies/${encodeURIComponent(shown.id)}`, { replace: true });
  }, [shown, id, navigate]);
  const onChanged = () => queryClient.invalidateQueries({ queryKey: crmQueryKey(session.workspace.id) });
  return (
    <Stack>
      <Anchor component={Link} to="/companies" size="sm">
        ← Companies
      </Anchor>
      <QueryState isPending={company.isPending} error={company.error} refetch={company.refetch}>
        {shown && (
          <Stack>
            <div>
              <Title order={2}>{shown.name}</Title>
              <Group gap="md" c="dimmed">
                {shown.domains.length > 0 && <Text size="sm">{shown.domains.join(', ')}</Text>}
                <Text size="sm">Created {formatDate(shown.createdAt)}</Text>
                <Text size="sm" ff="monospace">
                  {shown.id}
                </Text>
              </Group>
            </div>
            {shown.mergedIds.length > 0 && (
              <Alert color="gray">
                {shown.mergedIds.length === 1
                  ? 'One company was'
                  : `${shown.mergedIds.length} companies were`}{' '}
                merged into this one.
              </Alert>
            )}
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, md: 8 }}>
                {canWrite && <ActivityComposer target={{ companyId: shown.id }} />}
                <Tabs defaultValue="people" keepMounted={false} mt="md">
                  <Tabs.List>
                    <Tabs.Tab value="people">People ({shown.people.length})</Tabs.Tab>
                    <Tabs.Tab value="logged">Notes and calls</Tabs.Tab>
                    <Tabs.Tab value="traits">Traits</Tabs.Tab>
                  </Tabs.List>
                  <Tabs.Panel value="people" pt="md">
                    <CompanyPeople company={shown} onChanged={onChanged} />
                  </Tabs.Panel>
                  <Tabs.Panel value="logged" pt="md">
                    <ActivitiesList target={{ companyId: shown.id }} />
                  </Tabs.Panel>
                  <Tabs.Panel value="traits" pt="md">
                    <KeyValueTable label="Traits" values={shown.traits} empty="No traits." />
                  </Tabs.Panel>
                </Tabs>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Stack>
                  <CompanyDetailsCard
                    key={shown.id + shown.updatedAt}
                    company={shown}
                    onChanged={onChanged}
                  />
                  <CompanyDuplicates company={shown} onChanged={onChanged} />
                </Stack>
              </Grid.Col>
            </Grid>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
