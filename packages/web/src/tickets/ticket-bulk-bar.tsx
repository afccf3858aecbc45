import { Alert, Button, Group, Paper, Select, TagsInput, Text } from '@mantine/core';
import type { TicketPriority, TicketStatus } from '@tandem/contract';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCrmMembers } from '../people/use-crm-members';
import { priorityOptions, statusOptions, ticketsApi } from './tickets-api';
import { useTicketMutation } from './use-ticket-queries';

/** Sets the status, priority or assignee, and adds tags, of every selected ticket at once. */
export function TicketBulkBar({ ticketIds, onDone }: { ticketIds: readonly string[]; onDone: () => void }) {
  const members = useCrmMembers();
  const [status, setStatus] = useState<string | null>(null);
  const [priority, setPriority] = useState<string | null>(null);
  const [assigneeId, setAssigneeId] = useState<string | null>(null);
  const [addTags, setAddTags] = useState<string[]>([]);
  const apply = useTicketMutation(ticketsApi.bulk, onDone);
  const nothing = !status && !priority && !assigneeId && addTags.length === 0;
  return (
    <Paper withBorder p="sm" component="section" aria-label="Change the selected tickets">
      <Text fw={500} mb="xs">
        {ticketIds.length === 1 ? '1 ticket selected' : `${ticketIds.length} tickets selected`}
      </Text>
      <Group align="flex-end">
        <Select
          label="Set status"
          placeholder="Keep"
          data={statusOptions}
          value={status}
          onChange={setStatus}
          clearable
          w={160}
        />
        <Select
          label="Set priority"
          placeholder="Keep"
          data={priorityOptions}
          value={priority}
          onChange={setPriority}
          clearable
          w={160}
        />
        <Select
          label="Assign to"
          placeholder="Keep"
          data={members.options}
          value={assigneeId}
          onChange={setAssigneeId}
          clearable
          w={240}
        />
        <TagsInput label="Add tags" value={addTags} onChange={setAddTags} w={200} />
        <Button
          disabled={nothing}
          loading={apply.isPending}
          onClick={() =>
            apply.mutate({
              ticketIds: [...ticketIds],
              ...(status ? { status: status as TicketStatus } : {}), // options are the contract's statuses
              ...(priority ? { priority: priority as TicketPriority } : {}), // options are the contract's priorities
              ...(assigneeId ? { assigneeId } : {}),
              ...(addTags.length > 0 ? { addTags } : {}),
            })
          }
        >
          Apply
        </Button>
      </Group>
      {apply.error && (
        <Alert color="red" mt="sm" role="alert">
          {errorMessage(apply.error)}
        </Alert>
      )}
    </Paper>
  );
}
