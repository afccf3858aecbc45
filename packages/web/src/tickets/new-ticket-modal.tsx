import { Alert, Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import type { TicketPriority } from '@tandem/contract';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { priorityOptions, ticketsApi } from './tickets-api';
import { useTeams, useTicketMutation } from './use-ticket-queries';

/** Opens a ticket on behalf of a customer, named by email (found, or created as a person). */
export function NewTicketModal({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const teams = useTeams();
  const [email, setEmail] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState<string>('normal');
  const [teamId, setTeamId] = useState<string | null>(null);
  const create = useTicketMutation(ticketsApi.create, (ticket) => {
    onClose();
    navigate(`/tickets/${encodeURIComponent(ticket.id)}`);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      email: email.trim(),
      subject,
      priority: priority as TicketPriority, // options are the contract's priorities
      ...(body.trim() ? { body } : {}),
      ...(teamId ? { teamId } : {}),
    });
  };
  return (
    <Modal opened onClose={onClose} title="New ticket" size="lg">
      <form onSubmit={submit} aria-label="New ticket">
        <Stack>
          <TextInput
            label="Requester email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <TextInput
            label="Subject"
            required
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
          />
          <Textarea
            label="Message from the customer"
            autosize
            minRows={3}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
          />
          <Group grow>
            <Select
              label="Priority"
              data={priorityOptions}
              value={priority}
              onChange={(v) => setPriority(v ?? 'normal')}
              allowDeselect={false}
            />
            <Select
              label="Team"
              placeholder="No team"
              data={(teams.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
              value={teamId}
              onChange={setTeamId}
              clearable
            />
          </Group>
          {create.error && (
            <Alert color="red" role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Open ticket
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
