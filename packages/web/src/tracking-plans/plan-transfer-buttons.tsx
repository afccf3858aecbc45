import { Alert, Button, FileButton, Group } from '@mantine/core';
import type { TrackingPlan } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { trackingPlanQueryKey, trackingPlansApi } from './tracking-plans-api';

type PlanTransferButtonsProps = { sourceId: string; saved: TrackingPlan | null; canEdit: boolean };

/** Export the saved plan as a JSON file, import one (replacing the plan), or remove the plan. */
export function PlanTransferButtons({ sourceId, saved, canEdit }: PlanTransferButtonsProps) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const planKey = trackingPlanQueryKey(session.workspace.id, sourceId);
  const importPlan = useMutation({
    mutationFn: async (file: File) => {
      let document: unknown;
      try {
        document = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON`);
      }
      return trackingPlansApi.import(sourceId, document);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: planKey }),
  });

  return (
    <Group gap="xs" align="flex-start">
      {saved && (
        <Button
          component="a"
          variant="default"
          size="xs"
          href={`/api/v1/sources/${encodeURIComponent(sourceId)}/tracking-plan/export`}
          download={`tracking-plan-${sourceId}.json`}
        >
          Export JSON
        </Button>
      )}
      {canEdit && (
        <FileButton accept="application/json,.json" onChange={(file) => file && importPlan.mutate(file)}>
          {(props) => (
            <Button {...props} variant="default" size="xs" loading={importPlan.isPending}>
              Import JSON
            </Button>
          )}
        </FileButton>
      )}
      {canEdit && saved && (
        <ConfirmedMutationButton
          label="Remove plan"
          ariaLabel="Remove the tracking plan"
          question="Remove this source's tracking plan? Calls are no longer checked and its violations are forgotten."
          confirmLabel="Remove"
          run={() => trackingPlansApi.remove(sourceId)}
          invalidates={planKey}
        />
      )}
      {importPlan.error && (
        <Alert color="red" role="alert" title="Could not import">
          {importPlan.error instanceof Error && !('status' in importPlan.error)
            ? importPlan.error.message
            : errorMessage(importPlan.error)}
        </Alert>
      )}
    </Group>
  );
}
