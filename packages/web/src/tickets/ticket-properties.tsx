import { Alert, Paper, Select, Stack, TagsInput, TextInput, Title } from '@mantine/core';
import type { TicketDetail, TicketPriority, TicketStatus, UpdateTicket } from '@tandem/contract';
import { errorMessage } from '../api/error-message';
import { CustomFieldInputs } from '../people/custom-field-inputs';
import { useCrmMembers } from '../people/use-crm-members';
import { priorityOptions, statusOptions, ticketsApi } from './tickets-api';
import { useTeams, useTicketMutation } from './use-ticket-queries';

/** Status, priority, assignee, team, type and tags: each change saves at once. */
export function TicketProperties({ ticket, canWork }: { ticket: TicketDetail; canWork: boolean }) {
  const members = useCrmMembers();
  const teams = useTeams();
  const update = useTicketMutation(ticketsApi.update);
  const save = (patch: UpdateTicket) => update.mutate({ id: ticket.id, ...patch });
  return (
    <Paper withBorder p="sm" component="section" aria-label="Ticket properties">
      <Title order={4} mb="xs">
        Properties
      </Title>
      <Stack gap="xs">
        <Select
          label="Status"
          data={statusOptions}
          value={ticket.status}
          onChange={(value) => value && save({ status: value as TicketStatus })} // the contract's statuses
          allowDeselect={false}
          disabled={!canWork}
        />
        <Select
          label="Priority"
          data={priorityOptions}
          value={ticket.priority}
          onChange={(value) => value && save({ priority: value as TicketPriority })} // the contract's priorities
          allowDeselect={false}
          disabled={!canWork}
        />
        <Select
          label="Assignee"
          placeholder="Unassigned"
          data={members.options}
          value={ticket.assigneeId}
          onChange={(value) => save({ assigneeId: value })}
          clearable
          searchable
          disabled={!canWork}
        />
        <Select
          label="Team"
          placeholder="No team"
          data={teamOptions(teams.data?.data ?? [], ticket.teamId)}
          value={ticket.teamId}
          onChange={(value) => save({ teamId: value })}
          clearable
          disabled={!canWork}
        />
        <TextInput
          label="Type"
          key={`type-${ticket.updatedAt}`}
          defaultValue={ticket.type ?? ''}
          placeholder="question, incident, problem…"
          onBlur={(event) => {
            const type = event.currentTarget.value.trim() || null;
            if (type !== ticket.type) save({ type });
          }}
          disabled={!canWork}
        />
        <TagsInput label="Tags" value={ticket.tags} onChange={(tags) => save({ tags })} disabled={!canWork} />
        <CustomFieldInputs
          entity="ticket"
          values={ticket.fields}
          onSave={(fields) => save({ fields })}
          disabled={!canWork}
        />
        {update.error && (
          <Alert color="red" role="alert">
            {errorMessage(update.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** The teams to pick from, and the ticket's own team when it has been deleted since (solved tickets keep it). */
function teamOptions(teams: readonly { id: string; name: string }[], teamId: string | null) {
  const options = teams.map((t) => ({ value: t.id, label: t.name }));
  if (teamId !== null && !teams.some((t) => t.id === teamId))
    options.push({ value: teamId, label: 'Deleted team' });
  return options;
}
