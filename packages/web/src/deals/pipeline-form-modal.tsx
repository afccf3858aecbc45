import { ActionIcon, Alert, Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import type { Pipeline } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, dealsQueryKey } from './deals-api';

type StageRow = { key: string; id?: string; name: string; probability: number | string };
type PipelineFormModalProps = {
  /** null: a new pipeline. */
  pipeline: Pipeline | null;
  onClose: () => void;
  onSaved: (pipeline: Pipeline) => void;
};

let rowKeys = 0;
const newRow = (name = '', probability: number | string = 10): StageRow => ({
  key: `new-${rowKeys++}`,
  name,
  probability,
});

/** Creates a pipeline or edits one: its name, and its stages in order with their probabilities. */
export function PipelineFormModal({ pipeline, onClose, onSaved }: PipelineFormModalProps) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState(pipeline?.name ?? '');
  const [rows, setRows] = useState<StageRow[]>(
    pipeline?.stages.map((s) => ({ key: s.id, id: s.id, name: s.name, probability: s.probability })) ?? [
      newRow('Qualification', 10),
      newRow('Proposal', 50),
      newRow('Negotiation', 80),
    ],
  );
  const save = useMutation({
    mutationFn: () => {
      const stages = rows.map((row) => ({
        ...(row.id ? { id: row.id } : {}),
        name: row.name.trim(),
        probability: Number(row.probability),
      }));
      return pipeline
        ? dealsApi.updatePipeline({ id: pipeline.id, name: name.trim(), stages })
        : dealsApi.createPipeline({ name: name.trim(), stages });
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: dealsQueryKey(session.workspace.id) });
      onSaved(saved);
      onClose();
    },
  });
  const change = (key: string, patch: Partial<StageRow>) =>
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const move = (index: number, by: number) =>
    setRows((current) => {
      const next = [...current];
      const [row] = next.splice(index, 1);
      if (row) next.splice(index + by, 0, row);
      return next;
    });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <Modal opened onClose={onClose} title={pipeline ? `Edit ${pipeline.name}` : 'New pipeline'} size="lg">
      <form onSubmit={submit} aria-label={pipeline ? 'Edit pipeline' : 'New pipeline'}>
        <Stack>
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Text size="sm" fw={500}>
            Stages, in order, with the chance (percent) that a deal in each is won
          </Text>
          {rows.map((row, index) => (
            <Group key={row.key} gap="xs" wrap="nowrap" align="flex-end">
              <TextInput
                aria-label={`Stage ${index + 1} name`}
                required
                flex={1}
                value={row.name}
                onChange={(e) => change(row.key, { name: e.currentTarget.value })}
              />
              <NumberInput
                aria-label={`Stage ${index + 1} probability`}
                min={0}
                max={100}
                suffix=" %"
                w={100}
                value={row.probability}
                onChange={(value) => change(row.key, { probability: value })}
              />
              <ActionIcon
                variant="subtle"
                aria-label={`Move stage ${index + 1} up`}
                disabled={index === 0}
                onClick={() => move(index, -1)}
              >
                ↑
              </ActionIcon>
              <ActionIcon
                variant="subtle"
                aria-label={`Move stage ${index + 1} down`}
                disabled={index === rows.length - 1}
                onClick={() => move(index, 1)}
              >
                ↓
              </ActionIcon>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Remove stage ${index + 1}`}
                disabled={rows.length === 1}
                onClick={() => setRows((current) => current.filter((r) => r.key !== row.key))}
              >
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="light" size="xs" onClick={() => setRows((current) => [...current, newRow()])}>
              Add stage
            </Button>
          </Group>
          {save.error && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={!name.trim() || rows.some((r) => !r.name.trim())}
            >
              {pipeline ? 'Save' : 'Create pipeline'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
