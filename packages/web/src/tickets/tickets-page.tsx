import { AreaPlaceholderPage } from '../shared/area-placeholder-page';

export function TicketsPage() {
  return (
    <AreaPlaceholderPage
      title="Tickets"
      description="Support requests from your customers, with their status, owner and conversation history."
    />
  );
}
