import { Alert, Button, Grid, Group, Stack, Switch, Text, Textarea } from '@mantine/core';
import { type UseMutationResult, useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { JsonBlock } from '../shared/json-block';
import { destinationsApi, type MappingTestResult } from './destinations-api';
import { parseSample, SAMPLE_EVENT_TEXT } from './sample-event';

type MappingEditorProps = {
  enabled: boolean;
  mapping: string;
  onChange: (patch: { mappingEnabled?: boolean; mapping?: string }) => void;
  /** Names this editor's controls, e.g. “Subscription 1”. */
  label: string;
};

/** An optional JSONata mapping that reshapes what is sent, tried on a sample event before saving. */
export function MappingEditor({ enabled, mapping, onChange, label }: MappingEditorProps) {
  const [sample, setSample] = useState(SAMPLE_EVENT_TEXT);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const test = useMutation({ mutationFn: destinationsApi.testMapping });

  const runTest = () => {
    const parsed = parseSample(sample);
    setSampleError(parsed.error);
    if (parsed.value) test.mutate({ mapping: mapping.trim(), sample: parsed.value });
  };

  return (
    <Stack gap="xs">
      <Switch
        label="Reshape the payload with a mapping"
        description="A JSONata expression over the delivery body ($). Without one, the body is sent as is."
        checked={enabled}
        onChange={(event) => onChange({ mappingEnabled: event.currentTarget.checked })}
      />
      {enabled && (
        <Grid gap="sm">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Stack gap="xs">
              <Textarea
                label="Mapping (JSONata)"
                aria-label={`${label} mapping`}
                placeholder={
                  '{\n  "email": profile.traits.email,\n  "order": event.payload.properties.orderId\n}'
                }
                autosize
                minRows={5}
                maxRows={16}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                value={mapping}
                onChange={(event) => onChange({ mapping: event.currentTarget.value })}
              />
              <Textarea
                label="Sample event"
                description="A tracked event as your sources send it."
                aria-label={`${label} sample event`}
                autosize
                minRows={4}
                maxRows={12}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
                value={sample}
                onChange={(event) => setSample(event.currentTarget.value)}
                error={sampleError}
              />
              <Group>
                <Button variant="light" onClick={runTest} loading={test.isPending} disabled={!mapping.trim()}>
                  Test with the sample event
                </Button>
              </Group>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <MappingResult test={test} />
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

type MappingTest = UseMutationResult<
  MappingTestResult,
  Error,
  { mapping: string; sample?: Record<string, unknown> }
>;

function MappingResult({ test }: { test: MappingTest }) {
  if (test.error) {
    return (
      <Alert color="red" role="alert" title="Could not test the mapping">
        {errorMessage(test.error)}
      </Alert>
    );
  }
  if (!test.data) {
    return (
      <Text size="sm" c="dimmed">
        Test the mapping to see what the destination would receive for the sample event.
      </Text>
    );
  }
  if (test.data.mappingError) {
    return (
      <Alert color="red" role="alert" title="The mapping failed on the sample">
        {test.data.mappingError}
      </Alert>
    );
  }
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Mapped output
      </Text>
      <JsonBlock value={test.data.mapped} label="Mapped output" />
    </Stack>
  );
}
