import {
  type Delivery,
  type DeliveryCounts,
  type DeliveryDetail,
  type DeliveryStatus,
  type DeliveryType,
  type Destination,
  type DestinationLimits,
  DestinationLimitsSchema,
  type DestinationType,
  type Subscription,
} from '@tandem/contract';
import type { Selectable } from 'kysely';
import type { DeliveriesTable, DestinationsTable } from '../store/index.js';
import { maskedConfig } from './destination-config.js';

export type DestinationRow = Selectable<DestinationsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;

/** A destination as the dispatcher and the stage use it (secrets not opened). */
export interface StoredDestination {
  readonly workspaceId: string;
  readonly id: string;
  readonly name: string;
  readonly type: DestinationType;
  readonly clearConfig: Record<string, unknown>;
  readonly sealedSecrets: string | null;
  readonly purposes: readonly string[];
  readonly subscriptions: readonly Subscription[];
  readonly enabled: boolean;
  readonly limits: DestinationLimits;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function storedDestinationOf(row: DestinationRow): StoredDestination {
  return {
    workspaceId: row.workspace_id,
    id: row.destination_id,
    name: row.name,
    type: row.type as DestinationType,
    clearConfig: JSON.parse(row.config),
    sealedSecrets: row.secrets,
    purposes: JSON.parse(row.purposes),
    subscriptions: JSON.parse(row.subscriptions),
    enabled: Number(row.enabled) === 1,
    limits: DestinationLimitsSchema.parse(JSON.parse(row.limits)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const NO_DELIVERIES: DeliveryCounts = { pending: 0, failed: 0, dead: 0, delivered: 0, skipped: 0 };

export function destinationAnswer(
  stored: StoredDestination,
  secrets: Record<string, unknown>,
  deliveries: DeliveryCounts,
): Destination {
  const masked = maskedConfig(stored.clearConfig, secrets);
  return {
    id: stored.id,
    name: stored.name,
    type: stored.type,
    config: masked.config,
    secrets: masked.secrets,
    purposes: [...stored.purposes],
    subscriptions: [...stored.subscriptions],
    enabled: stored.enabled,
    limits: stored.limits,
    deliveries,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

export function deliveryOf(row: DeliveryRow): Delivery {
  return {
    id: row.delivery_id,
    destinationId: row.destination_id,
    profileId: row.profile_id,
    type: row.type as DeliveryType,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    lastStatusCode: row.last_status === null ? null : Number(row.last_status),
    latencyMs: row.latency_ms === null ? null : Number(row.latency_ms),
    occurredAt: row.occurred_at,
    createdAt: row.created_at,
    nextAttemptAt: row.status === 'pending' || row.status === 'failed' ? row.next_attempt_at : null,
    deliveredAt: row.delivered_at,
  };
}

export function deliveryDetailOf(row: DeliveryRow): DeliveryDetail {
  return { ...deliveryOf(row), body: JSON.parse(row.body) };
}
