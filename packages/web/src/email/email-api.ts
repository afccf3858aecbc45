import { type EmailSettings, type EmailTemplate, MAX_PAGE_LIMIT, type SearchResults } from '@tandem/contract';
import { apiClient, everyPage, type Page, withPage } from '../api/api-client';

const templatePath = (id: string) => `/api/v1/email/templates/${encodeURIComponent(id)}`;

export const emailQueryKey = (workspaceId: string) => ['workspace', workspaceId, 'email'] as const;

/** What the editor saves: the contract's template input. */
export type TemplateDraft = Pick<EmailTemplate, 'name' | 'subject' | 'mjml' | 'category'> & { text?: string };

export type EmailPreview = { subject: string; html: string; text: string; errors: string[] };

export const emailApi = {
  /** A page of templates, newest first, for the templates page. */
  templatePage: (cursor: string | null) =>
    apiClient.get<Page<EmailTemplate>>(withPage('/api/v1/email/templates', { cursor })),
  /** What a template picker offers (broadcasts, sequences): every template, newest first. */
  templates: () =>
    everyPage((cursor) =>
      apiClient.get<Page<EmailTemplate>>(
        withPage('/api/v1/email/templates', { limit: MAX_PAGE_LIMIT, cursor }),
      ),
    ),
  template: (id: string) => apiClient.get<EmailTemplate>(templatePath(id)),
  create: (draft: TemplateDraft) => apiClient.post<EmailTemplate>('/api/v1/email/templates', draft),
  update: (id: string, draft: Partial<TemplateDraft>) =>
    apiClient.patch<EmailTemplate>(templatePath(id), draft),
  remove: (id: string) => apiClient.delete(templatePath(id)),
  preview: (id: string, profileId: string | null) =>
    apiClient.post<EmailPreview>(`${templatePath(id)}/preview`, profileId ? { profileId } : {}),
  settings: () => apiClient.get<EmailSettings>('/api/v1/email/settings'),
  saveSettings: (patch: Partial<EmailSettings>) =>
    apiClient.put<EmailSettings>('/api/v1/email/settings', patch),
  /** People by name or email, for the preview's person picker. */
  people: (q: string) =>
    apiClient.get<SearchResults>(withPage('/api/v1/search', { q, types: 'people', limit: 8 })),
};

/** A new template's starting point. */
export const STARTER_MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text font-size="20px">Hello {{ traits.name | default: "there" }},</mj-text>
        <mj-text>Write your message here.</mj-text>
        <mj-text font-size="11px"><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
