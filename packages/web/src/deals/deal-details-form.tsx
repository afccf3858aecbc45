import { Alert, Button, Group, NumberInput, Paper, Select, Stack, TextInput, Title } from '@mantine/core';
import type { DealDetail, Pipeline } from '@tandem/contract';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useMembers } from './deal-queries';
import { useUpdateDeal } from './use-update-deal';

type DealDetailsFormProps = { deal: DealDetail; pipeline: Pipeline | undefined; canEdit: boolean };

/** A deal's fields, edited in place and saved together. */
export function DealDetailsForm({ deal, pipeline, canEdit }: DealDetailsFormProps) {
  const members = useMembers();
  const { update } = useUpdateDeal(deal.id);
  const [name, setName] = useState(deal.name);
  const [amount, setAmount] = useState<number | string>(deal.amount);
  const [currency, setCurrency] = useState(deal.currency);
  const [stageId, setStageId] = useState<string | null>(deal.stageId);
  const [ownerId, setOwnerId] = useState<string | null>(deal.ownerId);
  const [closeDate, setCloseDate] = useState(deal.closeDate ?? '');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate({
      name: name.trim(),
      amount: Number(amount),
      currency,
      ...(stageId && stageId !== deal.stageId ? { stageId } : {}),
      ownerId,
      closeDate: closeDate || null,
    });
  };
  const changed =
    name !== deal.name ||
    Number(amount) !== deal.amount ||
    currency !== deal.currency ||
    stageId !== deal.stageId ||
    ownerId !== deal.ownerId ||
    (closeDate || null) !== deal.closeDate;

  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={submit} aria-label="Deal details">
        <Stack>
          <Title order={3} size="h4">
            Details
          </Title>
          <TextInput
            label="Name"
            required
            disabled={!canEdit}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Group grow align="flex-start">
            <NumberInput
              label="Amount"
              min={0}
              decimalScale={2}
              thousandSeparator
              disabled={!canEdit}
              value={amount}
              onChange={setAmount}
            />
            <TextInput
              label="Currency"
              maxLength={3}
              disabled={!canEdit}
              value={currency}
              onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
            />
          </Group>
          <Group grow align="flex-start">
            <Select
              label="Stage"
              allowDeselect={false}
              disabled={!canEdit}
              data={(pipeline?.stages ?? []).map((s) => ({
                value: s.id,
                label: `${s.name} (${s.probability}%)`,
              }))}
              value={stageId}
              onChange={setStageId}
            />
            <TextInput
              label={deal.status === 'open' ? 'Expected close date' : 'Close date'}
              type="date"
              disabled={!canEdit}
              value={closeDate}
              onChange={(e) => setCloseDate(e.currentTarget.value)}
            />
          </Group>
          <Select
            label="Owner"
            clearable
            disabled={!canEdit}
            data={members.list.map((m) => ({ value: m.id, label: m.email }))}
            value={ownerId}
            onChange={setOwnerId}
          />
          {update.error && (
            <Alert color="red" role="alert">
              {errorMessage(update.error)}
            </Alert>
          )}
          {canEdit && (
            <Group justify="flex-end">
              <Button type="submit" loading={update.isPending} disabled={!changed || !name.trim()}>
                Save
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
