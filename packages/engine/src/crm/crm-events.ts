import type { Kysely } from 'kysely';
import { normalizeCall } from '../collect/index.js';
import { callIdentifierFields, type IdentityService } from '../identity/index.js';
import { type AcceptedCall, appendWithin } from '../log/index.js';
import type { SourcesService } from '../sources/index.js';
import { type Database, nowIso } from '../store/index.js';

/** A CRM change about one person, to be appended to the log as a track event. */
export interface CrmEvent {
  readonly workspaceId: string;
  readonly profileId: string;
  /** `Deal Created`, `Deal Stage Changed`, `Task Completed`, `Note Added`, … */
  readonly event: string;
  readonly properties: Record<string, unknown>;
  /** The user or token that made the change; null when Tandem made it (a rule, an assignment). */
  readonly actorId: string | null;
  readonly at: string;
  /** Deterministic per change (e.g. `deal-stage-<changeId>`), so a retried write stores one event. */
  readonly messageId: string;
}

/**
 * Appends CRM changes to the log as track events under an internal source per workspace
 * ("Tandem CRM", created on first use), naming the person by their most trusted identifier so
 * unify puts the event on their timeline and audiences can use it. Written in the caller's
 * transaction: the CRM write and its event commit together, or neither.
 */
export class CrmEvents {
  constructor(private readonly deps: { sources: SourcesService; identity: IdentityService }) {}

  async appendWithin(db: Kysely<Database>, changes: readonly CrmEvent[]): Promise<void> {
    const byWorkspace = new Map<string, CrmEvent[]>();
    for (const change of changes) {
      const list = byWorkspace.get(change.workspaceId) ?? [];
      byWorkspace.set(change.workspaceId, list);
      list.push(change);
    }
    for (const [workspaceId, ofWorkspace] of byWorkspace) {
      const sourceId = await this.sourceOf(db, workspaceId);
      const identities = await this.deps.identity.identitiesOf(
        workspaceId,
        [...new Set(ofWorkspace.map((c) => c.profileId))],
        db,
      );
      const receivedAt = new Date();
      const scope = {
        shared: undefined,
        request: {},
        received: { ms: receivedAt.getTime(), iso: receivedAt.toISOString() },
      };
      const events: AcceptedCall[] = [];
      for (const change of ofWorkspace) {
        const who = identities.get(change.profileId)?.[0];
        if (!who) continue;
        const call = {
          type: 'track',
          event: change.event,
          ...callIdentifierFields(who, change.profileId),
          properties: { ...change.properties, profileId: change.profileId, actorId: change.actorId },
          timestamp: change.at,
          messageId: change.messageId,
        };
        const verdict = normalizeCall(call, scope);
        if (verdict.ok) events.push(verdict.value);
      }
      await appendWithin(db, { workspaceId, sourceId, events, rejections: [] });
    }
  }

  /** The internal source CRM events are appended under (created on first use). */
  async sourceOf(db: Kysely<Database>, workspaceId: string): Promise<string> {
    const row = await db
      .selectFrom('crm_settings')
      .select('source_id')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (row) return row.source_id;
    const source = await this.deps.sources.create(workspaceId, { name: 'Tandem CRM', kind: 'internal' }, db);
    await db
      .insertInto('crm_settings')
      .values({ workspace_id: workspaceId, source_id: source.id, settings: '{}', updated_at: nowIso() })
      .execute();
    return source.id;
  }
}
