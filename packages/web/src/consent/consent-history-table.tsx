import { Anchor, Table, Text } from '@mantine/core';
import type { ConsentDecision } from '@tandem/contract';
import { Link } from 'react-router';
import { formatDate } from '../shared/format-date';
import { ConsentBadge } from './consent-badge';
import { useMemberEmails } from './consent-queries';

type ConsentHistoryTableProps = {
  /** Decisions, newest first; with `profileId` when they are several people's (the consent center). */
  history: readonly (ConsentDecision & { profileId?: string })[];
  labelOf: ReadonlyMap<string, string>;
  label?: string;
};

/** Decisions with where each came from and what proves it was the person's. */
export function ConsentHistoryTable({
  history,
  labelOf,
  label = 'Consent history',
}: ConsentHistoryTableProps) {
  const emailOf = useMemberEmails();
  const who = (principal: string | null) =>
    principal === null
      ? 'the API'
      : (emailOf.get(principal) ?? (principal.startsWith('tok_') ? `API token ${principal}` : principal));
  const showPerson = history.some((decision) => decision.profileId !== undefined);
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table aria-label={label} striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Decided</Table.Th>
            {showPerson && <Table.Th>Person</Table.Th>}
            <Table.Th>Purpose</Table.Th>
            <Table.Th>Decision</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th>Proof</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.map((decision) => (
            <Table.Tr key={decision.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(decision.decidedAt)}</Table.Td>
              {showPerson && (
                <Table.Td>
                  {decision.profileId && (
                    <Anchor
                      component={Link}
                      to={`/people/${encodeURIComponent(decision.profileId)}`}
                      size="sm"
                      title={decision.profileId}
                    >
                      {shortId(decision.profileId)}
                    </Anchor>
                  )}
                </Table.Td>
              )}
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
              <Table.Td fz="sm" title={decision.source.eventId ?? undefined}>
                {sourceText(decision, who)}
              </Table.Td>
              <Table.Td fz="sm">
                <ProofText proof={decision.proof} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The IP and browser the decision came from, and the wording the person was shown. */
function ProofText({ proof }: { proof: ConsentDecision['proof'] }) {
  const origin = [proof.ip, proof.userAgent].filter(Boolean).join(' · ');
  if (!origin && !proof.wording)
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <>
      {origin && (
        // A browser's user agent is long: two lines here, all of it on hover.
        <Text size="sm" lineClamp={2} title={origin}>
          {origin}
        </Text>
      )}
      {proof.wording && (
        <Text
          size="xs"
          c="dimmed"
          title={proof.wordingVersion ? `Version of ${proof.wordingVersion}` : undefined}
        >
          Shown: “{proof.wording}”
        </Text>
      )}
    </>
  );
}

/** A profile id's kind and last characters: enough to tell people apart in a list. */
function shortId(profileId: string): string {
  return profileId.length > 14 ? `${profileId.slice(0, 5)}…${profileId.slice(-6)}` : profileId;
}

function sourceText({ source }: ConsentDecision, who: (principal: string | null) => string): string {
  const note = source.note ? ` — “${source.note}”` : '';
  switch (source.kind) {
    case 'event':
      // The event's id is the cell's title: long, and only needed to look the event up.
      return 'An event';
    case 'api':
      return `Recorded by ${who(source.principal)}${note}`;
    case 'import':
      return `Imported by ${who(source.principal)}${note}`;
    case 'preference_page':
      return 'The person, on the preference page';
    default: {
      const unknown: never = source.kind;
      return unknown;
    }
  }
}
