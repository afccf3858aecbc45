import type { PlannedCallType, Violation, ViolationSample, ViolationType } from '@tandem/contract';
import { fromJson, type Store, toJson } from '../store/index.js';

/** Samples kept per source, call type, event and violation type: the latest few. */
export const MAX_VIOLATION_SAMPLES = 5;
// Distinct keys held between two flushes; past it new keys wait for the next flush's room (their
// counts are lost), so a client sending random event names cannot grow memory without bound.
const MAX_PENDING_KEYS = 10_000;
const MAX_LISTED = 500;

/** One violation as the admission saw it. */
export interface ViolationRecord {
  readonly workspaceId: string;
  readonly sourceId: string;
  readonly callType: PlannedCallType;
  /** The track event name; null for identify. */
  readonly event: string | null;
  readonly type: ViolationType;
  readonly sample: ViolationSample;
}

interface PendingCount {
  readonly record: ViolationRecord;
  count: number;
  firstSeenAt: string;
  samples: ViolationSample[];
}

/**
 * Counts violations in memory on the ingest path and adds them to the store on flush: one upsert
 * per key, whatever the number of calls. Counts add up across processes; samples are the latest.
 */
export class ViolationCounter {
  private pending = new Map<string, PendingCount>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store) {}

  record(violation: ViolationRecord): void {
    const key = [violation.sourceId, violation.callType, violation.event ?? '', violation.type].join(
      '\u0000',
    );
    const known = this.pending.get(key);
    if (known) {
      known.count++;
      known.samples.unshift(violation.sample);
      if (known.samples.length > MAX_VIOLATION_SAMPLES) known.samples.length = MAX_VIOLATION_SAMPLES;
      return;
    }
    if (this.pending.size >= MAX_PENDING_KEYS) return;
    const at = violation.sample.receivedAt;
    this.pending.set(key, { record: violation, count: 1, firstSeenAt: at, samples: [violation.sample] });
  }

  /** Writes the counts gathered so far; flushes run one after another. */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.write());
    this.flushing = next.catch(() => {});
    return next;
  }

  /** A source's violations, latest first (pending counts included). */
  async list(workspaceId: string, sourceId: string): Promise<Violation[]> {
    await this.flush();
    const rows = await this.store.db
      .selectFrom('tracking_plan_violations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .orderBy('last_seen_at', 'desc')
      .limit(MAX_LISTED)
      .execute();
    return rows.map((row) => ({
      callType: row.call_type as PlannedCallType, // written from PlannedCallType only
      event: row.call_type === 'identify' ? null : row.event_name,
      type: row.violation_type as ViolationType, // written from ViolationType only
      count: Number(row.count),
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
      samples: fromJson<ViolationSample[]>(row.samples),
    }));
  }

  /** Forgets a source's violations (its plan was removed). */
  async clear(workspaceId: string, sourceId: string): Promise<void> {
    await this.flush();
    await this.store.db
      .deleteFrom('tracking_plan_violations')
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .execute();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const counts = [...this.pending.values()];
    this.pending = new Map();
    for (const pending of counts) await this.add(pending);
  }

  private async add({ record, count, firstSeenAt, samples }: PendingCount): Promise<void> {
    const key = {
      workspace_id: record.workspaceId,
      source_id: record.sourceId,
      call_type: record.callType,
      event_name: record.event ?? '',
      violation_type: record.type,
    };
    const stored = await this.store.db
      .selectFrom('tracking_plan_violations')
      .select('samples')
      .where('workspace_id', '=', key.workspace_id)
      .where('source_id', '=', key.source_id)
      .where('call_type', '=', key.call_type)
      .where('event_name', '=', key.event_name)
      .where('violation_type', '=', key.violation_type)
      .executeTakeFirst();
    const older = stored ? fromJson<ViolationSample[]>(stored.samples) : [];
    const latest = toJson([...samples, ...older].slice(0, MAX_VIOLATION_SAMPLES));
    const lastSeenAt = samples[0]?.receivedAt ?? firstSeenAt;
    await this.store.db
      .insertInto('tracking_plan_violations')
      .values({ ...key, count, first_seen_at: firstSeenAt, last_seen_at: lastSeenAt, samples: latest })
      .onConflict((conflict) =>
        conflict
          .columns(['workspace_id', 'source_id', 'call_type', 'event_name', 'violation_type'])
          .doUpdateSet((eb) => ({
            count: eb('tracking_plan_violations.count', '+', count),
            last_seen_at: lastSeenAt,
            samples: latest,
          })),
      )
      .execute();
  }
}
