import { Alert, Button, Group, Paper, Select, TagsInput, Text } from '@mantine/core';
import type { TicketPriority, TicketStatus } from '@tandem/contract';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCrmMembers } from '../people/use-crm-members';
import { priorityOptions, statusOptions, ticketsApi } from './tickets-api';
import { useTicketMutation } from './use-ticket-queries';

/** Sets the status, priority or assignee, and adds tags, of every selected ticket at once. */
export function TicketBulkBar({
  tickets,
  onDone,
}: {
  tickets: readonly { id: string; number: number }[];
  onDone: () => void;
}) {
  const ticketIds = tickets.map((t) => t.id);
  // Duplicates merge into the oldest selected ticket (the lowest number).
  const [survivor, ...duplicates] = [...tickets].sort((a, b) => a.number - b.number);
  const merge = useTicketMutation(ticketsApi.merge, onDone);
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
        {survivor && duplicates.length > 0 && (
          <Button
            variant="light"
            loading={merge.isPending}
            onClick={() => merge.mutate({ id: survivor.id, ticketIds: duplicates.map((t) => t.id) })}
          >
            Merge into #{survivor.number}
          </Button>
        )}
      </Group>
      {(apply.error || merge.error) && (
        <Alert color="red" mt="sm" role="alert">
          {errorMessage(apply.error ?? merge.error)}
        </Alert>
      )}
    </Paper>
  );
}
