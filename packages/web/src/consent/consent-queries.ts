import { useQuery } from '@tanstack/react-query';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { membersApi, membersQueryKey } from '../settings/settings-api';
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

/** A profile's decisions, newest first, 25 at a time (with their proof). */
export function useConsentHistory(profileId: string) {
  const session = useCurrentSession();
  return usePagedQuery([...consentQueryKey(session.workspace.id), 'history', profileId], (cursor) =>
    consentApi.history(profileId, cursor),
  );
}

/** The consent center's counts per purpose and latest decisions. */
export function useConsentOverview() {
  const session = useCurrentSession();
  return useQuery({
    queryKey: [...consentQueryKey(session.workspace.id), 'overview'],
    queryFn: consentApi.overview,
  });
}

/** Purpose key → its label, for the purposes loaded so far. */
export function usePurposeLabels(): ReadonlyMap<string, string> {
  const purposes = usePurposes();
  return new Map((purposes.data?.data ?? []).map((p) => [p.key, p.label]));
}

/** User id → email of the workspace's members (who recorded a decision). */
export function useMemberEmails(): ReadonlyMap<string, string> {
  const session = useCurrentSession();
  const members = useQuery({
    queryKey: [...membersQueryKey(session.workspace.id), 'all'],
    queryFn: () => membersApi.all(),
    staleTime: 60_000,
  });
  return new Map((members.data ?? []).map((m) => [m.id, m.email]));
}
