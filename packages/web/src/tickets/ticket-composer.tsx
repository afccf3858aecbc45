import {
  Alert,
  Button,
  FileInput,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Textarea,
} from '@mantine/core';
import type { NewAttachment, TicketDetail, TicketStatus } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ArticleLinkPicker } from '../help-center/article-link-picker';
import { cannedRepliesApi, cannedRepliesKey, STATUS_LABELS, ticketsApi } from './tickets-api';
import { useTicketMutation } from './use-ticket-queries';

/** Writes a public reply or an internal note; a canned reply fills the text; Ctrl+Enter sends. */
export function TicketComposer({ ticket }: { ticket: TicketDetail }) {
  const session = useCurrentSession();
  const [mode, setMode] = useState<'public' | 'note'>('public');
  const [body, setBody] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const canned = useQuery({
    queryKey: cannedRepliesKey(session.workspace.id),
    queryFn: () => cannedRepliesApi.list(),
    staleTime: 60_000,
  });
  const send = useTicketMutation(
    async (input: Parameters<typeof ticketsApi.reply>[0]) =>
      ticketsApi.reply({ ...input, attachments: await Promise.all(files.map(attachmentOf)) }),
    () => {
      setBody('');
      setStatus(null);
      setFiles([]);
    },
  );
  const insertCanned = async (cannedId: string | null) => {
    if (!cannedId) return;
    const rendered = await ticketsApi.renderCanned(ticket.id, cannedId);
    setBody((current) => (current.trim() ? `${current.trimEnd()}\n\n${rendered.body}` : rendered.body));
  };
  const submit = () => {
    if (!body.trim()) return;
    send.mutate({
      id: ticket.id,
      body,
      public: mode === 'public',
      ...(status ? { status: status as TicketStatus } : {}), // options are the contract's statuses
    });
  };
  return (
    <Paper withBorder p="sm" component="section" aria-label="Reply">
      <Stack gap="xs">
        <Group justify="space-between">
          <SegmentedControl
            aria-label="Reply kind"
            value={mode}
            onChange={(value) => setMode(value === 'note' ? 'note' : 'public')}
            data={[
              { value: 'public', label: 'Public reply' },
              { value: 'note', label: 'Internal note' },
            ]}
            color={mode === 'note' ? 'yellow' : 'blue'}
          />
          <Select
            aria-label="Canned reply"
            placeholder="Insert a canned reply"
            data={(canned.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            value={null}
            onChange={(value) => void insertCanned(value)}
            searchable
            w={260}
          />
          <ArticleLinkPicker
            onInsert={(link) =>
              setBody((current) => (current.trim() ? `${current.trimEnd()}\n\n${link}` : link))
            }
          />
        </Group>
        <Textarea
          aria-label={mode === 'note' ? 'Internal note' : 'Reply to the customer'}
          placeholder={
            mode === 'note' ? 'Only agents see notes' : `Reply to ${ticket.requesterEmail ?? 'the customer'}`
          }
          autosize
          minRows={4}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit();
          }}
          styles={
            mode === 'note' ? { input: { background: 'var(--mantine-color-yellow-light)' } } : undefined
          }
        />
        <Group justify="space-between">
          <FileInput
            aria-label="Attach files"
            placeholder="Attach files"
            multiple
            clearable
            value={files}
            onChange={setFiles}
            size="xs"
            w={260}
          />
          <Group>
            <Select
              aria-label="Then set status"
              placeholder="Keep status"
              data={Object.entries(STATUS_LABELS).map(([value, label]) => ({
                value,
                label: `Then: ${label}`,
              }))}
              value={status}
              onChange={setStatus}
              clearable
              w={180}
            />
            <Button
              onClick={submit}
              loading={send.isPending}
              disabled={!body.trim()}
              color={mode === 'note' ? 'yellow' : 'blue'}
            >
              {mode === 'note' ? 'Add note' : 'Send reply'}
            </Button>
          </Group>
        </Group>
        {send.error && (
          <Alert color="red" role="alert">
            {errorMessage(send.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** A file as the API takes it: its bytes in base64. */
async function attachmentOf(file: File): Promise<NewAttachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return {
    filename: file.name,
    contentType: file.type || 'application/octet-stream',
    contentBase64: btoa(binary),
  };
}
