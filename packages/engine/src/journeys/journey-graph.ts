import type { JourneyDefinition, JourneyStep } from '@tandem/contract';

/** Steps that make a person wait: the only ones a cycle may pass through (else it never ends). */
export const WAITING_KINDS: ReadonlySet<JourneyStep['kind']> = new Set([
  'delay',
  'wait_for_event',
  'wait_for_audience',
]);

/** A step's outgoing edges: the field that names the next step, and that step's id (null: the end). */
export function nextsOf(step: JourneyStep): { field: string; to: string | null }[] {
  switch (step.kind) {
    case 'wait_for_event':
    case 'wait_for_audience':
      return [
        { field: 'next.matched', to: step.next.matched ?? null },
        { field: 'next.timeout', to: step.next.timeout ?? null },
      ];
    case 'split':
      return [
        { field: 'next.yes', to: step.next.yes ?? null },
        { field: 'next.no', to: step.next.no ?? null },
      ];
    case 'random_split':
      return step.next.map((to, i) => ({ field: `next.${i}`, to: to ?? null }));
    case 'exit':
      return [];
    default:
      return [{ field: 'next', to: step.next ?? null }];
  }
}

/** The steps of a definition by id (the first of duplicates wins; validation refuses them). */
export function stepsById(definition: Pick<JourneyDefinition, 'steps'>): Map<string, JourneyStep> {
  const byId = new Map<string, JourneyStep>();
  for (const step of definition.steps) if (!byId.has(step.id)) byId.set(step.id, step);
  return byId;
}

/** Ids of the steps reachable from the first. */
export function reachableSteps(definition: Pick<JourneyDefinition, 'steps'>): Set<string> {
  const byId = stepsById(definition);
  const seen = new Set<string>();
  const first = definition.steps[0];
  const queue = first ? [first.id] : [];
  while (queue.length > 0) {
    const id = queue.pop() as string; // non-empty: checked by the loop
    if (seen.has(id)) continue;
    const step = byId.get(id);
    if (!step) continue;
    seen.add(id);
    for (const { to } of nextsOf(step)) if (to !== null) queue.push(to);
  }
  return seen;
}

/** A cycle through instantaneous steps only (a person would loop forever), as step ids; else undefined. */
export function instantCycle(definition: Pick<JourneyDefinition, 'steps'>): string[] | undefined {
  const byId = stepsById(definition);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const step = byId.get(id);
    if (!step || WAITING_KINDS.has(step.kind)) return undefined;
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return path.slice(path.indexOf(id));
    state.set(id, 'visiting');
    path.push(id);
    for (const { to } of nextsOf(step)) {
      const cycle = to === null ? undefined : visit(to);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of definition.steps) {
    const cycle = visit(step.id);
    if (cycle) return cycle;
  }
  return undefined;
}
