import type { ComponentType } from 'react';
import { AudiencePage } from './audiences/audience-page';
import { AudiencesPage } from './audiences/audiences-page';
import { CompaniesPage } from './companies/companies-page';
import { CompanyPage } from './companies/company-page';
import { ComputedTraitPage } from './computed-traits/computed-trait-page';
import { ComputedTraitsPage } from './computed-traits/computed-traits-page';
import { ConsentPage } from './consent/consent-page';
import { CustomFieldsPage } from './custom-fields/custom-fields-page';
import { DealsPage } from './deals/deals-page';
import { DestinationPage } from './destinations/destination-page';
import { DestinationsPage } from './destinations/destinations-page';
import { PeoplePage } from './people/people-page';
import { ProfilePage } from './people/profile-page';
import { SettingsPage } from './settings/settings-page';
import { SourceDebuggerPage } from './sources/source-debugger-page';
import { SourcesPage } from './sources/sources-page';
import { TasksPage } from './tasks/tasks-page';
import { TeamsPage } from './teams/teams-page';
import { TicketsPage } from './tickets/tickets-page';

export type AppArea = {
  path: string;
  label: string;
  Page: ComponentType;
  /** One item of the area, at `${path}/:id`. */
  DetailPage?: ComponentType;
};

/** The product's areas in navigation order; the router and the navbar are both built from it. */
export const APP_AREAS: readonly AppArea[] = [
  { path: '/people', label: 'People', Page: PeoplePage, DetailPage: ProfilePage },
  { path: '/companies', label: 'Companies', Page: CompaniesPage, DetailPage: CompanyPage },
  { path: '/deals', label: 'Deals', Page: DealsPage },
  { path: '/tickets', label: 'Tickets', Page: TicketsPage },
  { path: '/tasks', label: 'Tasks', Page: TasksPage },
  { path: '/custom-fields', label: 'Custom fields', Page: CustomFieldsPage },
  { path: '/teams', label: 'Teams', Page: TeamsPage },
  { path: '/audiences', label: 'Audiences', Page: AudiencesPage, DetailPage: AudiencePage },
  {
    path: '/computed-traits',
    label: 'Computed traits',
    Page: ComputedTraitsPage,
    DetailPage: ComputedTraitPage,
  },
  { path: '/sources', label: 'Sources', Page: SourcesPage, DetailPage: SourceDebuggerPage },
  { path: '/destinations', label: 'Destinations', Page: DestinationsPage, DetailPage: DestinationPage },
  { path: '/consent', label: 'Consent', Page: ConsentPage },
  { path: '/settings', label: 'Settings', Page: SettingsPage },
];
