import { AccessService } from './access/index.js';
import { Collector, type CollectorOptions } from './collect/index.js';
import { EventLog } from './log/index.js';
import { SourcesService } from './sources/index.js';
import { isStoreReady, migrate, openStore, type Store, type StoreOptions } from './store/index.js';

export interface EngineOptions extends StoreOptions {
  /** Apply pending migrations on open. Default true. */
  readonly migrate?: boolean | undefined;
  /** Tuning of event collection (write queue bound, group commit delay, retention). */
  readonly collector?: CollectorOptions | undefined;
}

/** The domain services over one store. The server and the CLI each hold one. */
export class Engine {
  readonly access: AccessService;
  readonly sources: SourcesService;
  /** The append-only event log (group-committed writes). */
  readonly log: EventLog;
  /** Segment-compatible collection into the log. */
  readonly collector: Collector;

  private constructor(
    readonly store: Store,
    options: EngineOptions,
  ) {
    this.access = new AccessService(store);
    this.sources = new SourcesService(store);
    this.log = new EventLog(store, options.collector);
    this.collector = new Collector(this.log, options.collector);
  }

  /** Opens the store and applies pending migrations (unless told not to). */
  static async open(options: EngineOptions): Promise<Engine> {
    const store = await openStore(options);
    try {
      if (options.migrate !== false) await migrate(store);
    } catch (error) {
      await store.close();
      throw error;
    }
    return new Engine(store, options);
  }

  isReady(): Promise<boolean> {
    return isStoreReady(this.store);
  }

  /** Waits for pending event writes, then closes the store. */
  async close(): Promise<void> {
    await this.log.flush();
    await this.store.close();
  }
}
