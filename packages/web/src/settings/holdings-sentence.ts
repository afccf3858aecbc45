import type { MemberHoldings } from '@tandem/contract';

const PARTS: readonly [keyof MemberHoldings, string, string][] = [
  ['people', 'person', 'people'],
  ['companies', 'company', 'companies'],
  ['openDeals', 'open deal', 'open deals'],
  ['openTasks', 'open task', 'open tasks'],
  ['unsolvedTickets', 'unsolved ticket', 'unsolved tickets'],
  ['activeEnrollments', 'active sequence enrollment', 'active sequence enrollments'],
];

/**
 * What a member holds, as one sentence naming only what they have ("They own 12 people, 3
 * companies and 1 unsolved ticket."); null when they hold nothing.
 */
export function holdingsSentence(holdings: MemberHoldings): string | null {
  const parts = PARTS.flatMap(([key, one, many]) => {
    const count = holdings[key];
    return count > 0 ? [`${count.toLocaleString('en-US')} ${count === 1 ? one : many}`] : [];
  });
  const last = parts.pop();
  if (last === undefined) return null;
  return `They own ${parts.length > 0 ? `${parts.join(', ')} and ${last}` : last}.`;
}
