import { Alert, Button, Group, Modal, Select, Stack, Switch, TagsInput, TextInput } from '@mantine/core';
import type { CustomField, CustomFieldEntity, CustomFieldType } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey, customFieldsApi } from '../people/crm-api';

export const ENTITY_LABELS: Readonly<Record<CustomFieldEntity, string>> = {
  person: 'People',
  company: 'Companies',
  deal: 'Deals',
  ticket: 'Tickets',
};
export const TYPE_LABELS: Readonly<Record<CustomFieldType, string>> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  boolean: 'Yes / no',
  select: 'One choice',
  multi_select: 'Several choices',
  relation: 'Link to a record',
};
const options = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels).map(([value, label]) => ({ value, label }));

/** The key a label suggests: lower case, words joined by `_`. */
function keyOf(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 64);
}

/** Adds a custom field, or edits one's label, choices and whether it is required. */
export function CustomFieldModal({ field, onClose }: { field: CustomField | null; onClose: () => void }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [label, setLabel] = useState(field?.label ?? '');
  const [key, setKey] = useState(field?.key ?? '');
  const [keyEdited, setKeyEdited] = useState(false);
  const [entity, setEntity] = useState<string>(field?.entity ?? 'person');
  const [type, setType] = useState<string>(field?.type ?? 'text');
  const [choices, setChoices] = useState<string[]>(field?.choices ?? []);
  const [relationTo, setRelationTo] = useState<string | null>(field?.relationTo ?? null);
  const [required, setRequired] = useState(field?.required ?? false);
  const save = useMutation({
    mutationFn: async () => {
      if (field) return customFieldsApi.update({ fieldId: field.id, patch: { label, choices, required } });
      return customFieldsApi.create({
        label,
        key,
        entity: entity as CustomFieldEntity, // one of ENTITY_LABELS
        type: type as CustomFieldType, // one of TYPE_LABELS
        choices,
        relationTo: relationTo as CustomFieldEntity | null, // one of ENTITY_LABELS
        required,
      });
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: crmQueryKey(session.workspace.id) });
      onClose();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate();
  };
  const withChoices = type === 'select' || type === 'multi_select';
  return (
    <Modal opened onClose={onClose} title={field ? `Edit ${field.label}` : 'Add a custom field'}>
      <form onSubmit={submit} aria-label="Custom field">
        <Stack>
          <TextInput
            label="Label"
            required
            value={label}
            onChange={(event) => {
              setLabel(event.currentTarget.value);
              if (!field && !keyEdited) setKey(keyOf(event.currentTarget.value));
            }}
            data-autofocus
          />
          <TextInput
            label="Key"
            description="How the API and the crm_ trait name it"
            value={key}
            onChange={(event) => {
              setKey(event.currentTarget.value);
              setKeyEdited(true);
            }}
            disabled={field !== null}
          />
          <Group grow>
            <Select
              label="On"
              data={options(ENTITY_LABELS)}
              value={entity}
              onChange={(v) => setEntity(v ?? 'person')}
              disabled={field !== null}
              allowDeselect={false}
            />
            <Select
              label="Type"
              data={options(TYPE_LABELS)}
              value={type}
              onChange={(v) => setType(v ?? 'text')}
              disabled={field !== null}
              allowDeselect={false}
            />
          </Group>
          {withChoices && (
            <TagsInput
              label="Choices"
              placeholder="Type a choice, then Enter"
              value={choices}
              onChange={setChoices}
            />
          )}
          {type === 'relation' && (
            <Select
              label="Links to"
              data={options(ENTITY_LABELS)}
              value={relationTo}
              onChange={setRelationTo}
              disabled={field !== null}
            />
          )}
          <Switch
            label="Required"
            checked={required}
            onChange={(event) => setRequired(event.currentTarget.checked)}
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
            <Button type="submit" loading={save.isPending} disabled={label.trim() === ''}>
              {field ? 'Save' : 'Add field'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
