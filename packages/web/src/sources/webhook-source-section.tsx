import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  List,
  PasswordInput,
  Select,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import {
  type PutWebhookSource,
  roleAllows,
  type Source,
  type WebhookMappingResult,
  type WebhookPreset,
  type WebhookSignature,
} from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { sentence } from '../rules/rule-model';
import { JsonBlock } from '../shared/json-block';
import { type WebhookPresetInfo, websiteApi } from './website-api';

const SIGNATURES = [
  { value: 'none', label: 'No signature check' },
  { value: 'shopify', label: 'Shopify (X-Shopify-Hmac-Sha256)' },
  { value: 'stripe', label: 'Stripe (Stripe-Signature)' },
];

/**
 * A webhook source: the URL its sender posts to, the JSONata mapping from payload to Segment
 * calls (start from a preset), the signature check, and a trial run on a sample payload.
 */
export function WebhookSourceSection({ source }: { source: Source }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const canWrite = roleAllows(session.role, 'sources:write');
  const key = ['webhook-source', session.workspace.id, source.id] as const;
  const presets = useQuery({
    queryKey: ['webhook-presets'],
    queryFn: websiteApi.presets,
    staleTime: Infinity,
  });
  // A new webhook source has no mapping yet: that 404 is "not set up", not a failure.
  const webhook = useQuery({
    queryKey: key,
    queryFn: () =>
      websiteApi.webhook(source.id).catch((error) => (isNotFound(error) ? null : Promise.reject(error))),
  });
  const [preset, setPreset] = useState<WebhookPreset | null>(null);
  const [mapping, setMapping] = useState('');
  const [signature, setSignature] = useState<string>('none');
  const [secret, setSecret] = useState('');
  const [sample, setSample] = useState('');
  useEffect(() => {
    if (webhook.data) {
      setPreset(webhook.data.preset);
      setMapping(webhook.data.mapping);
      setSignature(webhook.data.signature ?? 'none');
    }
  }, [webhook.data]);
  const presetList = presets.data?.data ?? [];
  // The sample starts as the preset's documented payload, so a trial run works at once: the one
  // picked, else the saved one (read from the answer: the state above is set an effect later),
  // else Shopify's for a new source. None before the saved mapping is known.
  const samplePreset =
    webhook.data === undefined ? undefined : (preset ?? webhook.data?.preset ?? 'shopify-orders');
  useEffect(() => {
    const chosen = presetList.find((p) => p.id === samplePreset);
    if (chosen && sample === '') setSample(JSON.stringify(chosen.samplePayload, null, 2));
  }, [presetList, samplePreset, sample]);

  const save = useMutation({
    mutationFn: (input: PutWebhookSource) => websiteApi.saveWebhook(source.id, input),
    onSuccess: (saved) => {
      setSecret('');
      queryClient.setQueryData(key, saved);
    },
  });
  const trial = useMutation({
    mutationFn: (input: { payload: unknown; mapping: string }) => websiteApi.testWebhook(source.id, input),
  });
  const [sampleProblem, setSampleProblem] = useState<string | null>(null);

  const choosePreset = (id: string | null) => {
    const chosen = presetList.find((p) => p.id === id);
    if (!chosen) return;
    setPreset(chosen.id);
    setMapping(chosen.mapping);
    setSignature(chosen.signature);
    setSample(JSON.stringify(chosen.samplePayload, null, 2));
    trial.reset();
  };
  const runTrial = () => {
    try {
      const payload: unknown = JSON.parse(sample);
      setSampleProblem(null);
      trial.mutate({ payload, mapping });
    } catch {
      setSampleProblem('The sample payload is not valid JSON.');
    }
  };
  const submit = () =>
    save.mutate({
      mapping,
      ...(preset && presetList.find((p) => p.id === preset)?.mapping === mapping ? { preset } : {}),
      signature: signature === 'none' ? null : (signature as WebhookSignature),
      ...(secret ? { signingSecret: secret } : signature === 'none' ? { signingSecret: null } : {}),
    });
  // A refused secret is said beside its field, as a sentence (the server's message names it `signingSecret`).
  const secretDetail =
    save.error instanceof ApiError
      ? save.error.details.find((detail) => /(^|\.)signingSecret$/.test(detail.path))
      : undefined;
  const inboundUrl = webhook.data?.inboundPath
    ? `${window.location.origin}${webhook.data.inboundPath}`
    : undefined;

  return (
    <Stack gap="sm" component="section" aria-label="Webhook">
      <Title order={3}>Webhook</Title>
      <Text size="sm" c="dimmed">
        Any system that can POST JSON (a shop, a payment provider, a till) feeds this source. A mapping turns
        each payload into Segment calls, which are checked and stored like the Tracking API's.
      </Text>
      {inboundUrl ? (
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" c="dimmed">
            Webhook URL
          </Text>
          <Code>{inboundUrl}</Code>
          <CopyButton value={inboundUrl}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="subtle" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
      ) : (
        <Text size="sm">
          {webhook.data === null
            ? 'Choose a preset or write a mapping, then save: the webhook URL appears here.'
            : webhook.data
              ? 'Only roles that manage sources see the webhook URL.'
              : ''}
        </Text>
      )}
      {webhook.error && (
        <Alert color="red" role="alert">
          {errorMessage(webhook.error)}
        </Alert>
      )}
      <Stack gap="sm" maw={900}>
        <Select
          label="Start from a preset"
          placeholder="Pick a preset"
          data={presetList.map((p: WebhookPresetInfo) => ({ value: p.id, label: p.name }))}
          value={preset}
          onChange={choosePreset}
          disabled={!canWrite}
          allowDeselect={false}
        />
        <Textarea
          label="Mapping (JSONata)"
          description="$ is the payload, $headers the request headers (lower-case). Give one call or an array of calls."
          autosize
          minRows={8}
          maxRows={24}
          styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
          value={mapping}
          onChange={(event) => setMapping(event.currentTarget.value)}
          readOnly={!canWrite}
        />
        {/* Top-aligned: an error under the secret must not push the check's field down. */}
        <Group align="flex-start">
          <Select
            label="Signature check"
            data={SIGNATURES}
            value={signature}
            onChange={(value) => setSignature(value ?? 'none')}
            disabled={!canWrite}
            allowDeselect={false}
            w={300}
          />
          <PasswordInput
            label="Signing secret"
            placeholder={
              !webhook.data?.hasSigningSecret
                ? 'From the sender'
                : signature === (webhook.data.signature ?? 'none')
                  ? 'Set (kept unless you type a new one)'
                  : 'Needed: the kept one is for another check'
            }
            value={secret}
            onChange={(event) => setSecret(event.currentTarget.value)}
            error={secretDetail && sentence(secretDetail.message)}
            disabled={!canWrite || signature === 'none'}
            w={320}
          />
        </Group>
        {canWrite && (
          <Group>
            <Button onClick={submit} loading={save.isPending} disabled={!mapping.trim()}>
              Save mapping
            </Button>
            {save.isSuccess && (
              <Text size="sm" c="teal">
                Saved.
              </Text>
            )}
          </Group>
        )}
        {save.error && !secretDetail && (
          <Alert color="red" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
      </Stack>

      <Title order={4} mt="md">
        Test with a sample payload
      </Title>
      <Stack gap="sm" maw={900}>
        <Textarea
          label="Sample payload (JSON)"
          autosize
          minRows={6}
          maxRows={18}
          styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
          value={sample}
          onChange={(event) => setSample(event.currentTarget.value)}
        />
        <Group>
          <Button
            variant="light"
            onClick={runTrial}
            loading={trial.isPending}
            disabled={!canWrite || !mapping.trim()}
          >
            Run the mapping
          </Button>
          <Text size="xs" c="dimmed">
            Nothing is stored.
          </Text>
        </Group>
        {sampleProblem && (
          <Alert color="red" role="alert">
            {sampleProblem}
          </Alert>
        )}
        {trial.error && (
          <Alert color="red" role="alert">
            {errorMessage(trial.error)}
          </Alert>
        )}
        {trial.data && <TrialResult result={trial.data} />}
      </Stack>
    </Stack>
  );
}

function TrialResult({ result }: { result: WebhookMappingResult }) {
  const count = result.calls.length;
  return (
    <Stack gap="xs" aria-label="Mapping result">
      <Text size="sm" fw={500}>
        {count === 0
          ? 'The mapping gives no call for this payload: it would be accepted and nothing stored.'
          : `The mapping gives ${count} call${count === 1 ? '' : 's'}; ${count - result.problems.length} would be stored.`}
      </Text>
      {result.problems.length > 0 && (
        <Alert color="orange" role="alert" title="Calls that would be refused">
          <List size="sm">
            {result.problems.map((problem) => (
              <List.Item key={problem.index}>
                Call {problem.index + 1}: {problem.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {count > 0 && <JsonBlock value={result.calls} label="Calls produced" />}
    </Stack>
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
