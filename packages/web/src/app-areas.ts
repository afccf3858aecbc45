import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

/** The navbar's groups, in their order. */
export const NAV_SECTIONS = [
  'Home',
  'Customers',
  'Insights',
  'Sales',
  'Support',
  'Marketing',
  'Data',
  'Privacy',
  'Settings',
] as const;
export type NavSection = (typeof NAV_SECTIONS)[number];

export type AppArea = {
  path: string;
  /** Where the navbar lists it. */
  section: NavSection;
  label: string;
  Page: LazyExoticComponent<ComponentType>;
  /** One item of the area, at `${path}/:id`. */
  DetailPage?: LazyExoticComponent<ComponentType>;
  /** Pages of one item, at `${path}/:id/${subPath}` (reached from its detail page). */
  ItemPages?: Readonly<Record<string, LazyExoticComponent<ComponentType>>>;
};

/**
 * A page loaded on first visit: each area's code is its own chunk, so the first page downloads
 * only the shell and that area. Pages are named exports, hence the pick.
 */
function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  return lazy(async () => ({ default: pick(await load()) }));
}

/** The product's areas in navigation order; the router and the navbar are both built from it. */
export const APP_AREAS: readonly AppArea[] = [
  {
    path: '/home',
    section: 'Home',
    label: 'Home',
    Page: lazyPage(
      () => import('./home/home-page'),
      (m) => m.HomePage,
    ),
  },
  {
    path: '/people',
    section: 'Customers',
    label: 'People',
    Page: lazyPage(
      () => import('./people/people-page'),
      (m) => m.PeoplePage,
    ),
    DetailPage: lazyPage(
      () => import('./people/profile-page'),
      (m) => m.ProfilePage,
    ),
  },
  {
    path: '/companies',
    section: 'Customers',
    label: 'Companies',
    Page: lazyPage(
      () => import('./companies/companies-page'),
      (m) => m.CompaniesPage,
    ),
    DetailPage: lazyPage(
      () => import('./companies/company-page'),
      (m) => m.CompanyPage,
    ),
  },
  {
    path: '/predictions',
    section: 'Insights',
    label: 'Predictions',
    Page: lazyPage(
      () => import('./predictions/predictions-page'),
      (m) => m.PredictionsPage,
    ),
  },
  {
    path: '/deals',
    section: 'Sales',
    label: 'Deals',
    Page: lazyPage(
      () => import('./deals/deals-page'),
      (m) => m.DealsPage,
    ),
    DetailPage: lazyPage(
      () => import('./deals/deal-page'),
      (m) => m.DealPage,
    ),
  },
  {
    path: '/reports',
    section: 'Sales',
    label: 'Reports',
    Page: lazyPage(
      () => import('./reports/reports-page'),
      (m) => m.ReportsPage,
    ),
  },
  {
    path: '/tickets',
    section: 'Support',
    label: 'Tickets',
    Page: lazyPage(
      () => import('./tickets/tickets-page'),
      (m) => m.TicketsPage,
    ),
    DetailPage: lazyPage(
      () => import('./tickets/ticket-page'),
      (m) => m.TicketPage,
    ),
  },
  {
    path: '/support-reports',
    section: 'Support',
    // Not "… reports": the CRM's Reports link keeps a name no other link contains.
    label: 'Support metrics',
    Page: lazyPage(
      () => import('./tickets/support-reports-page'),
      (m) => m.SupportReportsPage,
    ),
  },
  {
    path: '/mailboxes',
    section: 'Support',
    label: 'Mailboxes',
    Page: lazyPage(
      () => import('./mailboxes/mailboxes-page'),
      (m) => m.MailboxesPage,
    ),
  },
  {
    path: '/web-forms',
    section: 'Support',
    label: 'Web forms',
    Page: lazyPage(
      () => import('./satisfaction/web-forms-page'),
      (m) => m.WebFormsPage,
    ),
  },
  {
    path: '/tasks',
    section: 'Sales',
    label: 'Tasks',
    Page: lazyPage(
      () => import('./tasks/tasks-page'),
      (m) => m.TasksPage,
    ),
  },
  {
    path: '/custom-fields',
    section: 'Settings',
    label: 'Custom fields',
    Page: lazyPage(
      () => import('./custom-fields/custom-fields-page'),
      (m) => m.CustomFieldsPage,
    ),
  },
  {
    path: '/teams',
    section: 'Settings',
    label: 'Teams',
    Page: lazyPage(
      () => import('./teams/teams-page'),
      (m) => m.TeamsPage,
    ),
  },
  {
    path: '/help-center',
    section: 'Support',
    label: 'Help center',
    Page: lazyPage(
      () => import('./help-center/help-center-page'),
      (m) => m.HelpCenterPage,
    ),
  },
  {
    path: '/canned-replies',
    section: 'Support',
    label: 'Canned replies',
    Page: lazyPage(
      () => import('./tickets/canned-replies-page'),
      (m) => m.CannedRepliesPage,
    ),
  },
  {
    path: '/sequences',
    section: 'Sales',
    label: 'Sequences',
    Page: lazyPage(
      () => import('./sequences/sequences-page'),
      (m) => m.SequencesPage,
    ),
    DetailPage: lazyPage(
      () => import('./sequences/sequence-page'),
      (m) => m.SequencePage,
    ),
  },
  {
    path: '/lists',
    section: 'Marketing',
    label: 'Lists',
    Page: lazyPage(
      () => import('./lists/lists-page'),
      (m) => m.ListsPage,
    ),
    DetailPage: lazyPage(
      () => import('./lists/list-page'),
      (m) => m.ListPage,
    ),
  },
  {
    path: '/lead-scoring',
    section: 'Sales',
    label: 'Lead scoring',
    Page: lazyPage(
      () => import('./lead-scoring/lead-scoring-page'),
      (m) => m.LeadScoringPage,
    ),
  },
  {
    path: '/audiences',
    section: 'Marketing',
    label: 'Audiences',
    Page: lazyPage(
      () => import('./audiences/audiences-page'),
      (m) => m.AudiencesPage,
    ),
    DetailPage: lazyPage(
      () => import('./audiences/audience-page'),
      (m) => m.AudiencePage,
    ),
  },
  {
    path: '/email-preferences',
    section: 'Marketing',
    label: 'Email preferences',
    Page: lazyPage(
      () => import('./email-preferences/email-preferences-page'),
      (m) => m.EmailPreferencesPage,
    ),
  },
  {
    path: '/computed-traits',
    section: 'Marketing',
    label: 'Computed traits',
    Page: lazyPage(
      () => import('./computed-traits/computed-traits-page'),
      (m) => m.ComputedTraitsPage,
    ),
    DetailPage: lazyPage(
      () => import('./computed-traits/computed-trait-page'),
      (m) => m.ComputedTraitPage,
    ),
  },
  {
    path: '/journeys',
    section: 'Marketing',
    label: 'Journeys',
    Page: lazyPage(
      () => import('./journeys/journeys-page'),
      (m) => m.JourneysPage,
    ),
    DetailPage: lazyPage(
      () => import('./journeys/journey-page'),
      (m) => m.JourneyPage,
    ),
  },
  {
    path: '/email-templates',
    section: 'Marketing',
    label: 'Email templates',
    Page: lazyPage(
      () => import('./email/email-templates-page'),
      (m) => m.EmailTemplatesPage,
    ),
    DetailPage: lazyPage(
      () => import('./email/email-template-page'),
      (m) => m.EmailTemplatePage,
    ),
  },
  {
    path: '/broadcasts',
    section: 'Marketing',
    label: 'Broadcasts',
    Page: lazyPage(
      () => import('./broadcasts/broadcasts-page'),
      (m) => m.BroadcastsPage,
    ),
    DetailPage: lazyPage(
      () => import('./broadcasts/broadcast-page'),
      (m) => m.BroadcastPage,
    ),
  },
  {
    path: '/insights',
    section: 'Insights',
    label: 'Insights',
    Page: lazyPage(
      () => import('./insights/insights-page'),
      (m) => m.InsightsPage,
    ),
    // `/insights/new` is the builder of a new one.
    DetailPage: lazyPage(
      () => import('./insights/insight-builder-page'),
      (m) => m.InsightBuilderPage,
    ),
  },
  {
    path: '/dashboards',
    section: 'Insights',
    label: 'Dashboards',
    Page: lazyPage(
      () => import('./dashboards/dashboards-page'),
      (m) => m.DashboardsPage,
    ),
    DetailPage: lazyPage(
      () => import('./dashboards/dashboard-page'),
      (m) => m.DashboardPage,
    ),
  },
  {
    path: '/sources',
    section: 'Data',
    label: 'Sources',
    Page: lazyPage(
      () => import('./sources/sources-page'),
      (m) => m.SourcesPage,
    ),
    DetailPage: lazyPage(
      () => import('./sources/source-debugger-page'),
      (m) => m.SourceDebuggerPage,
    ),
    ItemPages: {
      'tracking-plan': lazyPage(
        () => import('./tracking-plans/tracking-plan-page'),
        (m) => m.TrackingPlanPage,
      ),
    },
  },
  {
    path: '/destinations',
    section: 'Data',
    label: 'Destinations',
    Page: lazyPage(
      () => import('./destinations/destinations-page'),
      (m) => m.DestinationsPage,
    ),
    DetailPage: lazyPage(
      () => import('./destinations/destination-page'),
      (m) => m.DestinationPage,
    ),
  },
  {
    path: '/pipeline',
    section: 'Data',
    label: 'Pipeline',
    Page: lazyPage(
      () => import('./pipeline/pipeline-page'),
      (m) => m.PipelinePage,
    ),
  },
  {
    path: '/consent',
    section: 'Privacy',
    label: 'Consent',
    Page: lazyPage(
      () => import('./consent/consent-page'),
      (m) => m.ConsentPage,
    ),
  },
  {
    path: '/privacy-requests',
    section: 'Privacy',
    label: 'Privacy requests',
    Page: lazyPage(
      () => import('./privacy/privacy-requests-page'),
      (m) => m.PrivacyRequestsPage,
    ),
    DetailPage: lazyPage(
      () => import('./privacy/privacy-request-page'),
      (m) => m.PrivacyRequestPage,
    ),
  },
  {
    path: '/sla-policies',
    section: 'Support',
    label: 'SLA policies',
    Page: lazyPage(
      () => import('./sla/sla-policies-page'),
      (m) => m.SlaPoliciesPage,
    ),
  },
  {
    path: '/business-calendars',
    section: 'Support',
    label: 'Business calendars',
    Page: lazyPage(
      () => import('./sla/business-calendars-page'),
      (m) => m.BusinessCalendarsPage,
    ),
  },
  {
    path: '/personal-data',
    section: 'Privacy',
    label: 'Personal data',
    Page: lazyPage(
      () => import('./pii/personal-data-page'),
      (m) => m.PersonalDataPage,
    ),
  },
  {
    path: '/audit-log',
    section: 'Privacy',
    label: 'Audit log',
    Page: lazyPage(
      () => import('./audit-log/audit-log-page'),
      (m) => m.AuditLogPage,
    ),
  },
  {
    path: '/retention',
    section: 'Privacy',
    label: 'Retention',
    Page: lazyPage(
      () => import('./retention/retention-page'),
      (m) => m.RetentionPage,
    ),
  },
  {
    path: '/settings',
    section: 'Settings',
    label: 'Settings',
    Page: lazyPage(
      () => import('./settings/settings-page'),
      (m) => m.SettingsPage,
    ),
  },
];
