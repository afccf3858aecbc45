import nodemailer, { type Transporter } from 'nodemailer';
import { rawMessage } from './raw-message.js';

/** One email as it leaves Tandem. */
export interface OutboundEmail {
  readonly from: { readonly address: string; readonly name: string };
  readonly to: string;
  readonly replyTo?: string | undefined;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
  /** With angle brackets. */
  readonly messageId: string;
  /** The bounce address (MAIL FROM), when the policy sets one. */
  readonly envelopeFrom?: string | undefined;
}

/** What the relay answered. */
export type RelayOutcome =
  | { readonly kind: 'accepted'; readonly response: string }
  /** An SMTP refusal: 4xx try again later, 5xx never. */
  | { readonly kind: 'refused'; readonly code: number; readonly response: string }
  /** No relay could be reached (connection refused, timeout): try again later. */
  | { readonly kind: 'unreachable'; readonly error: string };

/** How long a relay that could not be reached is passed over. */
const DOWN_FOR_MS = 30_000;

/**
 * The outbound relays of `TANDEM_SMTP_URL` (one URL, or several comma-separated): pooled
 * nodemailer transports, used in turn; a relay that cannot be reached is skipped for a while
 * and the message tried on the next one.
 */
export class SmtpRelays {
  private readonly relays: { url: string; transport: Transporter; downUntil: number }[];
  private turn = 0;

  constructor(urls: string, options: { maxConnections?: number | undefined } = {}) {
    this.relays = urls
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url.length > 0)
      .map((url) => ({
        url,
        transport: nodemailer.createTransport({
          url,
          pool: true,
          maxConnections: options.maxConnections ?? 8,
          maxMessages: Number.POSITIVE_INFINITY,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        } as Parameters<typeof nodemailer.createTransport>[0]),
        downUntil: 0,
      }));
  }

  get size(): number {
    return this.relays.length;
  }

  async send(email: OutboundEmail, now = Date.now()): Promise<RelayOutcome> {
    if (this.relays.length === 0)
      return { kind: 'unreachable', error: 'no relay configured (TANDEM_SMTP_URL)' };
    let lastError = 'no relay reachable';
    const raw = rawMessage(email, new Date(now));
    const envelope = { from: email.envelopeFrom ?? email.from.address, to: [email.to] };
    const start = this.turn++ % this.relays.length;
    // Up relays first, in turn; then the ones marked down (one may be back).
    const order = this.relays.map((_, i) => this.relays[(start + i) % this.relays.length]);
    const ranked = [
      ...order.filter((r) => r && r.downUntil <= now),
      ...order.filter((r) => r && r.downUntil > now),
    ];
    for (const relay of ranked) {
      if (!relay) continue;
      try {
        const info = (await relay.transport.sendMail({ envelope, raw })) as { response?: string };
        relay.downUntil = 0;
        return { kind: 'accepted', response: String(info.response ?? '250') };
      } catch (cause) {
        const error = cause as { responseCode?: number; response?: string; message?: string };
        if (typeof error.responseCode === 'number' && error.responseCode >= 400)
          return {
            kind: 'refused',
            code: error.responseCode,
            response: error.response ?? error.message ?? '',
          };
        relay.downUntil = Date.now() + DOWN_FOR_MS;
        lastError = `${relay.url.replace(/\/\/[^@/]*@/, '//')}: ${error.message ?? String(cause)}`;
      }
    }
    return { kind: 'unreachable', error: lastError };
  }

  close(): void {
    for (const relay of this.relays) relay.transport.close();
  }
}
