import type { ProfileSection } from './delivery-bodies.js';
import type { StoredDestination } from './destination-rows.js';
import type { CompiledSubscription } from './subscriptions.js';

/** A destination with subscriptions, compiled. */
export interface Subscribed {
  readonly destination: StoredDestination;
  readonly subscriptions: readonly CompiledSubscription[];
}

/** One delivery to write: a subscription matched, and how to make its body. */
export interface Pending {
  readonly destination: StoredDestination;
  readonly subscription: CompiledSubscription;
  readonly profileId: string;
  readonly make: (profile: ProfileSection, deliveryId: string) => Record<string, unknown>;
  readonly occurredAt: string;
  readonly type: string;
  /** Distinguishes the cause among the destination's: with the subscription, the delivery id. */
  readonly cause: string;
  /** The place in the log the delivery is ordered at. */
  readonly ord: number;
}
