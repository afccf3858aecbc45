import { Alert, Button, Grid, Group, JsonInput, Modal, Select, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type Destination, type DestinationTestResult, hasFullSync } from '@tandem/contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { JsonBlock } from '../shared/json-block';
import { formatLatency } from './delivery-status';
import { destinationsApi, pickerApi, pickerQueryKey } from './destinations-api';
import { parseSample, SAMPLE_EVENT_TEXT } from './sample-event';
import { describeSubscription } from './subscription-summary';

/**
 * Sends one sample delivery now (no retries), to check the connection and what arrives. A
 * warehouse or audience-file destination keeps what it receives, so it is checked instead
 * (connection, schema or folder) and shown the body a delivery would carry.
 */
export function SendTestButton({ destination }: { destination: Destination }) {
  const [opened, modal] = useDisclosure(false);
  return (
    <>
      <Button variant="light" onClick={modal.open}>
        Send test
      </Button>
      <Modal
        opened={opened}
        onClose={modal.close}
        title={
          hasFullSync(destination.type) ? `Test ${destination.name}` : `Send a test to ${destination.name}`
        }
        size="xl"
      >
        {opened && <SendTestForm destination={destination} />}
      </Modal>
    </>
  );
}

function SendTestForm({ destination }: { destination: Destination }) {
  const session = useCurrentSession();
  const [sample, setSample] = useState(SAMPLE_EVENT_TEXT);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const [subscription, setSubscription] = useState<string>('0');
  const audiences = useQuery({
    queryKey: pickerQueryKey(session.workspace.id, 'audiences'),
    queryFn: pickerApi.audiences,
  });
  const names = new Map((audiences.data?.data ?? []).map((audience) => [audience.id, audience.name]));
  const test = useMutation({
    mutationFn: (send: boolean) => {
      const parsed = parseSample(sample);
      if (!parsed.value) throw new Error(parsed.error ?? 'Enter a sample event.');
      return destinationsApi.test(destination.id, {
        sample: parsed.value,
        send,
        ...(destination.subscriptions.length > 0 ? { subscription: Number(subscription) } : {}),
      });
    },
  });
  const run = (send: boolean) => {
    setSampleError(parseSample(sample).error);
    test.mutate(send);
  };
  const checksOnly = hasFullSync(destination.type);

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {checksOnly
              ? 'A sample would stay in this destination, so the test writes nothing: it checks the connection and that Tandem may write where the destination writes, and shows the body a delivery would carry.'
              : 'The test is sent once, now, with a delivery id starting with test_, and is not retried. It does not appear in the delivery log.'}
          </Text>
          <JsonInput
            label="Sample event"
            description="A tracked event; Tandem builds the body a real delivery would carry."
            autosize
            minRows={8}
            maxRows={18}
            value={sample}
            onChange={setSample}
            error={sampleError}
          />
          {destination.subscriptions.length > 1 && (
            <Select
              label="Send as"
              description="The test takes this subscription's body (event, audience or trait change) and its mapping."
              data={destination.subscriptions.map((entry, index) => ({
                value: String(index),
                label: describeSubscription(entry, names),
              }))}
              value={subscription}
              allowDeselect={false}
              onChange={(value) => setSubscription(value ?? '0')}
            />
          )}
          <Group gap="xs">
            <Button onClick={() => run(true)} loading={test.isPending && test.variables === true}>
              {checksOnly ? 'Check connection' : 'Send test'}
            </Button>
            <Button
              variant="default"
              onClick={() => run(false)}
              loading={test.isPending && test.variables === false}
            >
              Preview without sending
            </Button>
          </Group>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        {test.error ? (
          <Alert color="red" role="alert" title="Could not run the test">
            {errorMessage(test.error) === 'Something went wrong.'
              ? test.error.message
              : errorMessage(test.error)}
          </Alert>
        ) : test.data ? (
          <TestResult result={test.data} />
        ) : (
          <Text size="sm" c="dimmed">
            The answer of the destination and the body sent show here.
          </Text>
        )}
      </Grid.Col>
    </Grid>
  );
}

function TestResult({ result }: { result: DestinationTestResult }) {
  return (
    <Stack gap="sm">
      {result.sent?.checked !== undefined &&
        (result.sent.ok ? (
          <Alert color="teal" title="Connection checked" role="status">
            {result.sent.checked}.
          </Alert>
        ) : (
          <Alert color="red" title="Check failed" role="alert">
            {result.sent.error ?? 'The destination could not be checked.'} Nothing was written.
          </Alert>
        ))}
      {result.sent &&
        result.sent.checked === undefined &&
        (result.sent.ok ? (
          <Alert color="teal" title="Delivered" role="status">
            The destination accepted the test
            {result.sent.status === null ? '' : ` with HTTP ${result.sent.status}`} in{' '}
            {formatLatency(result.sent.latencyMs)}.
          </Alert>
        ) : (
          <Alert color="red" title="Not delivered" role="alert">
            {result.sent.status === null ? 'No HTTP answer' : `HTTP ${result.sent.status}`} after{' '}
            {formatLatency(result.sent.latencyMs)}. {result.sent.error ?? 'The destination refused the test.'}
          </Alert>
        ))}
      {result.mappingError ? (
        <Alert color="red" title="The mapping failed on the sample">
          {result.mappingError}
        </Alert>
      ) : (
        <div>
          <Text size="sm" fw={500} mb={4}>
            {result.sent?.checked !== undefined
              ? 'Body a delivery would carry'
              : result.sent
                ? 'Body sent'
                : 'Body that would be sent'}
          </Text>
          <JsonBlock value={result.mapped ?? result.body} label="Test body" />
        </div>
      )}
    </Stack>
  );
}
