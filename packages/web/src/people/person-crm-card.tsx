import { Alert, Loader, Paper, Select, Stack, TagsInput, TextInput, Title } from '@mantine/core';
import type { LifecycleStage, Person } from '@tandem/contract';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { CustomFieldInputs } from './custom-field-inputs';
import { LIFECYCLE_OPTIONS } from './lifecycle-labels';
import { useCanWriteCrm, useCrmMembers } from './use-crm-members';
import { usePerson } from './use-person';

/** Owner, lifecycle stage, lead status, tags and custom fields: edited in place, saved at once. */
export function PersonCrmCard({ profileId }: { profileId: string }) {
  const { person, update } = usePerson(profileId);
  return (
    <Paper withBorder p="sm" component="section" aria-label="Relationship">
      <Title order={4} mb="xs">
        Relationship
      </Title>
      {person.isPending && <Loader size="sm" aria-label="Loading" />}
      {person.error && (
        <Alert color="red" role="alert">
          {errorMessage(person.error)}
        </Alert>
      )}
      {person.data && <CrmFields person={person.data} save={update.mutate} saving={update.isPending} />}
      {update.error && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(update.error)}
        </Alert>
      )}
    </Paper>
  );
}

type CrmFieldsProps = {
  person: Person;
  save: (patch: Parameters<ReturnType<typeof usePerson>['update']['mutate']>[0]) => void;
  saving: boolean;
};

function CrmFields({ person, save }: CrmFieldsProps) {
  const members = useCrmMembers();
  const canWrite = useCanWriteCrm();
  const [leadStatus, setLeadStatus] = useState(person.leadStatus ?? '');
  const ownerOptions =
    person.ownerId && !members.options.some((o) => o.value === person.ownerId)
      ? [...members.options, { value: person.ownerId, label: person.ownerId }]
      : members.options;
  return (
    <Stack gap="xs">
      <Select
        label="Owner"
        placeholder="Nobody"
        data={ownerOptions}
        value={person.ownerId}
        onChange={(ownerId) => save({ ownerId })}
        clearable
        disabled={!canWrite}
      />
      <Select
        label="Lifecycle stage"
        placeholder="Not set"
        data={LIFECYCLE_OPTIONS}
        value={person.lifecycleStage}
        onChange={(stage) => save({ lifecycleStage: stage as LifecycleStage | null })} // one of LIFECYCLE_OPTIONS
        clearable
        disabled={!canWrite}
      />
      <TextInput
        label="Lead status"
        placeholder="New, working, unqualified…"
        value={leadStatus}
        onChange={(event) => setLeadStatus(event.currentTarget.value)}
        onBlur={() => {
          const next = leadStatus.trim() === '' ? null : leadStatus.trim();
          if (next !== person.leadStatus) save({ leadStatus: next });
        }}
        disabled={!canWrite}
      />
      <TagsInput
        label="Tags"
        placeholder={canWrite ? 'Type a tag, then Enter' : undefined}
        value={person.tags}
        onChange={(tags) => save({ tags })}
        disabled={!canWrite}
      />
      <CustomFieldInputs values={person.fields} onSave={(fields) => save({ fields })} disabled={!canWrite} />
    </Stack>
  );
}
