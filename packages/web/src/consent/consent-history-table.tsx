import { Table, Text } from '@mantine/core';
import type { ConsentDecision } from '@tandem/contract';
import { formatDate } from '../shared/format-date';
import { ConsentBadge } from './consent-badge';
import { useMemberEmails } from './consent-queries';

type ConsentHistoryTableProps = {
  history: readonly ConsentDecision[];
  labelOf: ReadonlyMap<string, string>;
};

/** Every decision the person made, newest first, with where it came from. */
export function ConsentHistoryTable({ history, labelOf }: ConsentHistoryTableProps) {
  const emailOf = useMemberEmails();
  const who = (principal: string | null) =>
    principal === null
      ? 'the API'
      : (emailOf.get(principal) ?? (principal.startsWith('tok_') ? `API token ${principal}` : principal));
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Consent history" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Decided</Table.Th>
            <Table.Th>Purpose</Table.Th>
            <Table.Th>Decision</Table.Th>
            <Table.Th>Source</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.map((decision) => (
            <Table.Tr key={decision.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(decision.decidedAt)}</Table.Td>
              <Table.Td>
                {decision.purpose ? (
                  (labelOf.get(decision.purpose) ?? decision.purpose)
                ) : (
                  <Text
                    span
                    size="sm"
                    c="dimmed"
                    title="No purpose has this name or alias: kept for the record"
                  >
                    {decision.category} (unknown category)
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <ConsentBadge granted={decision.granted} />
              </Table.Td>
              <Table.Td fz="sm">{sourceText(decision, who)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function sourceText({ source }: ConsentDecision, who: (principal: string | null) => string): string {
  const note = source.note ? ` — “${source.note}”` : '';
  switch (source.kind) {
    case 'event':
      return `Event ${source.eventId ?? ''}`.trim();
    case 'api':
      return `Recorded by ${who(source.principal)}${note}`;
    case 'import':
      return `Imported by ${who(source.principal)}${note}`;
    default: {
      const unknown: never = source.kind;
      return unknown;
    }
  }
}
