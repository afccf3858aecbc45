import { Text } from '@mantine/core';
import type { InsightQuery } from '@tandem/contract';
import { AttributionForm, PathsForm, RetentionForm } from './other-kind-forms';
import { FunnelForm, TrendForm } from './trend-funnel-forms';

export function InsightQueryForm({
  query,
  onChange,
}: {
  query: InsightQuery;
  onChange: (q: InsightQuery) => void;
}) {
  switch (query.kind) {
    case 'trend':
      return <TrendForm query={query} onChange={onChange} />;
    case 'funnel':
      return <FunnelForm query={query} onChange={onChange} />;
    case 'paths':
      return <PathsForm query={query} onChange={onChange} />;
    case 'retention':
      return <RetentionForm query={query} onChange={onChange} />;
    case 'attribution':
      return <AttributionForm query={query} onChange={onChange} />;
    default: {
      const never: never = query;
      return <Text>Unknown insight {String(never)}</Text>;
    }
  }
}
