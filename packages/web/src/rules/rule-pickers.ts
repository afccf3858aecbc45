import type { CatalogEvent, CatalogTrait, ComputedTrait } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { everyPage } from '../api/api-client';
import { audiencesApi, audiencesQueryKey } from '../audiences/audiences-api';
import { useCurrentSession } from '../auth/use-session';
import { computedTraitsApi, computedTraitsQueryKey } from '../computed-traits/computed-traits-api';
import { useCatalogEvents, useCatalogTraits } from './catalog-api';

/** What the rule editor's pickers offer: names seen in the data, computed traits, other audiences. */
export type RulePickers = {
  traits: readonly CatalogTrait[];
  events: readonly CatalogEvent[];
  computedTraits: readonly ComputedTrait[];
  audiences: readonly { id: string; name: string }[];
};

export const RulePickersContext = createContext<RulePickers>({
  traits: [],
  events: [],
  computedTraits: [],
  audiences: [],
});

export const useRulePickers = () => useContext(RulePickersContext);

/** Loads the pickers' options; an audience never offers itself (`exceptAudienceId`). */
export function useLoadRulePickers(exceptAudienceId?: string): RulePickers {
  const { workspace } = useCurrentSession();
  const traits = useCatalogTraits();
  const events = useCatalogEvents();
  const computedTraits = useQuery({
    queryKey: [...computedTraitsQueryKey(workspace.id), 'picker'],
    queryFn: () => everyPage(computedTraitsApi.list),
  });
  const audiences = useQuery({
    queryKey: [...audiencesQueryKey(workspace.id), 'picker'],
    queryFn: () => everyPage(audiencesApi.list),
  });
  return {
    traits: traits.data?.data ?? [],
    events: events.data?.data ?? [],
    computedTraits: computedTraits.data?.data ?? [],
    audiences: (audiences.data?.data ?? []).filter((a) => a.id !== exceptAudienceId),
  };
}
