import { useQuery } from '@tanstack/react-query';
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

/** Purpose key → its label, for the purposes loaded so far. */
export function usePurposeLabels(): ReadonlyMap<string, string> {
  const purposes = usePurposes();
  return new Map((purposes.data?.data ?? []).map((p) => [p.key, p.label]));
}

/** User id → email of the workspace's members (who recorded a decision), for the first page of them. */
export function useMemberEmails(): ReadonlyMap<string, string> {
  const session = useCurrentSession();
  const members = useQuery({
    queryKey: [...membersQueryKey(session.workspace.id), 'emails'],
    queryFn: () => membersApi.list(null),
  });
  return new Map((members.data?.data ?? []).map((m) => [m.id, m.email]));
}
