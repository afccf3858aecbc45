import { Button, Group, Stack, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { DealFormModal } from './deal-form-modal';
import { useMembers, usePipelines } from './deal-queries';
import { DealsTable } from './deals-table';

/** A person's deals (for the person page), with a "New deal" that puts them on it. */
export function PersonDeals({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const canEdit = roleAllows(session.role, 'crm:write');
  const pipelines = usePipelines();
  const members = useMembers();
  const [creating, setCreating] = useState(false);
  const pipeline = pipelines.data?.data[0];
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3} size="h4">
          Deals
        </Title>
        {canEdit && pipeline && (
          <Button size="xs" variant="light" onClick={() => setCreating(true)}>
            New deal
          </Button>
        )}
      </Group>
      <DealsTable
        filter={{ profileId }}
        pipelines={pipelines.data?.data ?? []}
        ownerEmail={members.emailOf}
        label="Deals of this person"
        empty="No deals with this person."
      />
      {creating && pipeline && (
        <DealFormModal pipeline={pipeline} profileId={profileId} onClose={() => setCreating(false)} />
      )}
    </Stack>
  );
}
