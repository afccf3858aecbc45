import type { DeliveryType, DestinationConfig, DestinationType } from '@tandem/contract';

// The seam between the delivery machinery (outbox, dispatcher, retries, dead letters) and the
// systems it delivers to. A transport only sends; what to send, when and how often is decided
// above it.

/** One delivery to one destination, as the transport sends it. */
export interface DeliveryMessage {
  /** Stable across retries and replays: the receiver's idempotency key. */
  readonly deliveryId: string;
  readonly workspaceId: string;
  readonly destinationId: string;
  readonly profileId: string;
  /** `delete`: a deletion notice (an erased person's ids in `body`), never a stored delivery. */
  readonly type: DeliveryType | 'delete';
  /** When its cause happened (ISO 8601 UTC). */
  readonly occurredAt: string;
  /** What is sent: the webhook body of the contract, or the subscription's mapping of it. */
  readonly body: Readonly<Record<string, unknown>>;
  /** `body` as JSON text, when the dispatcher has it as stored (no mapping): sent as is. */
  readonly rawBody?: string | undefined;
  /** 1 for the first try. */
  readonly attempt: number;
}

/** What became of one message. A transport never throws for a failed send: it answers this. */
export type DeliveryOutcome =
  | { readonly ok: true; readonly status?: number | undefined }
  | {
      readonly ok: false;
      /** false: retrying cannot help (a 4xx other than 408/429, a refused address). */
      readonly retryable: boolean;
      /** The other side's `Retry-After`, when it gave one. */
      readonly retryAfterMs?: number | undefined;
      readonly status?: number | undefined;
      /** A sentence for the delivery log. */
      readonly error: string;
      /**
       * The message was not sent at all (an earlier one of its profile failed in the same call):
       * no attempt is counted; it waits behind that one.
       */
      readonly notAttempted?: boolean | undefined;
    };

/** An open connection to one destination. */
export interface DestinationTransport {
  /**
   * Sends the messages (one destination; the array keeps each profile's order) and answers one
   * outcome per message, in the same order. `signal` aborts sends that outlive their deadline.
   */
  send(messages: readonly DeliveryMessage[], signal: AbortSignal): Promise<DeliveryOutcome[]>;
  /**
   * Checks the connection and that the target can be written, writing nothing. Offered by the
   * transports of destinations that keep what they receive (a warehouse, audience files): a test
   * checks them instead of sending a sample, which would stay there.
   */
  check?(signal: AbortSignal): Promise<TargetCheck>;
  /** Closes connections; sends after it are not made. */
  close(): Promise<void>;
}

/** What a check found: what was checked (a sentence), and why it failed when it did. */
export type TargetCheck =
  | { readonly ok: true; readonly checked: string }
  | { readonly ok: false; readonly checked: string; readonly error: string };

/** A logger's shape, so the engine needs none. */
export type TransportLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/** What a transport is opened with. */
export interface TransportContext<T extends DestinationType = DestinationType> {
  readonly workspaceId: string;
  readonly destinationId: string;
  /** The configuration, secrets decrypted. */
  readonly config: DestinationConfig<T>;
  /** `TANDEM_ALLOW_PRIVATE_DESTINATIONS`: loopback and private ranges allowed. */
  readonly allowPrivateNetworks: boolean;
  /** Where the transport reports what the delivery log does not show (a reconnect, a dropped link). */
  readonly log: TransportLog;
}

/** A kind of destination: how to open a transport to one. */
export interface TransportKind<T extends DestinationType = DestinationType> {
  readonly type: T;
  open(context: TransportContext<T>): Promise<DestinationTransport>;
}
