import { MultiSelect, NumberInput, Select, Switch, TextInput } from '@mantine/core';
import type { CustomField, CustomFieldEntity } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey, customFieldsApi } from './crm-api';

type CustomFieldInputsProps = {
  entity?: CustomFieldEntity;
  values: Record<string, unknown>;
  onSave: (patch: Record<string, unknown>) => void;
  disabled: boolean;
};

/** One input per custom field of people (or companies), each saving its own value (null clears it). */
export function CustomFieldInputs({ entity = 'person', values, onSave, disabled }: CustomFieldInputsProps) {
  const session = useCurrentSession();
  const fields = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'custom-fields', entity],
    queryFn: () => customFieldsApi.list(entity),
    staleTime: 60_000,
  });
  return (
    <>
      {(fields.data?.data ?? []).map((field) => (
        <CustomFieldInput
          key={field.id}
          field={field}
          value={values[field.key]}
          onSave={(value) => onSave({ [field.key]: value })}
          disabled={disabled}
        />
      ))}
    </>
  );
}

type CustomFieldInputProps = {
  field: CustomField;
  value: unknown;
  onSave: (value: unknown) => void;
  disabled: boolean;
};

function CustomFieldInput({ field, value, onSave, disabled }: CustomFieldInputProps) {
  const label = field.required ? `${field.label} *` : field.label;
  const [text, setText] = useState(value === undefined || value === null ? '' : String(value));
  const saveText = (next: unknown) => {
    if (next !== (value ?? null)) onSave(next);
  };
  switch (field.type) {
    case 'boolean':
      return (
        <Switch
          label={label}
          checked={value === true}
          onChange={(event) => onSave(event.currentTarget.checked)}
          disabled={disabled}
        />
      );
    case 'select':
      return (
        <Select
          label={label}
          data={field.choices}
          value={typeof value === 'string' ? value : null}
          onChange={(next) => onSave(next)}
          clearable
          disabled={disabled}
        />
      );
    case 'multi_select':
      return (
        <MultiSelect
          label={label}
          data={field.choices}
          value={Array.isArray(value) ? value.map(String) : []}
          onChange={(next) => onSave(next.length === 0 ? null : next)}
          disabled={disabled}
        />
      );
    case 'number':
      return (
        <NumberInput
          label={label}
          value={text}
          onChange={(next) => setText(String(next))}
          onBlur={() => saveText(text.trim() === '' ? null : Number(text))}
          disabled={disabled}
        />
      );
    case 'date':
    case 'text':
    case 'relation':
      return (
        <TextInput
          label={label}
          type={field.type === 'date' ? 'date' : 'text'}
          placeholder={field.type === 'relation' ? `The id of a ${field.relationTo ?? 'record'}` : undefined}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          onBlur={() => saveText(text.trim() === '' ? null : text.trim())}
          disabled={disabled}
        />
      );
    default: {
      const unknownType: never = field.type;
      throw new Error(`Unhandled custom field type ${String(unknownType)}`);
    }
  }
}
