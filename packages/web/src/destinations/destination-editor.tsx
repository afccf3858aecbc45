import {
  Alert,
  Button,
  Card,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { ApiError } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { ConfigFields } from './config-fields';
import { type DestinationForm, defaultFields, formProblems } from './destination-form';
import { destinationTypeInfo } from './destination-types';
import { PurposesInput } from './purposes-input';
import { SubscriptionsEditor } from './subscriptions-editor';
import { TypePicker } from './type-picker';

type DestinationEditorProps = {
  mode: 'create' | 'edit';
  initial: DestinationForm;
  /** Secret fields the stored destination holds. */
  storedSecrets?: readonly string[];
  saving: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit: (form: DestinationForm) => void;
  onCancel?: () => void;
};

/** Every setting of a destination, in the order a person decides them: where, what, whose, how fast. */
export function DestinationEditor(props: DestinationEditorProps) {
  const { mode, storedSecrets = [] } = props;
  const [form, setForm] = useState(props.initial);
  // Problems show once a save was tried, not while the person is still typing the first field.
  const [tried, setTried] = useState(false);
  const change = (patch: Partial<DestinationForm>) => setForm((current) => ({ ...current, ...patch }));
  const local = formProblems(form, mode, storedSecrets);
  const server = serverProblems(props.error);
  const problems = tried ? { ...server.byField, ...local } : server.byField;
  const info = destinationTypeInfo(form.type);

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(local).length === 0) props.onSubmit(form);
  };

  return (
    <form
      onSubmit={submit}
      aria-label={mode === 'create' ? 'Create destination' : 'Edit destination'}
      noValidate
    >
      <Stack gap="lg">
        {mode === 'create' && (
          <Section title="Type" description="A destination's type is fixed once it is created.">
            <TypePicker
              value={form.type}
              // The connection settings belong to one type; the name and subscriptions carry over.
              onChange={(type) => change({ type, fields: defaultFields(type), headers: [], batching: false })}
            />
          </Section>
        )}
        <Section
          title="Connection"
          description="Where deliveries go, and the credentials Tandem needs to get there."
        >
          <TextInput
            label="Name"
            placeholder={`${info.label} for …`}
            required
            maxLength={200}
            maw={560}
            value={form.name}
            onChange={(event) => change({ name: event.currentTarget.value })}
            error={problems.name}
          />
          <ConfigFields
            form={form}
            onChange={change}
            mode={mode}
            storedSecrets={storedSecrets}
            problems={problems}
          />
        </Section>
        <Section
          title="What it receives"
          description="Each subscription sends a delivery per matching event or change, retried until it arrives."
        >
          <SubscriptionsEditor
            subscriptions={form.subscriptions}
            onChange={(subscriptions) => change({ subscriptions })}
            problems={problems}
          />
        </Section>
        <Section title="Consent" description="Tandem re-checks consent at every send and replay.">
          <PurposesInput
            value={form.purposes}
            onChange={(purposes) => change({ purposes })}
            error={problems.purposes}
          />
        </Section>
        <Section title="Delivery" description="Pause to hold deliveries; they queue and go out once resumed.">
          <Switch
            label="Active"
            description="Sends as soon as deliveries are ready."
            checked={form.enabled}
            onChange={(event) => change({ enabled: event.currentTarget.checked })}
          />
          <SimpleGrid cols={{ base: 1, md: 2 }} maw={720}>
            <NumberInput
              label="Concurrent sends"
              description="Requests in flight at once. Empty: 16."
              min={1}
              max={256}
              allowDecimal={false}
              value={form.concurrency}
              onChange={(value) => change({ concurrency: String(value) })}
              error={problems['limits.concurrency']}
            />
            <NumberInput
              label="Rate limit (deliveries per second)"
              description="Empty: as fast as the destination answers."
              min={0}
              value={form.ratePerSecond}
              onChange={(value) => change({ ratePerSecond: String(value) })}
              error={problems['limits.ratePerSecond']}
            />
          </SimpleGrid>
        </Section>
        {tried && Object.keys(local).length > 0 && (
          <Alert color="red" role="alert" title="Some fields need attention">
            {Object.values(local).join(' ')}
          </Alert>
        )}
        {props.error ? (
          <Alert color="red" role="alert" title="Could not save the destination">
            {/* Field errors are shown beside their fields; the alert only points at them then. */}
            {Object.keys(server.byField).length > 0 && server.unplaced.length === 0
              ? 'Correct what is marked beside the fields above, then save again.'
              : [errorMessage(props.error), ...server.unplaced].join(' ')}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          {props.onCancel && (
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={props.saving}>
            {props.submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label={title}>
      <Stack gap="md">
        <div>
          <Title order={4}>{title}</Title>
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        </div>
        {children}
      </Stack>
    </Card>
  );
}

const FIELD_PATHS = [/^name$/, /^config\.[\w.]+$/, /^limits\.\w+$/];

/** The server's field errors placed beside the fields they name; the rest are shown in the alert. */
export function serverProblems(error: unknown): { byField: Record<string, string>; unplaced: string[] } {
  const byField: Record<string, string> = {};
  const unplaced: string[] = [];
  if (!(error instanceof ApiError)) return { byField, unplaced };
  for (const detail of error.details) {
    const path = detail.path.replace(/^body\./, '');
    const subscription = /^subscriptions\.(\d+)/.exec(path);
    const message = asSentence(detail.message);
    if (subscription) byField[`subscriptions.${subscription[1]}`] = message;
    // One field holds every purpose: its problems show under it.
    else if (/^purposes\.\d+$/.test(path)) byField.purposes = message;
    else if (FIELD_PATHS.some((pattern) => pattern.test(path))) byField[path] = message;
    else if (detail.message !== error.message) unplaced.push(message);
  }
  return { byField, unplaced };
}

/** A server message as a sentence: capitalized, with its full stop. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capitalized = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized}.`;
}
