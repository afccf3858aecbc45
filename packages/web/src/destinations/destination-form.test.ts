import { DESTINATION_CONFIG_SCHEMAS, type Destination, SubscriptionSchema } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import {
  createBody,
  emptyDestinationForm,
  emptySubscription,
  formFromDestination,
  formProblems,
  parseConditionValue,
  subscriptionBody,
  subscriptionForm,
  updateBody,
} from './destination-form';

function answered(overrides: Partial<Destination>): Destination {
  return {
    id: 'dst_1',
    name: 'Orders hook',
    type: 'webhook',
    config: { url: 'https://example.com/hook' },
    secrets: [],
    purposes: [],
    subscriptions: [],
    enabled: true,
    limits: { concurrency: 16 },
    deliveries: { pending: 0, failed: 0, dead: 0, delivered: 0, skipped: 0 },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('destination form ↔ API bodies', () => {
  it('builds a webhook create body the contract accepts, with headers, batching and limits', () => {
    const form = emptyDestinationForm('webhook');
    form.name = '  Orders hook ';
    form.fields = { url: 'https://example.com/hook', secret: 's3cret' };
    form.headers = [
      { name: 'Authorization', value: 'Bearer abc' },
      { name: '', value: '' },
    ];
    form.batching = true;
    form.batchMaxSize = '50';
    form.batchMaxWaitMs = '200';
    form.purposes = ['marketing'];
    form.concurrency = '4';
    form.ratePerSecond = '100';
    const body = createBody(form);
    expect(body).toEqual({
      name: 'Orders hook',
      type: 'webhook',
      config: {
        url: 'https://example.com/hook',
        secret: 's3cret',
        headers: { Authorization: 'Bearer abc' },
        batch: { maxSize: 50, maxWaitMs: 200 },
      },
      purposes: ['marketing'],
      subscriptions: [],
      enabled: true,
      limits: { concurrency: 4, ratePerSecond: 100 },
    });
    expect(DESTINATION_CONFIG_SCHEMAS.webhook.safeParse(body.config).success).toBe(true);
    expect(formProblems(form, 'create')).toEqual({});
  });

  it('gives every type a config its schema accepts once the required fields are filled', () => {
    const filled = {
      nats: { url: 'nats://127.0.0.1:4222', subject: 'tandem.events' },
      amqp: { url: 'amqp://guest:guest@127.0.0.1:5672/', exchange: '', routingKey: 'events' },
      'redis-stream': { url: 'redis://127.0.0.1:6379', stream: 'tandem', maxLength: '1000' },
      warehouse: { engine: 'mysql', url: 'mysql://root@127.0.0.1/test', schema: 'tandem' },
      'audience-file': { format: 'csv', directory: '' },
    } as const;
    for (const [type, fields] of Object.entries(filled) as [keyof typeof filled, Record<string, string>][]) {
      const form = emptyDestinationForm(type);
      form.name = type;
      form.fields = { ...form.fields, ...fields };
      expect(formProblems(form, 'create'), type).toEqual({});
      const config = createBody(form).config;
      const parsed = DESTINATION_CONFIG_SCHEMAS[type].safeParse(config);
      expect(parsed.success, `${type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    expect(emptyDestinationForm('redis-stream').fields).toEqual({ url: '', stream: '', maxLength: '' });
    // AMQP's default exchange is the empty string, which the schema needs present.
    const amqp = emptyDestinationForm('amqp');
    expect(createBody(amqp).config).toEqual({ exchange: '', routingKey: '' });
  });

  it('names what is missing or wrong as sentences', () => {
    const form = emptyDestinationForm('webhook');
    form.fields.url = 'ftp://example.com';
    form.headers = [
      { name: 'X-A', value: '1' },
      { name: 'x-a', value: '2' },
    ];
    form.batching = true;
    form.batchMaxSize = '5000';
    form.subscriptions = [{ ...emptySubscription('audience') }];
    expect(formProblems(form, 'create')).toEqual({
      name: 'Give the destination a name.',
      'config.url': 'The endpoint URL must start with http:// or https://.',
      'config.headers': 'Each header name can appear only once.',
      'config.batch.maxSize': 'A batch holds between 1 and 1000 deliveries.',
      'subscriptions.0': 'Pick the audience.',
    });
    const nats = emptyDestinationForm('nats');
    nats.name = 'Bus';
    nats.fields.subject = 'tandem';
    expect(formProblems(nats, 'create')).toEqual({ 'config.url': 'Server URL is required.' });
    // Editing, a stored URL that was not answered back is kept when left empty.
    expect(formProblems(nats, 'edit', ['url'])).toEqual({});
  });

  it('edits without ever holding a secret: empty secrets are left out, masked header values kept', () => {
    const destination = answered({
      config: {
        url: 'https://example.com/hook',
        headers: { Authorization: '***' },
        batch: { maxSize: 10, maxWaitMs: 0 },
      },
      secrets: ['secret', 'headers'],
      purposes: ['marketing'],
      enabled: false,
      limits: { concurrency: 8, ratePerSecond: 20 },
    });
    const form = formFromDestination(destination);
    expect(form.fields).toEqual({ url: 'https://example.com/hook', secret: '' });
    expect(form.headers).toEqual([{ name: 'Authorization', value: '', stored: true }]);
    expect(form.batching).toBe(true);
    expect(form.enabled).toBe(false);
    expect(updateBody(form)).toEqual({
      name: 'Orders hook',
      config: {
        url: 'https://example.com/hook',
        headers: { Authorization: '***' },
        batch: { maxSize: 10, maxWaitMs: 0 },
      },
      purposes: ['marketing'],
      subscriptions: [],
      enabled: false,
      limits: { concurrency: 8, ratePerSecond: 20 },
    });
    form.fields.secret = 'rotated';
    expect(updateBody(form).config).toMatchObject({ secret: 'rotated' });
    // A header added while editing sends what was typed; removing every header clears them.
    form.headers.push({ name: 'X-New', value: '' });
    expect(updateBody(form).config?.headers).toEqual({ Authorization: '***', 'X-New': '' });
    form.headers = [];
    expect(updateBody(form).config?.headers).toEqual({});
  });

  it('keeps a masked bus URL as answered, so sending it back keeps the password', () => {
    const form = formFromDestination(
      answered({
        type: 'nats',
        config: { url: 'nats://user:***@127.0.0.1:4222', subject: 's' },
        secrets: ['url'],
      }),
    );
    expect(updateBody(form).config).toEqual({ url: 'nats://user:***@127.0.0.1:4222', subject: 's' });
  });

  it('round-trips every subscription kind through the form', () => {
    const subscriptions = [
      {
        kind: 'event',
        filter: {
          type: 'track',
          event: 'Order Completed',
          where: [
            { property: 'total', op: 'gte', value: 50 },
            { property: 'currency', op: 'in', value: ['EUR', 'USD'] },
            { property: 'coupon', op: 'exists' },
            { property: 'gift', op: 'eq', value: true },
          ],
        },
        mapping: '{"order": event.properties.orderId}',
      },
      { kind: 'event', filter: { type: 'identify' } },
      { kind: 'event', filter: {} },
      { kind: 'audience', audienceId: 'aud_1', on: ['entered'] },
      { kind: 'audience', audienceId: 'aud_2', on: ['entered', 'exited'], mapping: '$' },
      { kind: 'trait', traits: ['orders_30d'] },
      { kind: 'trait' },
    ] as const;
    for (const subscription of subscriptions) {
      const parsed = SubscriptionSchema.parse(subscription);
      expect(subscriptionBody(subscriptionForm(parsed))).toEqual(parsed);
    }
  });

  it('sends a mapping only while it is turned on, and an event name only for track calls', () => {
    const event = emptySubscription('event');
    if (event.kind !== 'event') throw new Error('event subscription expected');
    event.mapping = '$.event';
    expect(subscriptionBody(event)).toEqual({ kind: 'event', filter: { type: 'track' } });
    event.mappingEnabled = true;
    event.callType = 'page';
    event.eventName = 'Order Completed';
    expect(subscriptionBody(event)).toEqual({ kind: 'event', filter: { type: 'page' }, mapping: '$.event' });
  });

  it('reads condition values by operator', () => {
    expect(parseConditionValue('gte', '50')).toBe(50);
    expect(parseConditionValue('eq', 'pro')).toBe('pro');
    expect(parseConditionValue('eq', '12')).toBe(12);
    expect(parseConditionValue('eq', 'false')).toBe(false);
    expect(parseConditionValue('in', 'EUR, USD ,, 3')).toEqual(['EUR', 'USD', 3]);
    expect(parseConditionValue('contains', '42')).toBe('42');
    expect(parseConditionValue('within_last', '7d')).toBe('7d');
  });
});
