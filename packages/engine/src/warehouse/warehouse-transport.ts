import type { DestinationConfig } from '@tandem/contract';
import type { DestinationTransport, TransportKind } from '../destinations/index.js';
import { AppError } from '../errors/index.js';
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
        // A test writes no sample: it connects and checks the schema can be written.
        check: async (signal) => {
          const checked = `Connected to the ${engine} warehouse and checked that Tandem may write in schema ${schema} (its tables created when absent); no row was written`;
          try {
            await withinBound(
              guard.check().then(() => writer.checkWritable()),
              timeoutMs * 4,
              `The ${engine} warehouse`,
              signal,
            );
            return { ok: true, checked };
          } catch (error) {
            writer.forgetSchema();
            return { ok: false, checked, error: `Warehouse check failed: ${describe(error)}` };
          }
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
 * The full sync of a warehouse destination (on its creation, and when asked): every profile,
 * with its identities and audience memberships. Answers how many profiles were written. The
 * warehouse refused or unreachable is an `unprocessable` AppError saying why (the destination's
 * to fix); a failure reading the profiles is thrown as it is.
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
  const db = openWarehouseConnection({
    engine: config.engine,
    url: config.url,
    timeoutMs: options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
  });
  try {
    await new HostGuard(new URL(config.url).hostname, options.allowPrivateNetworks ?? false).check();
    return await new WarehouseWriter(db, config.schema).syncProfiles(
      readFailures(profiles),
      options.batchSize,
    );
  } catch (error) {
    if (error instanceof ReadFailure) throw error.cause;
    throw new AppError(
      'unprocessable',
      `The ${config.engine} warehouse could not be written: ${describe(error)}`,
    );
  } finally {
    await db.close();
  }
}

/** A failure of the profiles' source, told apart from the warehouse's (`cause`: the failure). */
class ReadFailure extends Error {}

/** The items, a failure to read one thrown as a ReadFailure. */
async function* readFailures<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = items[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        finished = true;
        throw new ReadFailure('Reading the profiles failed', { cause: error });
      }
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Stopped early (the warehouse failed): the source is closed too.
    if (!finished) await iterator.return?.();
  }
}
