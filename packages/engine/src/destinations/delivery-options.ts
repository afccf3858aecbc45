import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { TransportKind, TransportLog } from './transport.js';

/**
 * Which of these profiles may be sent to a destination needing these purposes (consent);
 * the consent domain provides the real one (`consentedProfiles`).
 */
export type ConsentChecker = (
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
  purposes: readonly string[],
) => Promise<ReadonlySet<string>>;

/** Until the consent domain is wired in: every profile allowed. */
export const ALLOW_ALL: ConsentChecker = async (_db, _workspaceId, profileIds) => new Set(profileIds);

/** Delivery settings (the server's TANDEM_DELIVERY_* and TANDEM_SECRET_KEY). */
export interface DeliveryOptions {
  /**
   * 32 bytes sealing destination secrets, or a function giving them on first use; without it,
   * destinations with secrets are refused.
   */
  readonly secretKey?: Buffer | (() => Buffer) | undefined;
  /** TANDEM_ALLOW_PRIVATE_DESTINATIONS: loopback and private ranges allowed. */
  readonly allowPrivateNetworks?: boolean | undefined;
  /** Transports of the other destination types (webhook is built in). */
  readonly transports?: readonly TransportKind[] | undefined;
  /** Per-send time limit. Default 10 s. */
  readonly sendTimeoutMs?: number | undefined;
  /** Attempts before a delivery goes dead-letter. Default 12. */
  readonly maxAttempts?: number | undefined;
  /** Age after which an undelivered delivery goes dead-letter. Default 3 days. */
  readonly maxAgeMs?: number | undefined;
  /** First retry delay; doubles each attempt (with jitter) up to maxBackoffMs. Default 1 s. */
  readonly baseBackoffMs?: number | undefined;
  /** Default 10 min. */
  readonly maxBackoffMs?: number | undefined;
  /** Days the delivery log keeps finished deliveries (delivered, dead, skipped). Default 30. */
  readonly retentionDays?: number | undefined;
  /** Poll of other processes' outbox rows and of due retries. Default 1 s. */
  readonly pollMs?: number | undefined;
  /** Consent re-checked at every send (see ConsentChecker). Default: all allowed. */
  readonly consent?: ConsentChecker | undefined;
  readonly log?: TransportLog | undefined;
  readonly clock?: (() => number) | undefined;
}
