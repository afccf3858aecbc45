import type { DealDetail, DealPerson, UpdateDeal } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { dealKey, dealsApi, dealsQueryKey } from './deals-api';

/** Saves a change to a deal; the answer (with its history) replaces the page's copy at once. */
export function useUpdateDeal(dealId: string) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const saved = async (deal: DealDetail) => {
    queryClient.setQueryData(dealKey(session.workspace.id, dealId), deal);
    await queryClient.invalidateQueries({ queryKey: dealsQueryKey(session.workspace.id) });
  };
  const update = useMutation({
    mutationFn: (patch: UpdateDeal) => dealsApi.update({ id: dealId, ...patch }),
    onSuccess: saved,
  });
  const setPeople = useMutation({
    mutationFn: (people: DealPerson[]) => dealsApi.setPeople({ id: dealId, people }),
    onSuccess: saved,
  });
  return { update, setPeople };
}
