import { useParams } from 'react-router';
import { DestinationDetail } from './destination-detail';
import { NewDestinationPage } from './new-destination-page';

/** `/destinations/:id`: one destination, or the create form at `/destinations/new`. */
export function DestinationPage() {
  const { id = '' } = useParams();
  // Keyed by id: moving between destinations starts each page's state afresh.
  return id === 'new' ? <NewDestinationPage /> : <DestinationDetail key={id} destinationId={id} />;
}
