import { Select, Stack, Text } from '@mantine/core';
import type { Member } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { holdingsSentence } from './holdings-sentence';
import { holdingsQueryKey, membersApi } from './settings-api';

/** The Select's value for "nobody takes over" (a member's id otherwise). */
export const NO_ONE = 'no-one';

/**
 * What a member about to be removed holds, and who takes it over. Mounted while the question
 * is open, so the counts are read fresh each time it opens.
 */
export function HandOverChoice(props: {
  member: Member;
  others: readonly Member[];
  value: string;
  onChange: (value: string) => void;
}) {
  const session = useCurrentSession();
  const holdings = useQuery({
    queryKey: holdingsQueryKey(session.workspace.id, props.member.id),
    queryFn: () => membersApi.holdings(props.member.id),
  });
  const sentence = holdings.data ? holdingsSentence(holdings.data) : null;
  return (
    <Stack gap="xs" mb="xs">
      {sentence && <Text size="sm">{sentence}</Text>}
      {holdings.error ? (
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          Could not tell what they hold. {errorMessage(holdings.error)}
        </Text>
      ) : null}
      <Select
        label="Hand their records over to"
        size="xs"
        allowDeselect={false}
        // Inside the question's popover: a list in a portal would count as a click outside it.
        comboboxProps={{ withinPortal: false }}
        data={[
          { value: NO_ONE, label: 'No one: they stay the owner' },
          ...props.others.map((other) => ({ value: other.id, label: other.email })),
        ]}
        value={props.value}
        onChange={(value) => props.onChange(value ?? NO_ONE)}
      />
    </Stack>
  );
}
