import { Button, Group, Select } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCrmMembers } from '../people/use-crm-members';
import { formerMembersApi } from './settings-api';

/** Who takes over a former member's records, and the button that hands them over. */
export function FormerMemberHandOver({ userId, name }: { userId: string; name: string }) {
  // Every member may take over, not only those on the members table's pages shown.
  const { members } = useCrmMembers();
  const queryClient = useQueryClient();
  const [handOverTo, setHandOverTo] = useState<string | null>(null);
  const handOver = useMutation({
    mutationFn: formerMembersApi.handOver,
    // Records changed owner everywhere: every list shown is read again (this row leaves too).
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Select
        aria-label={`Hand over ${name}'s records to`}
        placeholder="Pick a member"
        size="xs"
        w={240}
        searchable
        data={members.map((member) => ({ value: member.id, label: member.email }))}
        value={handOverTo}
        onChange={(value) => {
          setHandOverTo(value);
          handOver.reset();
        }}
        disabled={handOver.isPending}
        error={handOver.error ? errorMessage(handOver.error) : undefined}
      />
      <Button
        size="xs"
        variant="light"
        disabled={handOverTo === null}
        loading={handOver.isPending}
        onClick={() => {
          if (handOverTo !== null) handOver.mutate({ userId, handOverTo });
        }}
      >
        Hand over
      </Button>
    </Group>
  );
}
