import { AccessService } from './access/index.js';
import { SourcesService } from './sources/index.js';
import { isStoreReady, migrate, openStore, type Store, type StoreOptions } from './store/index.js';

/** The domain services over one store. The server and the CLI each hold one. */
export class Engine {
  readonly access: AccessService;
  readonly sources: SourcesService;

  private constructor(readonly store: Store) {
    this.access = new AccessService(store);
    this.sources = new SourcesService(store);
  }

  /** Opens the store and applies pending migrations (unless told not to). */
  static async open(options: StoreOptions & { migrate?: boolean }): Promise<Engine> {
    const store = await openStore(options);
    try {
      if (options.migrate !== false) await migrate(store);
    } catch (error) {
      await store.close();
      throw error;
    }
    return new Engine(store);
  }

  isReady(): Promise<boolean> {
    return isStoreReady(this.store);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
