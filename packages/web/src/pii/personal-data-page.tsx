import { Alert, Button, Group, MultiSelect, Paper, Stack, TagsInput, Text, Title } from '@mantine/core';
import { type PiiSettings, ROLES, type Role, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { roleLabel } from '../shared/role-label';
import { piiApi, piiQueryKey } from './pii-api';
import { useFieldSuggestions, useWarehouses } from './pii-pickers';
import { YourAccessNote } from './your-access-note';

/** Roles that see personal data masked unless their allowlist names the field. */
const MASKED_ROLES = ROLES.filter((role) => !roleAllows(role, 'pii:read'));

/** `/personal-data`: which fields are personal, who sees them, which warehouses receive them. */
export function PersonalDataPage() {
  const session = useCurrentSession();
  const settings = useQuery({
    queryKey: [...piiQueryKey(session.workspace.id), 'settings'],
    queryFn: piiApi.settings,
  });
  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={2}>Personal data</Title>
        <Text c="dimmed" size="sm" maw={760}>
          Traits and CRM custom fields marked personal are masked (<code>j•••@e•••.com</code>,{' '}
          <code>•••</code>) for roles without access to personal data —{' '}
          {MASKED_ROLES.map(roleLabel).join(' and ')} — in the API, the app, exports and warehouse syncs.
          Owners, admins, sales and support see them.
        </Text>
      </div>
      <YourAccessNote />
      <QueryState isPending={settings.isPending} error={settings.error} refetch={settings.refetch}>
        {settings.data && <PersonalDataForm saved={settings.data} />}
      </QueryState>
    </Stack>
  );
}

function PersonalDataForm({ saved }: { saved: PiiSettings }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const canManage = roleAllows(session.role, 'privacy:manage');
  const [fields, setFields] = useState(saved.personalFields);
  const [allowlists, setAllowlists] = useState(saved.roleAllowlists);
  const [destinations, setDestinations] = useState(saved.unmaskedDestinations);
  const suggestions = useFieldSuggestions();
  const warehouses = useWarehouses(destinations);
  const save = useMutation({
    mutationFn: piiApi.update,
    onSuccess: (next) => {
      queryClient.setQueryData([...piiQueryKey(session.workspace.id), 'settings'], next);
      // What is masked changed: every list and profile is read again.
      return queryClient.invalidateQueries();
    },
  });
  const allowlistOf = (role: Role) => (allowlists[role] ?? []).filter((field) => fields.includes(field));

  return (
    <Stack>
      <Paper withBorder p="md" component="section" aria-label="Personal fields">
        <Title order={4}>Personal fields</Title>
        <Text size="sm" c="dimmed" mb="sm">
          A name marks the profile trait and the CRM custom field of that key (its <code>crm_</code> trait
          too), ignoring case and separators: <code>firstName</code> also marks <code>first_name</code>.
        </Text>
        <TagsInput
          label="Fields marked personal"
          placeholder={canManage ? 'Type a trait or field and press Enter' : undefined}
          data={suggestions}
          value={fields}
          onChange={setFields}
          disabled={!canManage}
          clearable
        />
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="Role allowlists">
        <Title order={4}>Field permissions</Title>
        <Text size="sm" c="dimmed" mb="sm">
          The personal fields a role without personal-data access may still see unmasked.
        </Text>
        <Stack gap="sm">
          {MASKED_ROLES.map((role) => (
            <MultiSelect
              key={role}
              label={`${roleLabel(role)} sees unmasked`}
              placeholder={allowlistOf(role).length ? undefined : 'Nothing: every personal field masked'}
              data={fields}
              value={allowlistOf(role)}
              onChange={(next) => setAllowlists({ ...allowlists, [role]: next })}
              disabled={!canManage}
              searchable
              clearable
              maw={560}
            />
          ))}
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="Warehouses">
        <Title order={4}>Warehouses</Title>
        <Text size="sm" c="dimmed" mb="sm">
          Warehouses receive personal fields masked, unless listed here.
        </Text>
        <MultiSelect
          aria-label="Warehouses that receive personal data"
          placeholder={destinations.length ? undefined : 'None: every warehouse gets masked values'}
          data={warehouses}
          value={destinations}
          onChange={setDestinations}
          disabled={!canManage}
          clearable
          maw={560}
        />
      </Paper>
      {save.error && (
        <Alert color="red" role="alert">
          {errorMessage(save.error)}
        </Alert>
      )}
      {canManage ? (
        <Group>
          <Button
            loading={save.isPending}
            onClick={() =>
              save.mutate({
                personalFields: fields,
                roleAllowlists: Object.fromEntries(MASKED_ROLES.map((role) => [role, allowlistOf(role)])),
                unmaskedDestinations: destinations,
              })
            }
          >
            Save
          </Button>
          {save.isSuccess && (
            <Text size="sm" c="green">
              Saved.
            </Text>
          )}
        </Group>
      ) : (
        <Text size="xs" c="dimmed">
          Only owners and admins change these settings.
        </Text>
      )}
    </Stack>
  );
}
