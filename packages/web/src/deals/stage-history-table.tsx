import { Paper, Stack, Table, Title } from '@mantine/core';
import type { StageStay } from '@tandem/contract';
import { formatDate } from '../shared/format-date';

type StageHistoryTableProps = {
  history: readonly StageStay[];
  who: (actorId: string | null) => string | null;
};

/** Every stage the deal was in, newest first, with when and by whom it entered and left. */
export function StageHistoryTable({ history, who }: StageHistoryTableProps) {
  return (
    <Paper withBorder p="md" radius="md">
      <Stack>
        <Title order={3} size="h4">
          Stage history
        </Title>
        <Table aria-label="Stage history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Stage</Table.Th>
              <Table.Th>Entered</Table.Th>
              <Table.Th>Left</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...history].reverse().map((stay) => (
              <Table.Tr key={stay.id}>
                <Table.Td>{stay.stageName ?? 'A removed stage'}</Table.Td>
                <Table.Td>
                  {formatDate(stay.enteredAt)}
                  {stay.enteredBy && ` by ${who(stay.enteredBy)}`}
                </Table.Td>
                <Table.Td>
                  {stay.leftAt ? formatDate(stay.leftAt) : 'Still there'}
                  {stay.leftBy && ` by ${who(stay.leftBy)}`}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}
