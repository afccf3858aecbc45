import { Alert, Button, Group, Modal, Select, Stack, TagsInput, Textarea, TextInput } from '@mantine/core';
import { type ConsentMode, ConsentModeSchema, type ConsentPurpose, PurposeKeySchema } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { consentApi, consentQueryKey, MODE_LABELS } from './consent-api';

const WORKSPACE_DEFAULT = 'workspace';
const DEFAULT_CHOICES = [
  { value: WORKSPACE_DEFAULT, label: 'Workspace default' },
  { value: 'opt-out', label: MODE_LABELS['opt-out'] },
  { value: 'opt-in', label: MODE_LABELS['opt-in'] },
];

/** A key from a label: "Product research" → "product-research". */
export function keyFromLabel(label: string): string {
  return label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

type PurposeFormModalProps = { purpose: ConsentPurpose | null; onClose: () => void };

/** Adds a purpose (`purpose` null) or edits one; its key never changes once events use it. */
export function PurposeFormModal({ purpose, onClose }: PurposeFormModalProps) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [label, setLabel] = useState(purpose?.label ?? '');
  const [key, setKey] = useState(purpose?.key ?? '');
  const [keyEdited, setKeyEdited] = useState(false);
  const [description, setDescription] = useState(purpose?.description ?? '');
  const [mode, setMode] = useState<ConsentMode | null>(purpose?.defaultMode ?? null);
  const [aliases, setAliases] = useState<string[]>(purpose?.aliases ?? []);
  const save = useMutation({
    mutationFn: async () => {
      const fields = { label: label.trim(), description: description.trim(), defaultMode: mode, aliases };
      return purpose
        ? consentApi.updatePurpose({ key: purpose.key, ...fields })
        : consentApi.createPurpose({ key, ...fields });
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: consentQueryKey(session.workspace.id) });
      onClose();
    },
  });
  // Checked here, as a sentence beside the field: the server's refusal names it `body.key`.
  const keyProblem =
    !purpose && key !== '' && !PurposeKeySchema.safeParse(key).success
      ? 'Use lower-case letters, digits, - and _ only, starting with a letter or digit (at most 64).'
      : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (keyProblem) return;
    save.mutate();
  };

  return (
    <Modal opened onClose={onClose} title={purpose ? `Edit ${purpose.label}` : 'Add a purpose'} size="lg">
      <form onSubmit={submit} aria-label={purpose ? 'Edit purpose' : 'Add purpose'}>
        <Stack>
          <TextInput
            label="Name"
            required
            maxLength={100}
            value={label}
            onChange={(event) => {
              const next = event.currentTarget.value;
              setLabel(next);
              if (!purpose && !keyEdited) setKey(keyFromLabel(next));
            }}
          />
          <TextInput
            label="Key"
            description="What events and destinations call it. Lower-case letters, digits, - and _."
            required
            disabled={purpose !== null}
            styles={{ input: { fontFamily: 'monospace' } }}
            error={keyProblem}
            value={key}
            onChange={(event) => {
              setKeyEdited(true);
              setKey(event.currentTarget.value);
            }}
          />
          <Textarea
            label="Description"
            description="What the data is used for, as you would tell the person."
            autosize
            minRows={2}
            maxLength={1000}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
          />
          <Select
            label="When someone has not decided"
            data={DEFAULT_CHOICES}
            allowDeselect={false}
            value={mode ?? WORKSPACE_DEFAULT}
            onChange={(value) => {
              const parsed = ConsentModeSchema.safeParse(value);
              setMode(parsed.success ? parsed.data : null);
            }}
          />
          <TagsInput
            label="Also matches"
            description="Category names your consent manager sends for this purpose (e.g. C0004, Advertising). Press Enter after each."
            value={aliases}
            onChange={setAliases}
            maxTags={20}
          />
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
              disabled={!label.trim() || !key.trim() || keyProblem !== null}
            >
              {purpose ? 'Save' : 'Add purpose'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
