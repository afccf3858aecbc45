import { Alert, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import type { DealDetail } from '@tandem/contract';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { formatDate } from '../shared/format-date';
import { useUpdateDeal } from './use-update-deal';

/** Won, lost (with why), or reopened. */
export function DealOutcome({ deal, canEdit }: { deal: DealDetail; canEdit: boolean }) {
  const { update } = useUpdateDeal(deal.id);
  const [losing, setLosing] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <Paper withBorder p="md" radius="md">
      <Stack>
        <Title order={3} size="h4">
          Outcome
        </Title>
        {deal.status === 'open' && <Text size="sm">Open since {formatDate(deal.createdAt)}.</Text>}
        {deal.status === 'won' && (
          <Text size="sm">Won on {deal.closeDate ?? formatDate(deal.closedAt)}.</Text>
        )}
        {deal.status === 'lost' && (
          <Text size="sm">
            Lost on {deal.closeDate ?? formatDate(deal.closedAt)}: {deal.lostReason}
          </Text>
        )}
        {canEdit && deal.status === 'open' && !losing && (
          <Group>
            <Button color="green" loading={update.isPending} onClick={() => update.mutate({ status: 'won' })}>
              Mark as won
            </Button>
            <Button color="red" variant="light" onClick={() => setLosing(true)}>
              Mark as lost
            </Button>
          </Group>
        )}
        {canEdit && losing && deal.status === 'open' && (
          <form
            aria-label="Mark as lost"
            onSubmit={(event) => {
              event.preventDefault();
              update.mutate(
                { status: 'lost', lostReason: reason.trim() },
                { onSuccess: () => setLosing(false) },
              );
            }}
          >
            <Stack>
              <Textarea
                label="Why was it lost?"
                required
                autosize
                minRows={2}
                maxLength={500}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
              />
              <Group>
                <Button type="submit" color="red" loading={update.isPending} disabled={!reason.trim()}>
                  Mark as lost
                </Button>
                <Button variant="default" onClick={() => setLosing(false)}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {canEdit && deal.status !== 'open' && (
          <Group>
            <Button
              variant="default"
              loading={update.isPending}
              onClick={() => update.mutate({ status: 'open' })}
            >
              Reopen
            </Button>
          </Group>
        )}
        {update.error && (
          <Alert color="red" role="alert">
            {errorMessage(update.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
