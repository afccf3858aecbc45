import type { ComputedTrait, ComputedTraitKind, CreateComputedTrait, ErrorDetail } from '@tandem/contract';
import {
  problemsFromServer,
  type RuleProblem,
  sentence,
  type WhereRow,
  whereRowFromRule,
  whereToRule,
} from '../rules/rule-model';

// The computed-trait editor's state and its conversion to a definition, pure like the rule model.

export const KIND_LABELS: Readonly<Record<ComputedTraitKind, string>> = {
  count: 'Count of events',
  sum: 'Sum of a property',
  avg: 'Average of a property',
  min: 'Smallest value of a property',
  max: 'Largest value of a property',
  most_frequent: 'Most frequent value',
  first: 'First value',
  last: 'Latest value',
  unique_list: 'List of distinct values',
  unique_count: 'Number of distinct values',
};

export type ComputedTraitForm = {
  name: string;
  kind: ComputedTraitKind;
  event: string;
  property: string;
  where: WhereRow[];
  /** A duration like `30d`; absent: all time. */
  within: string | undefined;
};

/** Problems of the form's own fields are filed under this id (where rows use theirs). */
export const FORM_ID = 'form';

export function emptyForm(): ComputedTraitForm {
  return { name: '', kind: 'count', event: '', property: '', where: [], within: undefined };
}

export function formOf(trait: ComputedTrait): ComputedTraitForm {
  return {
    name: trait.name,
    kind: trait.kind,
    event: trait.event,
    property: trait.property ?? '',
    where: (trait.where ?? []).map(whereRowFromRule),
    within: trait.within,
  };
}

/** The definition of the form, or what to fix in it. */
export function definitionOf(form: ComputedTraitForm): {
  definition: CreateComputedTrait | undefined;
  problems: RuleProblem[];
} {
  const problems: RuleProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ nodeId: FORM_ID, field, message });
  if (form.name.trim() === '') problem('name', 'Give the trait a name.');
  if (form.event === '') problem('event', 'Pick the event it aggregates.');
  const needsProperty = form.kind !== 'count';
  if (needsProperty && form.property === '') problem('property', 'Pick the property it aggregates.');
  const where = form.where.map((row) => whereToRule(row, problems));
  if (form.within !== undefined && !/^[1-9][0-9]{0,5}[mhd]$/.test(form.within)) {
    problem('within', 'Enter a window, like 30 days.');
  }
  const definition: CreateComputedTrait = {
    name: form.name.trim(),
    kind: form.kind,
    event: form.event,
    ...(needsProperty ? { property: form.property } : {}),
    ...(where.length > 0 ? { where } : {}),
    ...(form.within !== undefined ? { within: form.within } : {}),
  };
  return { definition: problems.length === 0 ? definition : undefined, problems };
}

/** The server's errors on a definition, on the form's fields and where rows. */
export function formProblemsFromServer(
  details: readonly ErrorDetail[],
  form: ComputedTraitForm,
): RuleProblem[] {
  const wherePaths = new Map<string, string>(form.where.map((row, i) => [`where.${i}`, row.id]));
  return details.flatMap((detail) => {
    const path = detail.path.replace(/^(body\.)?(definition\.)?/, '');
    if (path.startsWith('where.')) return problemsFromServer([{ ...detail, path }], wherePaths);
    return [{ nodeId: FORM_ID, field: path.split('.')[0] || 'name', message: sentence(detail.message) }];
  });
}
