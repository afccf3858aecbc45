import {
  ActionIcon,
  Button,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import type { DestinationForm, HeaderRow } from './destination-form';
import { type ConfigFieldSpec, destinationTypeInfo, isSecretField } from './destination-types';

type ConfigFieldsProps = {
  form: DestinationForm;
  onChange: (patch: Partial<DestinationForm>) => void;
  mode: 'create' | 'edit';
  /** Secret fields the stored destination holds (answered as `secrets`). */
  storedSecrets: readonly string[];
  problems: Record<string, string>;
};

/** The chosen type's connection settings; secrets are write-only once stored. */
export function ConfigFields({ form, onChange, mode, storedSecrets, problems }: ConfigFieldsProps) {
  const info = destinationTypeInfo(form.type);
  const setField = (key: string, value: string) => onChange({ fields: { ...form.fields, [key]: value } });
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {info.fields.map((spec) => (
          <ConfigField
            key={spec.key}
            spec={placeholderFor(form, spec)}
            value={form.fields[spec.key] ?? ''}
            onChange={(value) => setField(spec.key, value)}
            // A stored secret is never shown: empty keeps it, a new value replaces it.
            keeps={mode === 'edit' && isSecretField(form.type, spec.key) && storedSecrets.includes(spec.key)}
            error={problems[`config.${spec.key}`]}
          />
        ))}
      </SimpleGrid>
      {form.type === 'webhook' && (
        <>
          <HeadersEditor
            headers={form.headers}
            onChange={(headers) => onChange({ headers })}
            keeps={mode === 'edit'}
            error={problems['config.headers']}
          />
          <Switch
            label="Send in batches"
            description={
              'Several deliveries in one POST, as {"batch": [body, …]}, for endpoints that prefer fewer requests.'
            }
            checked={form.batching}
            onChange={(event) => onChange({ batching: event.currentTarget.checked })}
          />
          {form.batching && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <NumberInput
                label="Deliveries per batch, at most"
                min={1}
                max={1000}
                value={form.batchMaxSize}
                onChange={(value) => onChange({ batchMaxSize: String(value) })}
                error={problems['config.batch.maxSize']}
              />
              <NumberInput
                label="Wait for a fuller batch (ms)"
                description="0 sends what is ready at once."
                min={0}
                max={60_000}
                value={form.batchMaxWaitMs}
                onChange={(value) => onChange({ batchMaxWaitMs: String(value) })}
                error={problems['config.batch.maxWaitMs']}
              />
            </SimpleGrid>
          )}
        </>
      )}
    </Stack>
  );
}

/** The warehouse URL's example follows the database picked. */
function placeholderFor(form: DestinationForm, spec: ConfigFieldSpec): ConfigFieldSpec {
  if (form.type === 'warehouse' && spec.key === 'url' && form.fields.engine === 'mysql') {
    return { ...spec, placeholder: 'mysql://user:password@host:3306/analytics' };
  }
  return spec;
}

function ConfigField({
  spec,
  value,
  onChange,
  keeps,
  error,
}: {
  spec: ConfigFieldSpec;
  value: string;
  onChange: (value: string) => void;
  keeps: boolean;
  error: string | undefined;
}) {
  const common = {
    label: spec.label,
    description: keeps
      ? `${spec.description ? `${spec.description} ` : ''}Stored and hidden: leave empty to keep it.`
      : spec.description,
    required: spec.required && !keeps,
    error,
  };
  if (spec.kind === 'select') {
    return (
      <Select
        {...common}
        data={spec.options ?? []}
        value={value}
        allowDeselect={false}
        onChange={(next) => onChange(next ?? '')}
      />
    );
  }
  if (spec.kind === 'secret') {
    return (
      <PasswordInput
        {...common}
        placeholder={keeps ? 'Leave empty to keep the stored secret' : 'A long random string'}
        autoComplete="new-password"
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
    );
  }
  if (spec.kind === 'number') {
    return (
      <NumberInput
        {...common}
        placeholder={spec.placeholder}
        min={1}
        allowDecimal={false}
        value={value}
        onChange={(next) => onChange(String(next))}
      />
    );
  }
  return (
    <TextInput
      {...common}
      placeholder={keeps ? 'Leave empty to keep the stored value' : spec.placeholder}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

/** Custom request headers; values are secret (an API key often rides here), never shown back. */
function HeadersEditor({
  headers,
  onChange,
  keeps,
  error,
}: {
  headers: HeaderRow[];
  onChange: (headers: HeaderRow[]) => void;
  keeps: boolean;
  error: string | undefined;
}) {
  const update = (index: number, patch: Partial<HeaderRow>) =>
    onChange(headers.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={6}>
      <div>
        <Text size="sm" fw={500}>
          Custom headers
        </Text>
        <Text size="xs" c="dimmed">
          Added to every request, e.g. an Authorization header.{' '}
          {keeps && 'Stored values are hidden: leave a value empty to keep it.'}
        </Text>
      </div>
      {headers.map((row, index) => (
        // Rows have no identity but their position; names may be edited freely.
        <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
          <TextInput
            aria-label={`Header ${index + 1} name`}
            placeholder="Authorization"
            value={row.name}
            onChange={(event) => update(index, { name: event.currentTarget.value })}
            style={{ flex: 1 }}
          />
          <PasswordInput
            aria-label={`Header ${index + 1} value`}
            placeholder={keeps && row.stored ? 'Leave empty to keep' : 'Bearer …'}
            autoComplete="new-password"
            value={row.value}
            onChange={(event) => update(index, { value: event.currentTarget.value })}
            style={{ flex: 2 }}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={`Remove header ${index + 1}`}
            onClick={() => onChange(headers.filter((_, at) => at !== index))}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
      <Group>
        <Button
          variant="subtle"
          size="compact-sm"
          onClick={() => onChange([...headers, { name: '', value: '' }])}
        >
          + Add header
        </Button>
      </Group>
    </Stack>
  );
}
