import type {
  AudienceRule,
  JourneyDefinition,
  JourneyEntry,
  JourneySettings,
  JourneyStep,
  PropertyCondition,
} from '@tandem/contract';
import type { Edge, Node, XYPosition } from '@xyflow/react';
import {
  fromRule,
  type GroupNode,
  type RuleProblem,
  toRule,
  type WhereRow,
  whereRowFromRule,
  whereToRule,
} from '../rules/rule-model';
import type { JourneyProblem } from './journeys-api';
import { entryFieldProblems, stepFieldProblems } from './required-fields';
import type { StepFields } from './step-kinds';

// The canvas's state and its conversions both ways: a journey definition becomes an entry node,
// one node per step and one edge per link; the canvas becomes a definition again (steps[0] is
// the step the entry links to). Pure, so every kind of link is proven to round trip in vitest.

/** The entry node's id, and its key in `layout` (never a step id: `@` is not allowed in one). */
export const ENTRY_NODE_ID = '@entry';

export type EntryData = {
  entry: JourneyEntry;
  /** The property filters of an event or CRM-change entry, as the where editor holds them. */
  whereRows: WhereRow[];
};
export type StepData = {
  step: StepFields;
  /** A split's condition, as the audience rule editor holds it. */
  conditionTree?: GroupNode;
  /** A wait-for-event's property filters. */
  whereRows?: WhereRow[];
};
export type EntryNode = Node<EntryData, 'entry'>;
export type StepNode = Node<StepData, 'step'>;
export type JourneyNode = EntryNode | StepNode;

/** The settings that name an event, which may also filter on its properties. */
export const SETTINGS_EVENTS = ['exitWhen', 'goal'] as const;
export type SettingsEvent = (typeof SETTINGS_EVENTS)[number];

/** The editor's whole state: the graph plus what lives beside it. */
export type JourneyDraft = {
  name: string;
  description?: string | undefined;
  settings: JourneySettings;
  /** The property filters of the exit and goal events, as the where editor holds them. */
  settingsWhereRows: Record<SettingsEvent, WhereRow[]>;
  nodes: JourneyNode[];
  edges: Edge[];
};

export const DEFAULT_SETTINGS: JourneySettings = { reEntry: 'never', holdoutPercent: 0, overCap: 'wait' };

/** Grid of the auto layout: a row per depth, a column per sibling. */
export const ROW_HEIGHT = 150;
export const COLUMN_WIDTH = 280;

export function isStepNode(node: JourneyNode): node is StepNode {
  return node.type === 'step';
}

export const edgeId = (source: string, handle: string) => `${source}:${handle}`;

/** A link from `source`'s `handle` to `target`; a handle has one link, so its id is the handle's. */
export function newEdge(source: string, handle: string, target: string): Edge {
  return { id: edgeId(source, handle), source, sourceHandle: handle, target };
}

/** The canvas of a stored journey; steps without a saved position are laid out. */
export function fromDefinition(definition: JourneyDefinition): JourneyDraft {
  const layout = definition.layout ?? {};
  const entryNode: EntryNode = {
    id: ENTRY_NODE_ID,
    type: 'entry',
    position: layout[ENTRY_NODE_ID] ?? { x: 0, y: 0 },
    data: {
      entry: definition.entry,
      whereRows: 'where' in definition.entry ? (definition.entry.where ?? []).map(whereRowFromRule) : [],
    },
    deletable: false,
  };
  const stepNodes = definition.steps.map((step): StepNode => {
    const { next: _links, ...fields } = withoutNext(step);
    const data: StepData = { step: fields };
    if (fields.kind === 'split') data.conditionTree = fromRule(fields.condition);
    if (fields.kind === 'wait_for_event') data.whereRows = (fields.where ?? []).map(whereRowFromRule);
    return { id: step.id, type: 'step', position: layout[step.id] ?? { x: 0, y: 0 }, data };
  });
  const edges: Edge[] = [];
  const first = definition.steps[0];
  if (first) edges.push(newEdge(ENTRY_NODE_ID, 'next', first.id));
  for (const step of definition.steps) {
    for (const [handle, target] of linksOf(step)) edges.push(newEdge(step.id, handle, target));
  }
  const nodes: JourneyNode[] = [entryNode, ...stepNodes];
  const unplaced = new Set(
    [ENTRY_NODE_ID, ...definition.steps.map((s) => s.id)].filter((id) => layout[id] === undefined),
  );
  return {
    name: definition.name,
    description: definition.description,
    settings: { ...DEFAULT_SETTINGS, ...definition.settings },
    settingsWhereRows: {
      exitWhen: (definition.settings?.exitWhen?.where ?? []).map(whereRowFromRule),
      goal: (definition.settings?.goal?.where ?? []).map(whereRowFromRule),
    },
    nodes: unplaced.size > 0 ? autoLayout(nodes, edges, unplaced) : nodes,
    edges,
  };
}

/** The definition of a canvas, with what the canvas alone can tell is unfinished. */
export function toDefinition(draft: JourneyDraft): {
  definition: JourneyDefinition;
  problems: JourneyProblem[];
} {
  const problems: JourneyProblem[] = [];
  const entryNode = draft.nodes.find((n): n is EntryNode => n.type === 'entry');
  const stepNodes = draft.nodes.filter(isStepNode);
  const linkFrom = (source: string, handle: string) =>
    draft.edges.find((e) => e.source === source && (e.sourceHandle ?? 'next') === handle)?.target ?? null;

  const firstId = linkFrom(ENTRY_NODE_ID, 'next');
  if (stepNodes.length === 0)
    problems.push({ field: 'steps', message: 'Add a first step from the palette.' });
  else if (firstId === null)
    problems.push({ field: 'entry', message: 'Connect the entry to the first step.' });

  if (draft.name.trim() === '') problems.push({ field: 'name', message: 'Give the journey a name.' });
  const steps = orderFrom(firstId, stepNodes).map((node) =>
    stepOf(node, linkFrom, (field, message) => problems.push({ stepId: node.id, field, message })),
  );
  const entry = entryNode ? entryOf(entryNode.data, problems) : { kind: 'event' as const, event: '' };
  problems.push(
    ...entryFieldProblems(entry),
    ...stepNodes.flatMap((node) => stepFieldProblems(node.data.step)),
  );
  const layout: Record<string, XYPosition> = {};
  for (const node of draft.nodes)
    layout[node.id] = { x: Math.round(node.position.x), y: Math.round(node.position.y) };

  const settings = settingsOf(draft, problems);
  const definition: JourneyDefinition = { name: draft.name, entry, steps, settings, layout };
  if (draft.description) definition.description = draft.description;
  return { definition, problems };
}

type LinkFrom = (source: string, handle: string) => string | null;

/** Steps as drawn, the one the entry links to moved first (the definition starts there). */
function orderFrom(firstId: string | null, nodes: StepNode[]): StepNode[] {
  const first = nodes.find((n) => n.id === firstId);
  return first ? [first, ...nodes.filter((n) => n !== first)] : nodes;
}

function stepOf(
  node: StepNode,
  linkFrom: LinkFrom,
  problem: (field: string, message: string) => void,
): JourneyStep {
  const fields = node.data.step;
  const link = (handle: string) => linkFrom(node.id, handle);
  switch (fields.kind) {
    case 'exit':
      return fields;
    case 'wait_for_event': {
      const where = whereOf(node.data.whereRows ?? [], (p) => problem(`where.${p.field}`, p.message));
      const { where: _stored, ...rest } = fields;
      return {
        ...rest,
        ...(where ? { where } : {}),
        next: { matched: link('matched'), timeout: link('timeout') },
      };
    }
    case 'wait_for_audience':
      return { ...fields, next: { matched: link('matched'), timeout: link('timeout') } };
    case 'split': {
      const built = node.data.conditionTree ? toRule(node.data.conditionTree) : undefined;
      for (const p of built?.problems ?? []) problem('condition', p.message);
      const condition = built?.rule ? loneCondition(built.rule) : fields.condition;
      return { ...fields, condition, next: { yes: link('yes'), no: link('no') } };
    }
    case 'random_split':
      return { ...fields, next: fields.weights.map((_w, index) => link(String(index))) };
    default:
      return { ...fields, next: link('next') };
  }
}

/** The editor wraps a lone condition in an "all" group; the stored rule is the condition itself. */
function loneCondition(rule: AudienceRule): AudienceRule {
  return 'all' in rule && rule.all.length === 1 && rule.all[0] ? rule.all[0] : rule;
}

function entryOf(data: EntryData, problems: JourneyProblem[]): JourneyEntry {
  const { entry } = data;
  if (entry.kind !== 'event' && entry.kind !== 'crm_change') return entry;
  const where = whereOf(data.whereRows, (p) =>
    problems.push({ field: `entry.where.${p.field}`, message: p.message }),
  );
  const { where: _stored, ...rest } = entry;
  return where ? { ...rest, where } : rest;
}

/** The settings, the exit and goal events with the filters the where editor holds for them. */
function settingsOf(draft: JourneyDraft, problems: JourneyProblem[]): JourneySettings {
  const settings = { ...draft.settings };
  for (const key of SETTINGS_EVENTS) {
    const condition = settings[key];
    if (!condition) continue;
    const where = whereOf(draft.settingsWhereRows[key], (p) =>
      problems.push({ field: `settings.${key}.where.${p.field}`, message: p.message }),
    );
    const { where: _stored, ...rest } = condition;
    settings[key] = where ? { ...rest, where } : rest;
  }
  return settings;
}

function whereOf(
  rows: readonly WhereRow[],
  problem: (p: RuleProblem) => void,
): PropertyCondition[] | undefined {
  if (rows.length === 0) return undefined;
  const found: RuleProblem[] = [];
  const where = rows.map((row) => whereToRule(row, found));
  found.forEach(problem);
  return where;
}

/** A step's links as `[handle, target]`, whatever shape its `next` has. */
function linksOf(step: JourneyStep): [string, string][] {
  if (step.kind === 'exit' || step.next === undefined || step.next === null) return [];
  const { next } = step;
  if (typeof next === 'string') return [['next', next]];
  if (Array.isArray(next))
    return next.flatMap((target, i): [string, string][] => (target ? [[String(i), target]] : []));
  return Object.entries(next).flatMap(([handle, target]): [string, string][] =>
    target ? [[handle, target]] : [],
  );
}

function withoutNext(step: JourneyStep): StepFields & { next?: unknown } {
  // Every step kind but exit has `next`; both shapes fit the union once `next` is optional.
  return step as StepFields & { next?: unknown };
}

/**
 * Places the `only` nodes (all when absent) in rows: each node one row below its lowest parent
 * (so links run downwards), siblings ordered under their parents' places; nodes not reached go
 * in a row below.
 */
export function autoLayout(nodes: JourneyNode[], edges: Edge[], only?: ReadonlySet<string>): JourneyNode[] {
  const depth = new Map<string, number>([[ENTRY_NODE_ID, 0]]);
  // Longest path from the entry; the cap stops a loop of links from pushing rows down forever.
  for (let pass = 0; pass < nodes.length; pass++) {
    let moved = false;
    for (const edge of edges) {
      const from = depth.get(edge.source);
      if (from === undefined || from + 1 > nodes.length) continue;
      if ((depth.get(edge.target) ?? -1) < from + 1) {
        depth.set(edge.target, from + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const maxDepth = Math.max(0, ...depth.values());
  const rows = new Map<number, string[]>();
  for (const node of nodes) {
    const row = depth.get(node.id) ?? maxDepth + 1;
    rows.set(row, [...(rows.get(row) ?? []), node.id]);
  }
  const positions = new Map<string, XYPosition>();
  for (const row of [...rows.keys()].sort((a, b) => a - b)) {
    // Under the parents already placed, in the order of the branches they leave by.
    const place = (id: string) => {
      const keys = edges
        .filter((e) => e.target === id && positions.has(e.source))
        .map((e) => (positions.get(e.source)?.x ?? 0) + Number(branchRank(e.sourceHandle)));
      return keys.length > 0 ? Math.min(...keys) : Number.MAX_SAFE_INTEGER;
    };
    const ids = [...(rows.get(row) ?? [])].sort((a, b) => place(a) - place(b));
    for (const [column, id] of ids.entries()) {
      positions.set(id, { x: (column - (ids.length - 1) / 2) * COLUMN_WIDTH, y: row * ROW_HEIGHT });
    }
  }
  return nodes.map((node) =>
    only && !only.has(node.id) ? node : { ...node, position: positions.get(node.id) ?? node.position },
  );
}

/** A branch's order under its node, left to right, for the layout (a fraction of a column). */
function branchRank(handle: string | null | undefined): number {
  const named = ['next', 'matched', 'yes', 'timeout', 'no'].indexOf(handle ?? 'next');
  return (named >= 0 ? named : Number(handle) || 0) / 100;
}

/** Where a new node goes: under `parent` (shifted per branch), moved right until no node is there. */
export function placeBelow(
  parent: JourneyNode | undefined,
  branchIndex: number,
  nodes: readonly JourneyNode[],
): XYPosition {
  const lowest = Math.max(0, ...nodes.map((n) => n.position.y));
  const start = parent
    ? { x: parent.position.x + branchIndex * COLUMN_WIDTH, y: parent.position.y + ROW_HEIGHT }
    : { x: 0, y: lowest + ROW_HEIGHT };
  const taken = (p: XYPosition) =>
    nodes.some(
      (n) =>
        Math.abs(n.position.x - p.x) < COLUMN_WIDTH * 0.8 && Math.abs(n.position.y - p.y) < ROW_HEIGHT * 0.6,
    );
  const spot = { ...start };
  while (taken(spot)) spot.x += COLUMN_WIDTH;
  return spot;
}

/**
 * The draft without branch `index` of random split `stepId`: its weight and its link go, and the
 * links of the later branches move up one handle, so every other weight keeps its own path.
 */
export function withoutBranch(draft: JourneyDraft, stepId: string, index: number): JourneyDraft {
  const node = draft.nodes.find((n): n is StepNode => n.id === stepId && isStepNode(n));
  const step = node?.data.step;
  if (!node || step?.kind !== 'random_split') return draft;
  const weights = step.weights.filter((_w, i) => i !== index);
  const edges = draft.edges.flatMap((edge): Edge[] => {
    const branch = Number(edge.sourceHandle);
    if (edge.source !== stepId || !(branch >= index)) return [edge];
    if (branch === index) return [];
    const handle = String(branch - 1);
    return [{ ...edge, id: edgeId(stepId, handle), sourceHandle: handle }];
  });
  return {
    ...draft,
    nodes: draft.nodes.map((n) =>
      n === node ? { ...node, data: { ...node.data, step: { ...step, weights } } } : n,
    ),
    edges,
  };
}

/** The first unused id for a new step of `kind` (`send_email_1`, `send_email_2`, …). */
export function nextStepId(kind: string, nodes: readonly JourneyNode[]): string {
  const used = new Set(nodes.map((n) => n.id));
  let n = 1;
  while (used.has(`${kind}_${n}`)) n++;
  return `${kind}_${n}`;
}

/** A new journey: an event entry and nothing after it yet. */
export function emptyDraft(): JourneyDraft {
  return fromDefinition({ name: '', entry: { kind: 'event', event: '' }, steps: [] });
}
