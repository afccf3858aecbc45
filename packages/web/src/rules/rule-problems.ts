import { createContext, useContext } from 'react';
import type { RuleProblem } from './rule-model';

/** The problems of the rule being edited, for each input to show its own next to it. */
export const RuleProblemsContext = createContext<readonly RuleProblem[]>([]);

/** The sentence about this node's field, if there is one to show. */
export function useProblem(nodeId: string, field: string): string | undefined {
  const problems = useContext(RuleProblemsContext);
  return problems.find((p) => p.nodeId === nodeId && p.field === field)?.message;
}
