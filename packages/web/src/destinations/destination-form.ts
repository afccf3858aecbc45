import type {
  ConditionOp,
  ConditionValue,
  CreateDestination,
  Destination,
  DestinationType,
  PropertyCondition,
  Subscription,
  UpdateDestination,
} from '@tandem/contract';
import { destinationTypeInfo, isSecretField } from './destination-types';

// The destination form as the person edits it (strings, rows, checkboxes) and its translation
// to and from the API's bodies. Pure, so the round trips are unit-tested.

/** What the server answers in place of a secret value it keeps (header values, URL passwords). */
export const MASKED = '***';

/** `stored`: the row came from the server, its value hidden; left empty, the stored value stays. */
export type HeaderRow = { name: string; value: string; stored?: boolean };
export type ConditionRow = { property: string; op: ConditionOp; value: string };

export const EVENT_CALL_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventCallType = (typeof EVENT_CALL_TYPES)[number];

type SubscriptionCommon = { key: string; mappingEnabled: boolean; mapping: string };
export type EventSubscriptionForm = SubscriptionCommon & {
  kind: 'event';
  /** '' means every call type. */
  callType: EventCallType | '';
  /** '' means every name (only track calls have one). */
  eventName: string;
  where: ConditionRow[];
};
export type AudienceSubscriptionForm = SubscriptionCommon & {
  kind: 'audience';
  audienceId: string;
  entered: boolean;
  exited: boolean;
};
export type TraitSubscriptionForm = SubscriptionCommon & {
  kind: 'trait';
  /** Empty means every computed trait. */
  traits: string[];
};
export type SubscriptionForm = EventSubscriptionForm | AudienceSubscriptionForm | TraitSubscriptionForm;
export type SubscriptionKind = SubscriptionForm['kind'];

export type DestinationForm = {
  name: string;
  type: DestinationType;
  /** The type's scalar configuration fields by key, as typed. */
  fields: Record<string, string>;
  /** Webhook custom headers; an empty value on an edited destination keeps the stored one. */
  headers: HeaderRow[];
  batching: boolean;
  batchMaxSize: string;
  batchMaxWaitMs: string;
  purposes: string[];
  subscriptions: SubscriptionForm[];
  enabled: boolean;
  concurrency: string;
  ratePerSecond: string;
};

let nextKey = 0;
/** React keys for rows that have no id of their own. */
export function rowKey(): string {
  nextKey += 1;
  return `row-${nextKey}`;
}

export function emptyDestinationForm(type: DestinationType = 'webhook'): DestinationForm {
  return {
    name: '',
    type,
    fields: defaultFields(type),
    headers: [],
    batching: false,
    batchMaxSize: '100',
    batchMaxWaitMs: '1000',
    purposes: [],
    subscriptions: [],
    enabled: true,
    concurrency: '',
    ratePerSecond: '',
  };
}

/** The type's fields, empty but for selects (which start on their first option). */
export function defaultFields(type: DestinationType): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const spec of destinationTypeInfo(type).fields) {
    fields[spec.key] = spec.kind === 'select' ? (spec.options?.[0]?.value ?? '') : '';
  }
  return fields;
}

export function emptySubscription(kind: SubscriptionKind): SubscriptionForm {
  const common = { key: rowKey(), mappingEnabled: false, mapping: '' };
  if (kind === 'event') return { ...common, kind, callType: 'track', eventName: '', where: [] };
  if (kind === 'audience') return { ...common, kind, audienceId: '', entered: true, exited: true };
  return { ...common, kind, traits: [] };
}

/** An answered destination as a form; secrets stay empty ("leave empty to keep"). */
export function formFromDestination(destination: Destination): DestinationForm {
  const { type, config } = destination;
  const fields = defaultFields(type);
  for (const spec of destinationTypeInfo(type).fields) {
    const value = config[spec.key];
    // A masked URL (`nats://user:***@host`) may be shown: sent back unchanged, it keeps the password.
    if (spec.kind === 'secret') continue;
    if (typeof value === 'string' || typeof value === 'number') fields[spec.key] = String(value);
  }
  const headers = isStringRecord(config.headers)
    ? Object.entries(config.headers).map(([name, value]) =>
        value === MASKED ? { name, value: '', stored: true } : { name, value },
      )
    : [];
  const batch = isRecord(config.batch) ? config.batch : null;
  return {
    name: destination.name,
    type,
    fields,
    headers,
    batching: batch !== null,
    batchMaxSize: batch && typeof batch.maxSize === 'number' ? String(batch.maxSize) : '100',
    batchMaxWaitMs: batch && typeof batch.maxWaitMs === 'number' ? String(batch.maxWaitMs) : '1000',
    purposes: [...destination.purposes],
    subscriptions: destination.subscriptions.map(subscriptionForm),
    enabled: destination.enabled,
    concurrency: String(destination.limits.concurrency),
    ratePerSecond:
      destination.limits.ratePerSecond === undefined ? '' : String(destination.limits.ratePerSecond),
  };
}

export function subscriptionForm(subscription: Subscription): SubscriptionForm {
  const common = {
    key: rowKey(),
    mappingEnabled: subscription.mapping !== undefined,
    mapping: subscription.mapping ?? '',
  };
  switch (subscription.kind) {
    case 'event':
      return {
        ...common,
        kind: 'event',
        callType: subscription.filter.type ?? '',
        eventName: subscription.filter.event ?? '',
        where: (subscription.filter.where ?? []).map((condition) => ({
          property: condition.property,
          op: condition.op,
          value: conditionValueText(condition.value),
        })),
      };
    case 'audience':
      return {
        ...common,
        kind: 'audience',
        audienceId: subscription.audienceId,
        entered: subscription.on.includes('entered'),
        exited: subscription.on.includes('exited'),
      };
    case 'trait':
      return { ...common, kind: 'trait', traits: [...(subscription.traits ?? [])] };
  }
}

export function subscriptionBody(form: SubscriptionForm): Subscription {
  const mapping = form.mappingEnabled && form.mapping.trim() ? { mapping: form.mapping.trim() } : {};
  switch (form.kind) {
    case 'event': {
      const where = form.where.filter((row) => row.property.trim()).map(conditionBody);
      return {
        kind: 'event',
        filter: {
          ...(form.callType ? { type: form.callType } : {}),
          // Only track calls carry an event name.
          ...(form.eventName.trim() && (form.callType === 'track' || form.callType === '')
            ? { event: form.eventName.trim() }
            : {}),
          ...(where.length > 0 ? { where } : {}),
        },
        ...mapping,
      };
    }
    case 'audience':
      return {
        kind: 'audience',
        audienceId: form.audienceId,
        on: [...(form.entered ? ['entered' as const] : []), ...(form.exited ? ['exited' as const] : [])],
        ...mapping,
      };
    case 'trait':
      return { kind: 'trait', ...(form.traits.length > 0 ? { traits: [...form.traits] } : {}), ...mapping };
  }
}

/** Operators that take no value, and those that take a list. */
export const VALUELESS_OPS: readonly ConditionOp[] = ['exists', 'not_exists'];
export const LIST_OPS: readonly ConditionOp[] = ['in', 'not_in'];
const NUMERIC_OPS: readonly ConditionOp[] = ['gt', 'gte', 'lt', 'lte'];

export function conditionBody(row: ConditionRow): PropertyCondition {
  const property = row.property.trim();
  if (VALUELESS_OPS.includes(row.op)) return { property, op: row.op };
  return { property, op: row.op, value: parseConditionValue(row.op, row.value) };
}

/**
 * A typed value as the condition compares it: a list for `in` / `not_in` (comma separated), a
 * number when it reads as one (always for gt/gte/lt/lte), true/false as booleans, else the text.
 */
export function parseConditionValue(op: ConditionOp, text: string): ConditionValue {
  if (LIST_OPS.includes(op)) {
    return text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map(scalar);
  }
  const trimmed = text.trim();
  if (NUMERIC_OPS.includes(op) && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (
    ['before', 'after', 'within_last', 'contains', 'not_contains', 'starts_with', 'ends_with'].includes(op)
  ) {
    return trimmed;
  }
  return scalar(trimmed);
}

function scalar(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text !== '' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

export function conditionValueText(value: ConditionValue | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}

/** The create body of a filled form. */
export function createBody(form: DestinationForm): CreateDestination {
  const limits = limitsBody(form);
  return {
    name: form.name.trim(),
    type: form.type,
    config: configBody(form, 'create'),
    purposes: [...form.purposes],
    subscriptions: form.subscriptions.map(subscriptionBody),
    enabled: form.enabled,
    ...(limits ? { limits } : {}),
  };
}

/** The update body: everything but the type; empty secrets are left out, so the stored ones stay. */
export function updateBody(form: DestinationForm): UpdateDestination {
  const limits = limitsBody(form);
  return {
    name: form.name.trim(),
    config: configBody(form, 'edit'),
    purposes: [...form.purposes],
    subscriptions: form.subscriptions.map(subscriptionBody),
    enabled: form.enabled,
    ...(limits ? { limits } : {}),
  };
}

export function configBody(form: DestinationForm, mode: 'create' | 'edit'): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const spec of destinationTypeInfo(form.type).fields) {
    const value = (form.fields[spec.key] ?? '').trim();
    // Empty: absent. For a stored secret that means "keep"; for an optional field, "none".
    if (value === '' && !spec.sendEmpty) continue;
    config[spec.key] = spec.kind === 'number' ? Number(value) : value;
  }
  if (form.type === 'webhook') {
    const headers: Record<string, string> = {};
    for (const row of form.headers) {
      const name = row.name.trim();
      if (!name) continue;
      // A stored header left empty is sent masked: the server keeps its value (under this name).
      headers[name] = row.value === '' && row.stored && mode === 'edit' ? MASKED : row.value;
    }
    // Editing, an empty list removes the stored headers (left out, they would be kept).
    if (Object.keys(headers).length > 0 || mode === 'edit') config.headers = headers;
    if (form.batching) {
      config.batch = { maxSize: Number(form.batchMaxSize), maxWaitMs: Number(form.batchMaxWaitMs || '0') };
    }
  }
  return config;
}

function limitsBody(form: DestinationForm): { concurrency?: number; ratePerSecond?: number } | null {
  const concurrency = form.concurrency.trim();
  const rate = form.ratePerSecond.trim();
  if (!concurrency && !rate) return null;
  return {
    ...(concurrency ? { concurrency: Number(concurrency) } : {}),
    ...(rate ? { ratePerSecond: Number(rate) } : {}),
  };
}

/** Problems the person can fix before saving, by field path (`name`, `config.url`, `subscriptions.0`…), as sentences. */
export function formProblems(
  form: DestinationForm,
  mode: 'create' | 'edit',
  storedSecrets: readonly string[] = [],
) {
  const problems: Record<string, string> = {};
  if (!form.name.trim()) problems.name = 'Give the destination a name.';
  for (const spec of destinationTypeInfo(form.type).fields) {
    const value = (form.fields[spec.key] ?? '').trim();
    const kept = mode === 'edit' && isSecretField(form.type, spec.key) && storedSecrets.includes(spec.key);
    if (spec.required && value === '' && !kept) problems[`config.${spec.key}`] = `${spec.label} is required.`;
    if (spec.kind === 'number' && value !== '' && !(Number.isInteger(Number(value)) && Number(value) > 0)) {
      problems[`config.${spec.key}`] = `${spec.label} must be a whole number above 0.`;
    }
  }
  if (form.type === 'webhook') {
    const url = (form.fields.url ?? '').trim();
    if (url && !/^https?:\/\/\S+$/i.test(url))
      problems['config.url'] = 'The endpoint URL must start with http:// or https://.';
    const names = form.headers.map((row) => row.name.trim().toLowerCase()).filter(Boolean);
    if (new Set(names).size !== names.length)
      problems['config.headers'] = 'Each header name can appear only once.';
    if (form.headers.some((row) => !row.name.trim() && row.value.trim())) {
      problems['config.headers'] = 'Every header needs a name.';
    }
    if (form.batching) {
      const size = Number(form.batchMaxSize);
      if (!Number.isInteger(size) || size < 1 || size > 1000) {
        problems['config.batch.maxSize'] = 'A batch holds between 1 and 1000 deliveries.';
      }
      const wait = Number(form.batchMaxWaitMs || '0');
      if (!Number.isInteger(wait) || wait < 0 || wait > 60_000) {
        problems['config.batch.maxWaitMs'] = 'The wait is between 0 and 60000 milliseconds.';
      }
    }
  }
  if (form.concurrency.trim()) {
    const concurrency = Number(form.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      problems['limits.concurrency'] = 'Concurrency is a whole number between 1 and 256.';
    }
  }
  if (form.ratePerSecond.trim() && !(Number(form.ratePerSecond) > 0)) {
    problems['limits.ratePerSecond'] = 'The rate limit is a number of deliveries per second above 0.';
  }
  form.subscriptions.forEach((subscription, index) => {
    const problem = subscriptionProblem(subscription);
    if (problem) problems[`subscriptions.${index}`] = problem;
  });
  return problems;
}

export function subscriptionProblem(subscription: SubscriptionForm): string | null {
  if (subscription.kind === 'audience') {
    if (!subscription.audienceId) return 'Pick the audience.';
    if (!subscription.entered && !subscription.exited) return 'Pick entered, exited or both.';
  }
  if (subscription.kind === 'event') {
    const incomplete = subscription.where.find(
      (row) => row.property.trim() && !VALUELESS_OPS.includes(row.op) && !row.value.trim(),
    );
    if (incomplete) return `The condition on “${incomplete.property.trim()}” needs a value.`;
  }
  if (subscription.mappingEnabled && !subscription.mapping.trim()) {
    return 'Write the mapping, or turn it off to send the body as is.';
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((entry) => typeof entry === 'string');
}
