import type { JourneyStepKind } from '@tandem/contract';
import { useMemo, useState } from 'react';
import { newGroup } from '../rules/rule-model';
import {
  ENTRY_NODE_ID,
  type EntryData,
  type JourneyDraft,
  type JourneyNode,
  newEdge,
  nextStepId,
  placeBelow,
  type StepData,
  type StepNode,
  toDefinition,
  withoutBranch,
} from './journey-graph';
import { branchesOf, newStepFields } from './step-kinds';

/** The editor's draft and what the palette and panels do to it. */
export function useJourneyDraft(initial: () => JourneyDraft) {
  const [draft, setDraft] = useState(initial);
  const built = useMemo(() => toDefinition(draft), [draft]);
  const json = JSON.stringify(built.definition);
  // What was last saved; selecting or measuring a node changes no definition, so is no edit.
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(toDefinition(draft).definition));
  const change = setDraft;
  const selected = draft.nodes.find((n) => n.selected);

  /** Adds a step under the selected node, linked from its first free branch (or from an unlinked entry). */
  const addStep = (kind: JourneyStepKind) =>
    change((current) => {
      const id = nextStepId(kind, current.nodes);
      const entryLinked = current.edges.some((e) => e.source === ENTRY_NODE_ID);
      const parent =
        current.nodes.find((n) => n.selected) ??
        (entryLinked ? undefined : current.nodes.find((n) => n.id === ENTRY_NODE_ID));
      const handles = parent ? handlesOf(parent) : [];
      const freeIndex = handles.findIndex(
        (h) => !current.edges.some((e) => e.source === parent?.id && e.sourceHandle === h),
      );
      const step = newStepFields(kind, id);
      const data: StepData = { step };
      if (kind === 'split') data.conditionTree = newGroup('all');
      if (kind === 'wait_for_event') data.whereRows = [];
      const node: StepNode = {
        id,
        type: 'step',
        position: placeBelow(parent, Math.max(0, freeIndex), current.nodes),
        data,
        selected: true,
      };
      const link = parent && freeIndex >= 0 ? [newEdge(parent.id, handles[freeIndex] ?? 'next', id)] : [];
      return {
        ...current,
        nodes: [...current.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node],
        edges: [...current.edges, ...link],
      };
    });

  const updateEntry = (data: EntryData) =>
    change((current) => ({
      ...current,
      nodes: current.nodes.map((n) => (n.type === 'entry' ? { ...n, data } : n)),
    }));

  /** New fields of a step; links from branches it no longer has go. */
  const updateStep = (stepId: string, data: StepData) =>
    change((current) => {
      const handles = new Set(branchesOf(data.step).map((b) => b.handle));
      return {
        ...current,
        nodes: current.nodes.map((n) => (n.id === stepId && n.type === 'step' ? { ...n, data } : n)),
        edges: current.edges.filter((e) => e.source !== stepId || handles.has(e.sourceHandle ?? 'next')),
      };
    });

  /** Removes a random split's branch with its link; the later branches keep theirs. */
  const removeBranch = (stepId: string, index: number) =>
    change((current) => withoutBranch(current, stepId, index));

  const removeStep = (stepId: string) =>
    change((current) => ({
      ...current,
      nodes: current.nodes.filter((n) => n.id !== stepId),
      edges: current.edges.filter((e) => e.source !== stepId && e.target !== stepId),
    }));

  /** Selects one node (or none), as a click on the canvas would. */
  const select = (nodeId: string | null) =>
    setDraft((current) => ({
      ...current,
      nodes: current.nodes.map((n) => ({ ...n, selected: n.id === nodeId })),
    }));

  return {
    draft,
    built,
    change,
    dirty: json !== savedJson,
    markSaved: (definitionJson: string) => setSavedJson(definitionJson),
    selected,
    addStep,
    updateEntry,
    updateStep,
    removeBranch,
    removeStep,
    select,
  };
}

function handlesOf(node: JourneyNode): string[] {
  return node.type === 'entry' ? ['next'] : branchesOf(node.data.step).map((b) => b.handle);
}
