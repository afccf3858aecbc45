import { foundation } from './0001-foundation.js';
import { eventLog } from './0002-event-log.js';
import { unify } from './0003-unify.js';
import { imports } from './0004-imports.js';
import { audiences } from './0005-audiences.js';
import { traitConditions } from './0006-trait-conditions.js';
import { accessControl } from './0007-access-control.js';
import { profileEventNames } from './0008-profile-event-names.js';
import { audienceSweeps } from './0009-audience-sweeps.js';
import { destinations } from './0010-destinations.js';
import { consent } from './0011-consent.js';
import { website } from './0012-website.js';
import { audienceFiles } from './0013-audience-files.js';
import { crmFoundation } from './0014-crm-foundation.js';
import { crmPeople } from './0015-crm-people.js';
import { crmDeals } from './0016-crm-deals.js';
import { leadScoring } from './0017-lead-scoring.js';
import { savedViews } from './0018-saved-views.js';
import { deliveryHeads } from './0019-delivery-heads.js';
import { dealSearch } from './0021-deal-search.js';
import { dealImports } from './0022-deal-imports.js';
import { listSort } from './0023-list-sort.js';
import { serviceDeskTickets } from './0024-service-desk-tickets.js';
import { sla } from './0025-sla.js';
import { deskEmail } from './0026-desk-email.js';
import { satisfaction } from './0027-satisfaction.js';
import { helpCenter } from './0028-help-center.js';
import { emailSending } from './0029-email-sending.js';
import { emailPreferences } from './0030-email-preferences.js';
import { journeys } from './0031-journeys.js';
import { sequencesLists } from './0032-sequences-lists.js';
import { privacy } from './0033-privacy.js';
import { auditLogRetention } from './0034-audit-log-retention.js';
import { trackingPlans } from './0035-tracking-plans.js';
import { consentCenter } from './0036-consent-center.js';
import { piiSettings } from './0037-pii-settings.js';
import { deletionNotices } from './0038-deletion-notices.js';
import { analyticsEvents } from './0039-analytics-events.js';
import { predictions } from './0040-predictions.js';
import { savedInsights } from './0041-saved-insights.js';
import { logTransactionBase } from './0042-log-transaction-base.js';
import { traitTimeChanges } from './0043-trait-time-changes.js';
import { consentChanges } from './0044-consent-changes.js';
import { emailMarketingSlots } from './0045-email-marketing-slots.js';
import { analyticsTimeChanges } from './0046-analytics-time-changes.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in the order it runs. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  foundation,
  eventLog,
  unify,
  imports,
  audiences,
  traitConditions,
  accessControl,
  profileEventNames,
  audienceSweeps,
  destinations,
  consent,
  website,
  audienceFiles,
  crmFoundation,
  crmPeople,
  crmDeals,
  leadScoring,
  savedViews,
  deliveryHeads,
  dealSearch,
  dealImports,
  listSort,
  serviceDeskTickets,
  sla,
  deskEmail,
  satisfaction,
  helpCenter,
  emailSending,
  emailPreferences,
  journeys,
  sequencesLists,
  privacy,
  auditLogRetention,
  trackingPlans,
  consentCenter,
  piiSettings,
  deletionNotices,
  analyticsEvents,
  predictions,
  savedInsights,
  logTransactionBase,
  traitTimeChanges,
  consentChanges,
  emailMarketingSlots,
  analyticsTimeChanges,
];
