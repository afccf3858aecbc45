import type {
  CsatAnswer,
  CsatReport,
  CsatSurveyPage,
  NewWebForm,
  SlaAttainmentReport,
  TicketCsat,
  WebForm,
} from '@tandem/contract';
import { apiClient, withPage } from '../api/api-client';

const csatPath = (token: string) => `/api/v1/csat/${encodeURIComponent(token)}`;
const ticketCsatPath = (ticketId: string) => `/api/v1/tickets/${encodeURIComponent(ticketId)}/csat`;

export const satisfactionApi = {
  survey: (token: string) => apiClient.get<CsatSurveyPage>(csatPath(token)),
  answer: ({ token, ...answer }: CsatAnswer & { token: string }) =>
    apiClient.post<CsatSurveyPage>(csatPath(token), answer),
  ofTicket: (ticketId: string) => apiClient.get<TicketCsat>(ticketCsatPath(ticketId)),
  setSkip: ({ ticketId, skip }: { ticketId: string; skip: boolean }) =>
    apiClient.patch<TicketCsat>(ticketCsatPath(ticketId), { skip }),
  csatReport: (from: string | null, to: string | null) =>
    apiClient.get<CsatReport>(withPage('/api/v1/csat-reports', { from, to })),
  slaAttainment: (from: string | null, to: string | null) =>
    apiClient.get<SlaAttainmentReport>(withPage('/api/v1/sla-attainment', { from, to })),
};

export const webFormsApi = {
  list: () => apiClient.get<{ data: WebForm[] }>('/api/v1/web-forms'),
  create: (input: NewWebForm) => apiClient.post<WebForm>('/api/v1/web-forms', input),
  remove: (id: string) => apiClient.delete(`/api/v1/web-forms/${encodeURIComponent(id)}`),
};

export const webFormsQueryKey = (workspaceId: string) => ['workspace', workspaceId, 'web-forms'] as const;

/** The snippet a website pastes: a div the script renders the form into. */
export function webFormSnippet(formKey: string, origin: string): string {
  return `<div data-tandem-form="${formKey}"></div>\n<script src="${origin}/v1/forms/${formKey}.js" async></script>`;
}
