import type { DestinationConfig } from '@tandem/contract';
import type { DestinationTransport, TransportKind } from '../destinations/index.js';
import {
  DEFAULT_SEND_TIMEOUT_MS,
  HostGuard,
  RefusedAddress,
  sendInProfileOrder,
  withinBound,
} from '../message-buses/index.js';
import { openWarehouseConnection } from './warehouse-connection.js';
import { maskDeliveryMessage, type WarehouseMaskOf } from './warehouse-masking.js';
import { UnreadableMessage, type WarehouseProfile, WarehouseWriter } from './warehouse-writer.js';

// Warehouse sync: each delivery becomes idempotent upserts into the destination's schema
// (PostgreSQL or MySQL/MariaDB); the schema and its tables are created on first use.

export interface WarehouseTransportOptions {
  /** Bound of one message's writes (connect and schema changes included). */
  readonly timeoutMs?: number | undefined;
  /** The PII mask of a destination: its personal fields are written masked. */
  readonly maskOf?: WarehouseMaskOf | undefined;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function warehouseTransportKind(options: WarehouseTransportOptions = {}): TransportKind<'warehouse'> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  return {
    type: 'warehouse',
    async open(context) {
      const { engine, url, schema } = context.config;
      const db = openWarehouseConnection({ engine, url, timeoutMs });
      const writer = new WarehouseWriter(db, schema);
      const guard = new HostGuard(new URL(url).hostname, context.allowPrivateNetworks);
      let closed = false;
      const transport: DestinationTransport = {
        send: async (messages, signal) => {
          // Read per batch, so a change of the PII settings applies to the next deliveries.
          const mask = (await options.maskOf?.(context.workspaceId, context.destinationId)) ?? null;
          return sendInProfileOrder(messages, signal, async (delivered, scoped) => {
            const message = mask ? maskDeliveryMessage(delivered, mask) : delivered;
            if (closed) return { ok: false, retryable: true, error: 'The transport is closed' };
            try {
              // Generous: the first message may create the schema, a new trait a column.
              await withinBound(
                guard.check().then(() => writer.apply(message)),
                timeoutMs * 4,
                `The ${engine} warehouse`,
                scoped,
              );
              return { ok: true };
            } catch (error) {
              const retryable = !(error instanceof UnreadableMessage || error instanceof RefusedAddress);
              // Tables dropped or changed behind Tandem's back: look at them again next time.
              if (retryable) writer.forgetSchema();
              return { ok: false, retryable, error: `Warehouse write failed: ${describe(error)}` };
            }
          });
        },
        async close() {
          closed = true;
          await db.close();
        },
      };
      return transport;
    },
  };
}

/** Warehouse sync with the default bounds. */
export const warehouseTransport: TransportKind<'warehouse'> = warehouseTransportKind();

/**
 * The initial full sync of a warehouse destination (on its creation): every profile, with its
 * identities and audience memberships. Answers how many profiles were written.
 */
export async function syncWarehouse(
  config: DestinationConfig<'warehouse'>,
  profiles: AsyncIterable<WarehouseProfile>,
  options: {
    timeoutMs?: number | undefined;
    batchSize?: number | undefined;
    /** TANDEM_ALLOW_PRIVATE_DESTINATIONS: loopback and private addresses allowed. Default false. */
    allowPrivateNetworks?: boolean | undefined;
  } = {},
): Promise<number> {
  await new HostGuard(new URL(config.url).hostname, options.allowPrivateNetworks ?? false).check();
  const db = openWarehouseConnection({
    engine: config.engine,
    url: config.url,
    timeoutMs: options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
  });
  try {
    return await new WarehouseWriter(db, config.schema).syncProfiles(profiles, options.batchSize);
  } finally {
    await db.close();
  }
}
