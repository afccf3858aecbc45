import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { consentApi, consentQueryKey } from './consent-api';

/** The workspace's purposes (the Consent page, the profile's panel and sidebar share it). */
export function usePurposes() {
  const session = useCurrentSession();
  return useQuery({
    queryKey: [...consentQueryKey(session.workspace.id), 'purposes'],
    queryFn: consentApi.purposes,
  });
}

/** A profile's consent: state per purpose and history. */
export function useProfileConsent(profileId: string) {
  const session = useCurrentSession();
  return useQuery({
    queryKey: [...consentQueryKey(session.workspace.id), 'profile', profileId],
    queryFn: () => consentApi.ofProfile(profileId),
  });
}

/** Purpose key → its label, for the purposes loaded so far. */
export function usePurposeLabels(): ReadonlyMap<string, string> {
  const purposes = usePurposes();
  return new Map((purposes.data?.data ?? []).map((p) => [p.key, p.label]));
}
