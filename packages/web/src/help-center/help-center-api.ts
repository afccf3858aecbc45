import type {
  HelpArticle,
  HelpArticleQuery,
  HelpCategory,
  HelpCenterSite,
  NewHelpArticle,
  NewHelpCategory,
  UpdateHelpArticle,
  UpdateHelpCategory,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const base = '/api/v1/help-center';
const articlePath = (id: string) => `${base}/articles/${encodeURIComponent(id)}`;
const categoryPath = (id: string) => `${base}/categories/${encodeURIComponent(id)}`;

export const helpCenterApi = {
  site: () => apiClient.get<HelpCenterSite>(`${base}/site`),
  articles: (query: Omit<HelpArticleQuery, 'limit'>) =>
    apiClient.get<Page<HelpArticle>>(withPage(`${base}/articles`, { ...query, limit: 200 })),
  createArticle: (input: NewHelpArticle) => apiClient.post<HelpArticle>(`${base}/articles`, input),
  updateArticle: ({ id, ...patch }: UpdateHelpArticle & { id: string }) =>
    apiClient.patch<HelpArticle>(articlePath(id), patch),
  removeArticle: (id: string) => apiClient.delete(articlePath(id)),
  categories: () => apiClient.get<Page<HelpCategory>>(`${base}/categories`),
  createCategory: (input: NewHelpCategory) => apiClient.post<HelpCategory>(`${base}/categories`, input),
  updateCategory: ({ id, ...patch }: UpdateHelpCategory & { id: string }) =>
    apiClient.patch<HelpCategory>(categoryPath(id), patch),
  removeCategory: (id: string) => apiClient.delete(categoryPath(id)),
  preview: (markdown: string) => apiClient.post<{ html: string }>(`${base}/preview`, { markdown }),
};

/** Every help center query of a workspace starts with this key. */
export const helpCenterKey = (workspaceId: string) => ['help-center', workspaceId] as const;
