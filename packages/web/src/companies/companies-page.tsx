import { AreaPlaceholderPage } from '../shared/area-placeholder-page';

export function CompaniesPage() {
  return (
    <AreaPlaceholderPage
      title="Companies"
      description="The accounts your people belong to, with their contacts, deals and rolled-up activity."
    />
  );
}
