import type { AudienceRule, ErrorDetail, LeadScoringSettings } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { compileRule, type RuleScope } from '../audiences/index.js';
import { type ComputedTraitsService, emptyValueOf } from '../computed-traits/index.js';
import type { Result } from '../errors/index.js';
import { type Database, fromJson } from '../store/index.js';
import type { CompiledScoring, ScoringRule } from './score-evaluation.js';

/** A workspace's stored rules row, parsed. */
export interface StoredScoring {
  readonly settings: LeadScoringSettings;
  readonly version: number;
  /** The last profile id the pending rescore reached ('' = not started); null: none pending. */
  readonly rescoreAfter: string | null;
  readonly rescored: number;
  readonly updatedAt: string;
}

export async function readStoredScoring(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<StoredScoring | undefined> {
  const row = await db
    .selectFrom('lead_scoring_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    settings: fromJson<LeadScoringSettings>(row.settings),
    version: Number(row.version),
    rescoreAfter: row.rescore_after,
    rescored: Number(row.rescored),
    updatedAt: row.updated_at,
  };
}

/** The computed traits a workspace's rules may name. */
export async function scopeOf(
  db: Kysely<Database>,
  computedTraits: ComputedTraitsService,
  workspaceId: string,
): Promise<RuleScope> {
  const definitions = await computedTraits.definitions(workspaceId, db);
  return {
    computedTraits: new Map(definitions.map((t) => [t.name, { id: t.id, fallback: emptyValueOf(t.kind) }])),
    audiences: new Map(),
  };
}

/**
 * Validates settings against the workspace: each condition (references, operand types), unique
 * rule names, and per-event counting and decay only on engagement event rules. Problems name
 * their field (`rules.2.decayDays`).
 */
export function compileScoring(
  settings: LeadScoringSettings,
  scope: RuleScope,
  version: number,
): Result<CompiledScoring, ErrorDetail[]> {
  const issues: ErrorDetail[] = [];
  const names = new Set<string>();
  const rules: ScoringRule[] = [];
  settings.rules.forEach((rule, i) => {
    const path = `rules.${i}`;
    if (names.has(rule.name))
      issues.push({ path: `${path}.name`, message: `another rule is named "${rule.name}"` });
    names.add(rule.name);
    const isEvent = 'event' in rule.condition;
    for (const field of ['perEvent', 'decayDays'] as const) {
      if (rule[field] === undefined || rule[field] === false) continue;
      if (rule.group === 'fit')
        issues.push({ path: `${path}.${field}`, message: `${field} is for engagement rules, not fit rules` });
      else if (!isEvent)
        issues.push({ path: `${path}.${field}`, message: `${field} needs an event condition` });
    }
    if (rule.perEvent && 'event' in rule.condition && rule.condition.count !== undefined)
      issues.push({
        path: `${path}.condition.count`,
        message: 'a per-event rule counts every matching event: leave out the count',
      });
    // The leaf kinds of the contract are audience rules; their compiler checks the rest.
    const compiled = compileRule(rule.condition as AudienceRule, scope, `${path}.condition`);
    if (!compiled.ok) {
      issues.push(...compiled.error);
      return;
    }
    const leaf = compiled.value;
    if (leaf.kind !== 'trait' && leaf.kind !== 'event' && leaf.kind !== 'computed') {
      issues.push({ path: `${path}.condition`, message: 'a trait, event or computed trait condition' });
      return;
    }
    rules.push({
      name: rule.name,
      group: rule.group,
      points: rule.points,
      perEvent: rule.perEvent === true,
      decayDays: rule.decayDays ?? null,
      leaf,
    });
  });
  if (issues.length > 0) return { ok: false, error: issues };
  return {
    ok: true,
    value: { version, rules, groupCaps: settings.groupCaps ?? {}, cap: settings.cap },
  };
}

/**
 * The scoring the pipeline applies: rules that no longer compile (a computed trait deleted since)
 * are left out rather than stopping the workspace's scores.
 */
export function lenientScoring(stored: StoredScoring, scope: RuleScope): CompiledScoring {
  const rules = stored.settings.rules.flatMap((rule) => {
    const single = compileScoring({ rules: [rule] }, scope, stored.version);
    return single.ok ? single.value.rules : [];
  });
  return {
    version: stored.version,
    rules,
    groupCaps: stored.settings.groupCaps ?? {},
    cap: stored.settings.cap,
  };
}
