import { Alert, Button, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { DEAL_ROLES, type DealRole, DealRoleSchema, type Pipeline } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { useMembers } from './deal-queries';
import { dealsApi, dealsQueryKey, ROLE_LABELS } from './deals-api';
import { PersonPicker } from './person-picker';

type DealFormModalProps = {
  pipeline: Pipeline;
  onClose: () => void;
  /** A person to put on the deal from the start (the person page's "New deal"). */
  profileId?: string;
};

const ROLE_OPTIONS = DEAL_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

/** Creates a deal in a pipeline: what, how much, where it stands, who owns it, who is on it. */
export function DealFormModal({ pipeline, onClose, profileId }: DealFormModalProps) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const members = useMembers();
  const [name, setName] = useState('');
  const [amount, setAmount] = useState<number | string>('');
  const [currency, setCurrency] = useState('EUR');
  const [stageId, setStageId] = useState<string | null>(pipeline.stages[0]?.id ?? null);
  const [ownerId, setOwnerId] = useState<string | null>(session.user.id);
  const [closeDate, setCloseDate] = useState('');
  const [person, setPerson] = useState<string | null>(profileId ?? null);
  const [role, setRole] = useState<DealRole>('decision_maker');
  const create = useMutation({
    mutationFn: () =>
      dealsApi.create({
        name: name.trim(),
        amount: typeof amount === 'number' ? amount : Number(amount),
        currency: currency.trim(),
        pipelineId: pipeline.id,
        ...(stageId ? { stageId } : {}),
        ownerId,
        closeDate: closeDate || null,
        people: person ? [{ profileId: person, role }] : [],
      }),
    onSuccess: async (deal) => {
      await queryClient.invalidateQueries({ queryKey: dealsQueryKey(session.workspace.id) });
      onClose();
      if (!profileId) navigate(`/deals/${encodeURIComponent(deal.id)}`);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <Modal opened onClose={onClose} title="New deal" size="lg">
      <form onSubmit={submit} aria-label="New deal">
        <Stack>
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
          <Group grow align="flex-start">
            <NumberInput
              label="Amount"
              required
              min={0}
              decimalScale={2}
              thousandSeparator
              value={amount}
              onChange={setAmount}
            />
            <TextInput
              label="Currency"
              placeholder="EUR"
              title="A three-letter ISO code, like EUR or USD"
              required
              maxLength={3}
              value={currency}
              onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
            />
          </Group>
          <Group grow align="flex-start">
            <Select
              label="Stage"
              allowDeselect={false}
              data={pipeline.stages.map((s) => ({ value: s.id, label: `${s.name} (${s.probability}%)` }))}
              value={stageId}
              onChange={setStageId}
            />
            <TextInput
              label="Expected close date"
              type="date"
              value={closeDate}
              onChange={(e) => setCloseDate(e.currentTarget.value)}
            />
          </Group>
          <Select
            label="Owner"
            clearable
            data={members.list.map((m) => ({ value: m.id, label: m.email }))}
            value={ownerId}
            onChange={setOwnerId}
          />
          <Group grow align="flex-end">
            <PersonPicker label="Person" value={person} onChange={setPerson} />
            <Select
              label="Their role"
              allowDeselect={false}
              data={ROLE_OPTIONS}
              value={role}
              onChange={(value) => setRole(DealRoleSchema.catch('other').parse(value))}
              disabled={!person}
            />
          </Group>
          {create.error && (
            <Alert color="red" role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!name.trim() || amount === ''}>
              Create deal
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
