import type {
  AudienceRule,
  ErrorDetail,
  LeadScoreGroup,
  LeadScoringRule,
  LeadScoringSettings,
} from '@tandem/contract';
import {
  type ComputedTraitNode,
  type EventNode,
  fromRule,
  newGroup,
  newLeaf,
  newNodeId,
  problemsFromServer,
  type RuleProblem,
  sentence,
  type TraitNode,
  toRule,
} from '../rules/rule-model';

// The scoring page's state: each rule as the editor shows it (its condition as an audience
// builder leaf, numbers as typed), and the conversions both ways. Pure, so it is tested without
// a browser.

/** Prefix of a trait condition on the person's companies (see the engine's scoring). */
export const COMPANY_PREFIX = 'company.';

export type ConditionKind = 'trait' | 'company' | 'event' | 'computedTrait';
export type DraftCondition = TraitNode | EventNode | ComputedTraitNode;

export type RuleDraft = {
  id: string;
  name: string;
  group: LeadScoreGroup;
  points: string;
  /** A trait node holds the company field's name (without the prefix). */
  kind: ConditionKind;
  condition: DraftCondition;
  perEvent: boolean;
  /** Days over which an event's points fade; '' for no decay. */
  decayDays: string;
};

export type CapsDraft = { fit: string; engagement: string; total: string };

export function newRuleDraft(group: LeadScoreGroup, kind: ConditionKind): RuleDraft {
  const leaf = newLeaf(kind === 'company' ? 'trait' : kind);
  // newLeaf makes these three kinds for these arguments.
  const condition = leaf as DraftCondition;
  return { id: newNodeId(), name: '', group, points: '10', kind, condition, perEvent: false, decayDays: '' };
}

export function draftsFrom(settings: LeadScoringSettings): { rules: RuleDraft[]; caps: CapsDraft } {
  const rules = settings.rules.map((rule): RuleDraft => {
    const isCompany = 'trait' in rule.condition && rule.condition.trait.startsWith(COMPANY_PREFIX);
    const condition: AudienceRule =
      isCompany && 'trait' in rule.condition
        ? { ...rule.condition, trait: rule.condition.trait.slice(COMPANY_PREFIX.length) }
        : rule.condition;
    // A lone leaf comes back as the single child of an "all" group.
    const leaf = fromRule(condition).children[0] as DraftCondition;
    return {
      id: newNodeId(),
      name: rule.name,
      group: rule.group,
      points: String(rule.points),
      kind: isCompany ? 'company' : leaf.kind,
      condition: leaf,
      perEvent: rule.perEvent ?? false,
      decayDays: rule.decayDays === undefined ? '' : String(rule.decayDays),
    };
  });
  const cap = (value: number | undefined) => (value === undefined ? '' : String(value));
  return {
    rules,
    caps: {
      fit: cap(settings.groupCaps?.fit),
      engagement: cap(settings.groupCaps?.engagement),
      total: cap(settings.cap),
    },
  };
}

/** What the page built: the settings to save, or what to fix; `paths` maps server paths to inputs. */
export type BuiltSettings = {
  settings: LeadScoringSettings | undefined;
  problems: RuleProblem[];
  /** Rule path (`rules.2.condition`) → the condition node's id (server errors inside a condition). */
  conditionPaths: Map<string, Map<string, string>>;
};

/** Problems on a rule's own fields are keyed by the rule draft's id; `caps` by this id. */
export const CAPS_ID = 'caps';

export function toSettings(rules: readonly RuleDraft[], caps: CapsDraft): BuiltSettings {
  const problems: RuleProblem[] = [];
  const conditionPaths = new Map<string, Map<string, string>>();
  const built = rules.map((draft, i): LeadScoringRule => {
    const problem = (field: string, message: string) => problems.push({ nodeId: draft.id, field, message });
    if (draft.name.trim() === '') problem('name', 'Give the rule a name.');
    const points = Number(draft.points);
    if (draft.points.trim() === '' || !Number.isInteger(points))
      problem('points', 'Enter points, a whole number.');
    const leaf = toRule(newGroup('all', [draft.condition]));
    // A company field is typed, not picked.
    for (const p of leaf.problems)
      problems.push(
        draft.kind === 'company' && p.field === 'trait' ? { ...p, message: 'Enter a company field.' } : p,
      );
    const paths = new Map<string, string>();
    for (const [path, id] of leaf.paths) paths.set(path.replace(/^rule\.all\.0/, `rules.${i}.condition`), id);
    conditionPaths.set(`rules.${i}`, paths);
    const all = leaf.rule && 'all' in leaf.rule ? leaf.rule.all[0] : undefined;
    let condition = (all ?? { trait: '', op: 'exists' }) as LeadScoringRule['condition'];
    if (draft.kind === 'company' && 'trait' in condition)
      condition = { ...condition, trait: `${COMPANY_PREFIX}${condition.trait}` };
    const rule: LeadScoringRule = { name: draft.name.trim(), group: draft.group, condition, points };
    const engagementEvent = draft.group === 'engagement' && draft.kind === 'event';
    if (engagementEvent && draft.perEvent) rule.perEvent = true;
    if (engagementEvent && draft.decayDays.trim() !== '') {
      const days = Number(draft.decayDays);
      if (!Number.isInteger(days) || days < 1) problem('decayDays', 'Enter a number of days, 1 or more.');
      rule.decayDays = days;
    }
    return rule;
  });
  const names = new Set<string>();
  for (const draft of rules) {
    const name = draft.name.trim();
    if (name !== '' && names.has(name))
      problems.push({ nodeId: draft.id, field: 'name', message: 'Another rule has this name.' });
    names.add(name);
  }
  const settings: LeadScoringSettings = { rules: built };
  const capOf = (field: keyof CapsDraft) => {
    const text = caps[field].trim();
    if (text === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0)
      problems.push({ nodeId: CAPS_ID, field, message: 'Enter a whole number of points, or leave empty.' });
    return value;
  };
  const fit = capOf('fit');
  const engagement = capOf('engagement');
  const total = capOf('total');
  if (fit !== undefined || engagement !== undefined)
    settings.groupCaps = {
      ...(fit === undefined ? {} : { fit }),
      ...(engagement === undefined ? {} : { engagement }),
    };
  if (total !== undefined) settings.cap = total;
  return { settings: problems.length === 0 ? settings : undefined, problems, conditionPaths };
}

/** The server's errors (`rules.2.condition.value`, `rules.0.decayDays`, `cap`) as problems of inputs. */
export function problemsOfServer(
  details: readonly ErrorDetail[],
  rules: readonly RuleDraft[],
  built: BuiltSettings,
): RuleProblem[] {
  return details.flatMap((detail): RuleProblem[] => {
    const path = detail.path.replace(/^body\./, '');
    const match = /^rules\.(\d+)(?:\.(\w+))?/.exec(path);
    if (!match) {
      const field = path === 'cap' ? 'total' : path.replace(/^groupCaps\./, '');
      return [{ nodeId: CAPS_ID, field, message: sentence(detail.message) }];
    }
    const index = Number(match[1]);
    const draft = rules[index];
    if (!draft) return [];
    if (match[2] === 'condition')
      return problemsFromServer([detail], built.conditionPaths.get(`rules.${index}`) ?? new Map());
    return [{ nodeId: draft.id, field: match[2] ?? 'name', message: sentence(detail.message) }];
  });
}
