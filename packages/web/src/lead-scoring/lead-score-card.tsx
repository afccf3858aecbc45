import { Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { LeadScoreChange, LeadScoreChangeReason } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { leadScoringApi, leadScoringQueryKey } from './lead-scoring-api';

/** Changes of the score the card lists (the API keeps more). */
const HISTORY_SHOWN = 6;

const REASONS: Record<LeadScoreChangeReason, string> = {
  event: 'New activity',
  rules: 'Rules changed',
  decay: 'Points faded',
  rederive: 'Profile recomputed',
};

const signed = (points: number) => (points > 0 ? `+${points}` : String(points));

/** A person's lead score: the total, each rule's part in it, and how it got there. */
export function LeadScoreCard({ profileId }: { profileId: string }) {
  const { workspace } = useCurrentSession();
  const score = useQuery({
    queryKey: [...leadScoringQueryKey(workspace.id), 'score', profileId],
    queryFn: () => leadScoringApi.scoreOf(profileId),
  });
  const data = score.data;
  const raw = (data?.breakdown ?? []).reduce((sum, c) => sum + c.points, 0);
  return (
    <Paper withBorder p="md" component="section" aria-label="Lead score">
      <QueryState isPending={score.isPending} error={score.error} refetch={score.refetch}>
        {data ? (
          <Stack gap="sm">
            <Group justify="space-between" align="flex-end">
              <div>
                <Title order={5}>Lead score</Title>
                <Text fz={34} fw={700} lh={1.1} aria-label="Total score">
                  {data.total}
                </Text>
              </div>
              <Group gap={6}>
                <Badge variant="light" color="blue">
                  Fit {data.fit}
                </Badge>
                <Badge variant="light" color="grape">
                  Engagement {data.engagement}
                </Badge>
              </Group>
            </Group>
            {data.breakdown.length === 0 ? (
              <Text size="sm" c="dimmed">
                No rule gives this person points yet.
              </Text>
            ) : (
              <Table aria-label="Score breakdown" verticalSpacing={4} fz="sm">
                <Table.Tbody>
                  {data.breakdown.map((c) => (
                    <Table.Tr key={c.rule}>
                      <Table.Td>
                        {c.rule}
                        {c.events !== undefined && c.events > 1 ? (
                          <Text span size="xs" c="dimmed">
                            {' '}
                            ({c.events} events)
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text span size="xs" c="dimmed">
                          {c.group === 'fit' ? 'Fit' : 'Engagement'}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right" fw={600} c={c.points < 0 ? 'red' : undefined}>
                        {signed(c.points)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {raw !== data.fit + data.engagement || data.total !== data.fit + data.engagement ? (
              <Text size="xs" c="dimmed">
                Caps hold the score at {data.total} (the rules add up to {raw}).
              </Text>
            ) : null}
            <ScoreHistory history={data.history} />
          </Stack>
        ) : null}
      </QueryState>
    </Paper>
  );
}

function ScoreHistory({ history }: { history: readonly LeadScoreChange[] }) {
  if (history.length === 0) return null;
  return (
    <div>
      <Text size="sm" fw={600} mb={4}>
        History
      </Text>
      <Stack
        gap={4}
        component="ol"
        aria-label="Score history"
        style={{ listStyle: 'none', padding: 0, margin: 0 }}
      >
        {history.slice(0, HISTORY_SHOWN).map((change) => (
          <li key={`${change.at}-${change.total}-${change.reason}`}>
            <Group gap={6} wrap="nowrap" align="baseline">
              <Text size="sm" fw={600} w={74}>
                {change.previousTotal} → {change.total}
              </Text>
              <Text size="xs" c="dimmed">
                {REASONS[change.reason]}, {formatDate(change.at)}
                {change.changes.length > 0
                  ? ` — ${change.changes.map((c) => `${c.rule} ${signed(c.to - c.from)}`).join(', ')}`
                  : ''}
              </Text>
            </Group>
          </li>
        ))}
      </Stack>
    </div>
  );
}
