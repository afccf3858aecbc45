export {
  HelpArticlesService,
  type HelpCenterDeps,
  type PublicArticle,
  slugOf,
} from './help-articles-service.js';
export { escapeHtml, excerptOf, renderMarkdown } from './markdown.js';
export { type PortalDeps, PortalService, type PortalTickets } from './portal-service.js';
