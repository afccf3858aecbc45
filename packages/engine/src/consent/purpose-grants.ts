import { NECESSARY_PURPOSE } from '@tandem/contract';
import { prepared, type Store } from '../store/index.js';
import { BUILT_IN_DEFAULT_MODE, readConfiguration } from './consent-purposes.js';

// A workspace's purpose defaults are read at most once a second: a per-request check then costs
// one point read of the profile's decision. Edits made through this process's ConsentService
// forget the copy at once; other processes' edits show within the second.
const DEFAULTS_TTL_MS = 1000;

const DECISION_SQL = `SELECT granted FROM consent_states
  WHERE workspace_id = ? AND profile_id = ? AND purpose = ?`;

interface PurposeDefaults {
  readonly at: number;
  /** Each defined purpose: whether an undecided profile grants it. */
  readonly granted: ReadonlyMap<string, boolean>;
}

/**
 * Whether one profile grants one purpose, for per-request checks (the personalization API): the
 * same answer as `consentedProfiles` (its latest decision, else the purpose's default, else the
 * workspace's; `necessary` always; an undefined purpose never), with the defaults kept in memory.
 */
export class PurposeGrants {
  private readonly defaults = new Map<string, Promise<PurposeDefaults>>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  async grants(workspaceId: string, profileId: string, purpose: string): Promise<boolean> {
    if (purpose === NECESSARY_PURPOSE) return true;
    const byDefault = (await this.defaultsOf(workspaceId)).granted.get(purpose);
    // A purpose the workspace does not define (any more) is granted by no one, decisions or not.
    if (byDefault === undefined) return false;
    const decision = await this.decisionOf(workspaceId, profileId, purpose);
    return decision === undefined ? byDefault : decision;
  }

  /** Forgets a workspace's defaults (its purposes or default mode changed). */
  forget(workspaceId: string): void {
    this.defaults.delete(workspaceId);
  }

  private async decisionOf(
    workspaceId: string,
    profileId: string,
    purpose: string,
  ): Promise<boolean | undefined> {
    const { sqlite, db } = this.store;
    const row = sqlite
      ? (prepared(sqlite, DECISION_SQL).get(workspaceId, profileId, purpose) as
          | { granted: number }
          | undefined)
      : await db
          .selectFrom('consent_states')
          .select('granted')
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', '=', profileId)
          .where('purpose', '=', purpose)
          .executeTakeFirst();
    return row === undefined ? undefined : Number(row.granted) === 1;
  }

  private async defaultsOf(workspaceId: string): Promise<PurposeDefaults> {
    const cached = this.defaults.get(workspaceId);
    if (cached) {
      const defaults = await cached;
      if (this.clock() - defaults.at < DEFAULTS_TTL_MS) return defaults;
      // Expired: read again unless a newer read already replaced it.
      if (this.defaults.get(workspaceId) !== cached) return this.defaultsOf(workspaceId);
    }
    const reading = this.readDefaults(workspaceId);
    this.defaults.set(workspaceId, reading);
    // A failed read is not kept: the next check tries again.
    reading.catch(() => {
      if (this.defaults.get(workspaceId) === reading) this.defaults.delete(workspaceId);
    });
    return reading;
  }

  private async readDefaults(workspaceId: string): Promise<PurposeDefaults> {
    const at = this.clock();
    const configuration = await readConfiguration(this.store.db, workspaceId);
    const workspaceMode = configuration.defaultMode ?? BUILT_IN_DEFAULT_MODE;
    const granted = new Map<string, boolean>();
    for (const purpose of configuration.purposes) {
      granted.set(purpose.key, (purpose.defaultMode ?? workspaceMode) === 'opt-out');
    }
    return { at, granted };
  }
}
