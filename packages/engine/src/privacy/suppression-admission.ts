import type { Kysely } from 'kysely';
import type { CallAdmission } from '../collect/index.js';
import type { AcceptedCall, RejectedCall } from '../log/index.js';
import type { SourceRef } from '../sources/index.js';
import type { Database } from '../store/index.js';
import { type IdentifierKeys, identifierHash } from './identifier-keys.js';

/** A workspace's suppressed identifiers, as the ingest path checks them. */
interface WorkspaceSuppressions {
  readonly key: Buffer;
  readonly hashes: ReadonlySet<string>;
}

const SUPPRESSED_MESSAGE = 'The person this call names asked not to be collected';

/**
 * Drops calls whose userId, anonymousId or email (traits or context.traits) is suppressed. It
 * answers from memory, a set of keyed hashes per workspace, reloaded on every change made here
 * and (PostgreSQL: other processes change it too) every few seconds. A dropped call is kept for
 * the source debugger as a `suppressed` rejection holding only its type and event name; the
 * caller is not told (SDKs would retry a refused call).
 */
export class SuppressionAdmission implements CallAdmission {
  private byWorkspace = new Map<string, WorkspaceSuppressions>();
  private readonly droppedCounts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly keys: IdentifierKeys,
  ) {}

  admit(source: SourceRef, prepared: Parameters<CallAdmission['admit']>[1]) {
    const suppressions = this.byWorkspace.get(source.workspaceId);
    if (!suppressions || suppressions.hashes.size === 0) return prepared;
    const events: AcceptedCall[] = [];
    const dropped: RejectedCall[] = [];
    for (const call of prepared.events) {
      if (isSuppressed(call, suppressions)) dropped.push(suppressedCall(call));
      else events.push(call);
    }
    if (dropped.length === 0) return prepared;
    this.droppedCounts.set(source.workspaceId, this.dropped(source.workspaceId) + dropped.length);
    return { ...prepared, events, rejections: [...prepared.rejections, ...dropped] };
  }

  /** Calls dropped in this workspace since the process started. */
  dropped(workspaceId: string): number {
    return this.droppedCounts.get(workspaceId) ?? 0;
  }

  /** Reads the suppressions of every workspace that has some. */
  async loadAll(): Promise<void> {
    const workspaces = await this.db
      .selectFrom('privacy_suppressions')
      .select('workspace_id')
      .distinct()
      .execute();
    const next = new Map<string, WorkspaceSuppressions>();
    for (const { workspace_id } of workspaces) next.set(workspace_id, await this.read(workspace_id));
    this.byWorkspace = next;
  }

  /** Reads one workspace's suppressions again (after a change). */
  async reload(workspaceId: string): Promise<void> {
    const suppressions = await this.read(workspaceId);
    const next = new Map(this.byWorkspace);
    next.set(workspaceId, suppressions);
    this.byWorkspace = next;
  }

  /** Reloads every `intervalMs` (other processes' changes); failures are reported and retried. */
  startRefreshing(intervalMs: number, onError: (error: unknown) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.loadAll().catch(onError), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async read(workspaceId: string): Promise<WorkspaceSuppressions> {
    const rows = await this.db
      .selectFrom('privacy_suppressions')
      .select('identifier_hash')
      .where('workspace_id', '=', workspaceId)
      .execute();
    const key = await this.keys.keyOf(workspaceId);
    return { key, hashes: new Set(rows.map((row) => row.identifier_hash)) };
  }
}

function isSuppressed(call: AcceptedCall, { key, hashes }: WorkspaceSuppressions): boolean {
  const matches = (type: string, value: unknown) =>
    typeof value === 'string' && value !== '' && hashes.has(identifierHash(key, { type, value }));
  if (matches('user_id', call.userId) || matches('anonymous_id', call.anonymousId)) return true;
  // Only calls that can hold an address are parsed.
  if (!call.payloadJson.includes('@')) return false;
  const payload = JSON.parse(call.payloadJson) as {
    traits?: { email?: unknown };
    context?: { traits?: { email?: unknown } };
  };
  return matches('email', payload.traits?.email) || matches('email', payload.context?.traits?.email);
}

/** The dropped call as the debugger shows it: what kind of call, nothing about who. */
function suppressedCall(call: AcceptedCall): RejectedCall {
  const payload = { type: call.type, event: call.event };
  return {
    code: 'suppressed',
    message: SUPPRESSED_MESSAGE,
    payload,
    payloadJson: JSON.stringify(payload),
    receivedAt: call.receivedAt,
  };
}
