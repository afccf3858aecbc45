import type {
  CreateSequence,
  Enroll,
  Enrollment,
  EnrollResult,
  Sequence,
  SequenceReport,
  UpdateSequence,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const sequencePath = (sequenceId: string) => `/api/v1/sequences/${encodeURIComponent(sequenceId)}`;

export const sequencesApi = {
  list: () => apiClient.get<{ data: Sequence[] }>('/api/v1/sequences'),
  get: (sequenceId: string) => apiClient.get<Sequence>(sequencePath(sequenceId)),
  create: (input: CreateSequence) => apiClient.post<Sequence>('/api/v1/sequences', input),
  update: (input: { sequenceId: string; patch: UpdateSequence }) =>
    apiClient.patch<Sequence>(sequencePath(input.sequenceId), input.patch),
  remove: (sequenceId: string) => apiClient.delete(sequencePath(sequenceId)),
  report: (sequenceId: string) => apiClient.get<SequenceReport>(`${sequencePath(sequenceId)}/report`),
  enrollments: (sequenceId: string, cursor: string | null) =>
    apiClient.get<Page<Enrollment>>(
      withPage(`${sequencePath(sequenceId)}/enrollments`, { limit: 100, cursor }),
    ),
  enroll: (input: { sequenceId: string } & Enroll) => {
    const { sequenceId, ...body } = input;
    return apiClient.post<EnrollResult>(`${sequencePath(sequenceId)}/enrollments`, body);
  },
  stop: (input: { sequenceId: string; enrollmentId: string }) =>
    apiClient.post<Enrollment>(
      `${sequencePath(input.sequenceId)}/enrollments/${encodeURIComponent(input.enrollmentId)}/stop`,
    ),
  ofPerson: (profileId: string) =>
    apiClient.get<{ data: Enrollment[] }>(`/api/v1/profiles/${encodeURIComponent(profileId)}/sequences`),
};

/** Every sequence query of a workspace starts with this key. */
export const sequencesQueryKey = (workspaceId: string) => ['sequences', workspaceId] as const;

export const STOP_REASON_LABELS: Readonly<Record<NonNullable<Enrollment['stopReason']>, string>> = {
  replied: 'replied',
  company_replied: 'their company replied',
  meeting_booked: 'booked a meeting',
  unsubscribed: 'unsubscribed',
  bounced: 'email bounced',
  manual: 'by hand',
};

/** An enrollment's status as people read it. */
export function enrollmentStatus(enrollment: Enrollment): string {
  if (enrollment.status === 'active') return 'Active';
  if (enrollment.status === 'finished') return 'Finished';
  return `Stopped: ${enrollment.stopReason ? STOP_REASON_LABELS[enrollment.stopReason] : 'unknown'}`;
}
