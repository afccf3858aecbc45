import { Alert, Button, Grid, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { COMPUTED_TRAIT_KINDS, type ComputedTrait, type ComputedTraitKind } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { useCatalogEvents } from '../rules/catalog-api';
import { DurationInput } from '../rules/duration-input';
import { NameSelect } from '../rules/name-select';
import { RuleProblemsContext, useProblem } from '../rules/rule-problems';
import { WhereConditions } from '../rules/where-conditions';
import {
  type ComputedTraitForm,
  definitionOf,
  emptyForm,
  FORM_ID,
  formOf,
  formProblemsFromServer,
  KIND_LABELS,
} from './computed-trait-form';
import { ComputedTraitPreviewPanel } from './computed-trait-preview-panel';
import { computedTraitsApi, computedTraitsQueryKey } from './computed-traits-api';

type ComputedTraitEditorProps = {
  trait?: ComputedTrait | undefined;
  onSaved: (trait: ComputedTrait) => void;
  onCancel?: (() => void) | undefined;
};

/** A computed trait's definition with pickers, a preview on sample profiles, and save. */
export function ComputedTraitEditor({ trait, onSaved, onCancel }: ComputedTraitEditorProps) {
  const { workspace } = useCurrentSession();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<ComputedTraitForm>(() => (trait ? formOf(trait) : emptyForm()));
  const [showProblems, setShowProblems] = useState(false);
  const built = definitionOf(form);

  const preview = useMutation({ mutationFn: computedTraitsApi.preview });
  const save = useMutation({
    mutationFn: () => {
      if (!built.definition) throw new Error('incomplete definition');
      return trait
        ? computedTraitsApi.update(trait.id, built.definition)
        : computedTraitsApi.create(built.definition);
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: computedTraitsQueryKey(workspace.id) });
      onSaved(saved);
    },
  });
  const serverDetails = [save.error, preview.error].flatMap((e) => (e instanceof ApiError ? e.details : []));
  const serverProblems = formProblemsFromServer(serverDetails, form);
  const problems = [...(showProblems ? built.problems : []), ...serverProblems];
  const failure = [save.error, preview.error].find(
    (e) => e && !(e instanceof ApiError && e.details.length > 0),
  );

  const change = (patch: Partial<ComputedTraitForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    preview.reset();
    save.reset();
  };
  const runPreview = () => {
    setShowProblems(true);
    if (built.definition) preview.mutate(built.definition);
  };
  const submit = () => {
    setShowProblems(true);
    if (built.definition) save.mutate();
  };

  return (
    <RuleProblemsContext.Provider value={problems}>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            <DefinitionFields form={form} change={change} />
            {failure ? (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(failure)}
              </Alert>
            ) : null}
            <Group>
              <Button variant="light" onClick={runPreview} loading={preview.isPending}>
                Preview on sample profiles
              </Button>
              <Button onClick={submit} loading={save.isPending}>
                {trait ? 'Save changes' : 'Save computed trait'}
              </Button>
              {onCancel ? (
                <Button variant="default" onClick={onCancel}>
                  Cancel
                </Button>
              ) : null}
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <ComputedTraitPreviewPanel preview={preview.data} event={form.event} />
        </Grid.Col>
      </Grid>
    </RuleProblemsContext.Provider>
  );
}

function DefinitionFields({
  form,
  change,
}: {
  form: ComputedTraitForm;
  change: (p: Partial<ComputedTraitForm>) => void;
}) {
  const events = useCatalogEvents();
  const eventOptions = events.data?.data ?? [];
  const properties = eventOptions.find((e) => e.name === form.event)?.properties ?? [];
  const needsProperty = form.kind !== 'count';
  const problemOf = {
    name: useProblem(FORM_ID, 'name'),
    event: useProblem(FORM_ID, 'event'),
    property: useProblem(FORM_ID, 'property'),
    within: useProblem(FORM_ID, 'within'),
  };
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="md">
        <TextInput
          label="Name"
          description="How profiles and audiences refer to it, e.g. orders_30d"
          placeholder="orders_30d"
          maxLength={200}
          value={form.name}
          onChange={(event) => change({ name: event.currentTarget.value })}
          error={problemOf.name}
          maw={360}
        />
        <Select
          label="Computes"
          data={COMPUTED_TRAIT_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))}
          value={form.kind}
          allowDeselect={false}
          // The options are the kinds.
          onChange={(kind) => change({ kind: (kind ?? 'count') as ComputedTraitKind })}
          maw={360}
        />
        <Group align="flex-start" gap="md">
          <div>
            <Text size="sm" fw={500} mb={4}>
              Of the event
            </Text>
            <NameSelect
              label="Event"
              placeholder="Pick an event"
              options={eventOptions.map((e) => ({
                value: e.name,
                label: `${e.name} (${e.count.toLocaleString()}${e.countCapped ? '+' : ''})`,
              }))}
              value={form.event}
              error={problemOf.event}
              width={260}
              onChange={(event) => change({ event })}
            />
          </div>
          {needsProperty ? (
            <div>
              <Text size="sm" fw={500} mb={4}>
                Property
              </Text>
              <NameSelect
                label="Property"
                placeholder="Pick a property"
                nothingFound={form.event ? 'No property seen on this event' : 'Pick the event first'}
                options={properties.map((p) => ({ value: p.name, label: `${p.name} (${p.type})` }))}
                value={form.property}
                error={problemOf.property}
                width={220}
                onChange={(property) => change({ property })}
              />
            </div>
          ) : null}
        </Group>
        <div>
          <Text size="sm" fw={500} mb={4}>
            Only events where
          </Text>
          <Text size="xs" c="dimmed" mb={4}>
            Optional: without a filter, every event of this name counts.
          </Text>
          <WhereConditions
            rows={form.where}
            properties={properties}
            label={form.event || 'Event'}
            onChange={(where) => change({ where })}
          />
        </div>
        <div>
          <Text size="sm" fw={500} mb={4}>
            Window
          </Text>
          <Group gap="xs" align="flex-start">
            <Select
              aria-label="Window"
              data={[
                { value: 'ever', label: 'All time' },
                { value: 'within', label: 'In the last' },
              ]}
              value={form.within === undefined ? 'ever' : 'within'}
              allowDeselect={false}
              w={140}
              onChange={(next) => change({ within: next === 'within' ? '30d' : undefined })}
            />
            {form.within !== undefined ? (
              <DurationInput
                label="Window"
                value={form.within}
                error={problemOf.within}
                onChange={(within) => change({ within })}
              />
            ) : null}
          </Group>
        </div>
      </Stack>
    </Paper>
  );
}
