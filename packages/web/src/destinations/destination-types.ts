import { AUDIENCE_FILE_FORMATS, DESTINATION_SECRET_FIELDS, type DestinationType } from '@tandem/contract';

/** One scalar field of a type's configuration form (webhook headers and batching have their own UI). */
export type ConfigFieldSpec = {
  key: string;
  label: string;
  kind: 'text' | 'number' | 'select' | 'secret';
  required: boolean;
  placeholder?: string;
  description?: string;
  options?: readonly { value: string; label: string }[];
  /** Sent as '' when left empty (the schema needs the field, empty has a meaning). */
  sendEmpty?: boolean;
};

export type DestinationTypeInfo = {
  type: DestinationType;
  label: string;
  /** One sentence for the type picker. */
  summary: string;
  fields: readonly ConfigFieldSpec[];
};

const AUDIENCE_FILE_FORMAT_LABELS: Record<(typeof AUDIENCE_FILE_FORMATS)[number], string> = {
  csv: 'CSV',
  ndjson: 'NDJSON',
  'google-customer-match': 'Google Customer Match (hashed)',
  'meta-custom-audience': 'Meta Custom Audience (hashed)',
};

/** Every destination type as the UI presents it, in picker order. */
export const DESTINATION_TYPE_INFO: readonly DestinationTypeInfo[] = [
  {
    type: 'webhook',
    label: 'Webhook',
    summary: 'POST signed JSON to any HTTP endpoint, one delivery or a batch per request.',
    fields: [
      {
        key: 'url',
        label: 'Endpoint URL',
        kind: 'text',
        required: true,
        placeholder: 'https://example.com/hooks/tandem',
      },
      {
        key: 'secret',
        label: 'Signing secret',
        kind: 'secret',
        required: false,
        description: 'Signs every request: X-Tandem-Signature is sha256=<HMAC of the body with this secret>.',
      },
    ],
  },
  {
    type: 'nats',
    label: 'NATS',
    summary: 'Publish to a NATS subject; JetStream acknowledges when a stream holds the subject.',
    fields: [
      { key: 'url', label: 'Server URL', kind: 'text', required: true, placeholder: 'nats://127.0.0.1:4222' },
      { key: 'subject', label: 'Subject', kind: 'text', required: true, placeholder: 'tandem.events' },
    ],
  },
  {
    type: 'amqp',
    label: 'RabbitMQ (AMQP)',
    summary: 'Publish persistent messages to an AMQP 0-9-1 exchange with publisher confirms.',
    fields: [
      {
        key: 'url',
        label: 'Broker URL',
        kind: 'text',
        required: true,
        placeholder: 'amqp://guest:guest@127.0.0.1:5672/',
      },
      {
        key: 'exchange',
        label: 'Exchange',
        kind: 'text',
        required: false,
        sendEmpty: true,
        placeholder: 'tandem',
        description: 'Empty publishes to the default exchange, routed by queue name.',
      },
      {
        key: 'routingKey',
        label: 'Routing key',
        kind: 'text',
        required: false,
        sendEmpty: true,
        placeholder: 'events',
      },
    ],
  },
  {
    type: 'redis-stream',
    label: 'Redis Stream',
    summary: 'Append every delivery to a Redis stream (XADD), optionally capped in length.',
    fields: [
      { key: 'url', label: 'Redis URL', kind: 'text', required: true, placeholder: 'redis://127.0.0.1:6379' },
      { key: 'stream', label: 'Stream', kind: 'text', required: true, placeholder: 'tandem:events' },
      {
        key: 'maxLength',
        label: 'Maximum length',
        kind: 'number',
        required: false,
        placeholder: '1000000',
        description: 'Approximate cap of the stream; empty keeps every entry.',
      },
    ],
  },
  {
    type: 'warehouse',
    label: 'Warehouse',
    summary: 'Sync profiles, identities, audience memberships and events into PostgreSQL or MySQL.',
    fields: [
      {
        key: 'engine',
        label: 'Database',
        kind: 'select',
        required: true,
        options: [
          { value: 'postgres', label: 'PostgreSQL' },
          { value: 'mysql', label: 'MySQL / MariaDB' },
        ],
      },
      {
        key: 'url',
        label: 'Connection URL',
        kind: 'text',
        required: true,
        placeholder: 'postgres://user:password@host:5432/analytics',
      },
      {
        key: 'schema',
        label: 'Schema',
        kind: 'text',
        required: true,
        placeholder: 'tandem',
        description: 'Letters, digits and _; created when missing.',
      },
    ],
  },
  {
    type: 'audience-file',
    label: 'Audience file',
    summary: 'Export audience members as CSV, NDJSON or hashed ad-platform customer lists.',
    fields: [
      {
        key: 'format',
        label: 'Format',
        kind: 'select',
        required: true,
        options: AUDIENCE_FILE_FORMATS.map((format) => ({
          value: format,
          label: AUDIENCE_FILE_FORMAT_LABELS[format],
        })),
      },
      {
        key: 'directory',
        label: 'Folder on the server',
        kind: 'text',
        required: false,
        placeholder: '/var/lib/tandem/exports',
        description: 'Empty keeps the files in Tandem, to download from the API.',
      },
    ],
  },
];

export function destinationTypeInfo(type: DestinationType): DestinationTypeInfo {
  const info = DESTINATION_TYPE_INFO.find((candidate) => candidate.type === type);
  if (!info) throw new Error(`Unknown destination type ${type}`);
  return info;
}

export function destinationTypeLabel(type: string): string {
  return DESTINATION_TYPE_INFO.find((candidate) => candidate.type === type)?.label ?? type;
}

/** Whether the server keeps this field write-only (never returned, or returned masked). */
export function isSecretField(type: DestinationType, key: string): boolean {
  return DESTINATION_SECRET_FIELDS[type].includes(key);
}
