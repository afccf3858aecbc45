import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import type { LifecycleStage } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey, peopleApi } from './crm-api';
import { LIFECYCLE_OPTIONS } from './lifecycle-labels';
import { profilesQueryKey } from './people-api';
import { useCrmMembers } from './use-crm-members';

/** Adds a person by hand; a known email or user id lands on the profile that already has it. */
export function NewPersonModal({ onClose }: { onClose: () => void }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const members = useCrmMembers();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [stage, setStage] = useState<string | null>('lead');
  const [ownerId, setOwnerId] = useState<string | null>(members.me);
  const create = useMutation({
    mutationFn: peopleApi.create,
    onSuccess: async (person) => {
      await queryClient.invalidateQueries({ queryKey: crmQueryKey(session.workspace.id) });
      await queryClient.invalidateQueries({ queryKey: profilesQueryKey(session.workspace.id) });
      navigate(`/people/${encodeURIComponent(person.profileId)}`);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const given = (value: string) => (value.trim() === '' ? undefined : value.trim());
    create.mutate({
      name: given(name),
      email: given(email),
      phone: given(phone),
      lifecycleStage: (stage as LifecycleStage | null) ?? undefined, // one of LIFECYCLE_OPTIONS
      ownerId: ownerId ?? undefined,
    });
  };
  return (
    <Modal opened onClose={onClose} title="New person">
      <form onSubmit={submit} aria-label="New person">
        <Stack>
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput
            label="Email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <TextInput label="Phone" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
          <Select
            label="Lifecycle stage"
            data={LIFECYCLE_OPTIONS}
            value={stage}
            onChange={setStage}
            clearable
          />
          <Select label="Owner" data={members.options} value={ownerId} onChange={setOwnerId} clearable />
          {create.error && (
            <Alert color="red" role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create person
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
