import { createHash, createHmac } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { DestinationConfig } from '@tandem/contract';
import { guardedLookup, literalHostRefusal, RefusedAddressError } from './safe-address.js';
import type {
  DeliveryMessage,
  DeliveryOutcome,
  DestinationTransport,
  TransportContext,
  TransportKind,
} from './transport.js';

// Webhooks: each delivery a JSON POST (or up to `batch.maxSize` of them as {"batch": [...]}),
// signed with HMAC-SHA256 of the raw body, to an address the SSRF guard allows.

/** The statuses worth retrying: the other side may answer differently later. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status !== 501 && status !== 505;
}

/** `Retry-After` as milliseconds (seconds or an HTTP date), when present and sane. */
export function retryAfterMsOf(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Stable for the same deliveries in the same order. */
function batchIdOf(deliveryIds: readonly string[]): string {
  return `batch_${createHash('sha256').update(deliveryIds.join(',')).digest('hex').slice(0, 32)}`;
}

/** A message's body as JSON text: as the dispatcher has it, else serialized. */
function jsonOf(message: DeliveryMessage): string {
  return message.rawBody ?? JSON.stringify(message.body);
}

export function signatureOf(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export const webhookTransportKind: TransportKind<'webhook'> = {
  type: 'webhook',
  async open(context) {
    return new WebhookTransport(context);
  },
};

/** The outcome of messages not sent because an earlier one of the same profile failed. */
const NOT_ATTEMPTED: DeliveryOutcome = {
  ok: false,
  retryable: true,
  notAttempted: true,
  error: 'Not sent: an earlier delivery to this person failed and is retried first',
};

class WebhookTransport implements DestinationTransport {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private closed = false;

  constructor(private readonly context: TransportContext<'webhook'>) {
    this.url = new URL(context.config.url);
    const options = { keepAlive: true, maxSockets: 256, lookup: guardedLookup(context.allowPrivateNetworks) };
    this.agent = this.url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
  }

  private get config(): DestinationConfig<'webhook'> {
    return this.context.config;
  }

  async send(messages: readonly DeliveryMessage[], signal: AbortSignal): Promise<DeliveryOutcome[]> {
    const refusal = this.refusal();
    if (refusal) return messages.map(() => ({ ok: false, retryable: false, error: refusal }));
    // Every request of the call listens to the one signal.
    setMaxListeners(0, signal);
    const batch = this.config.batch;
    if (batch) return this.sendBatches(messages, batch.maxSize, signal);
    // One POST per message: a profile's in order, one after the other; profiles side by side.
    const outcomes: DeliveryOutcome[] = new Array(messages.length);
    const byProfile = new Map<string, number[]>();
    messages.forEach((m, i) => {
      byProfile.set(m.profileId, [...(byProfile.get(m.profileId) ?? []), i]);
    });
    await Promise.all(
      [...byProfile.values()].map(async (indexes) => {
        let failed = false;
        for (const i of indexes) {
          const message = messages[i] as DeliveryMessage;
          if (failed) {
            outcomes[i] = NOT_ATTEMPTED;
            continue;
          }
          const outcome = await this.post(jsonOf(message), [message.deliveryId], signal);
          outcomes[i] = outcome;
          if (!outcome.ok) failed = true;
        }
      }),
    );
    return outcomes;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
  }

  /** Messages in order, `maxSize` per POST; one failed POST fails its messages together. */
  private async sendBatches(
    messages: readonly DeliveryMessage[],
    maxSize: number,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome[]> {
    const chunks: DeliveryMessage[][] = [];
    for (let i = 0; i < messages.length; i += maxSize) chunks.push(messages.slice(i, i + maxSize));
    const results = await Promise.all(
      chunks.map((chunk) =>
        this.post(
          `{"batch":[${chunk.map(jsonOf).join(',')}]}`,
          chunk.map((m) => m.deliveryId),
          signal,
        ),
      ),
    );
    return chunks.flatMap((chunk, i) => chunk.map(() => results[i] as DeliveryOutcome));
  }

  private refusal(): string | undefined {
    if (this.closed) return 'The destination was closed';
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:')
      return `A webhook URL must be http or https, not ${this.url.protocol}`;
    return literalHostRefusal(this.url.hostname, this.context.allowPrivateNetworks);
  }

  private post(
    rawBody: string,
    deliveryIds: readonly string[],
    signal: AbortSignal,
  ): Promise<DeliveryOutcome> {
    const headers: Record<string, string> = {
      ...this.config.headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(rawBody)),
      'user-agent': 'Tandem-Webhooks/1',
      // One delivery: its id. A batch: an id of the batch (its items carry their own
      // `deliveryId`, the idempotency keys; listing them all could pass header size limits).
      'x-tandem-delivery-id': deliveryIds.length === 1 ? (deliveryIds[0] as string) : batchIdOf(deliveryIds),
    };
    if (this.config.secret) headers['x-tandem-signature'] = signatureOf(this.config.secret, rawBody);
    return new Promise<DeliveryOutcome>((resolve) => {
      if (signal.aborted) {
        resolve({ ok: false, retryable: true, error: 'Timed out before the request was sent' });
        return;
      }
      const client = this.url.protocol === 'https:' ? https : http;
      const request = client.request(
        this.url,
        { method: 'POST', headers, agent: this.agent, signal },
        (response) => {
          response.resume();
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ ok: true, status });
          const retryAfterMs = retryAfterMsOf(response.headers['retry-after']);
          resolve({
            ok: false,
            status,
            retryable: isRetryableStatus(status),
            retryAfterMs,
            error:
              status >= 300 && status < 400
                ? `The webhook answered ${status} (redirects are not followed)`
                : `The webhook answered ${status}`,
          });
        },
      );
      request.on('error', (error) => {
        if (error instanceof RefusedAddressError || error.cause instanceof RefusedAddressError)
          return resolve({ ok: false, retryable: false, error: `Refused: ${error.message}` });
        const aborted = signal.aborted || error.name === 'AbortError';
        resolve({
          ok: false,
          retryable: true,
          error: aborted
            ? 'The webhook did not answer in time'
            : `Could not reach the webhook: ${error.message}`,
        });
      });
      request.end(rawBody);
    });
  }
}
