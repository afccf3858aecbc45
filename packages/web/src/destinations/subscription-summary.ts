import type { Subscription } from '@tandem/contract';
import { CONDITION_OP_LABELS } from './condition-op-labels';
import { VALUELESS_OPS } from './destination-form';

/** A subscription in one line, as a person would say it: “Track “Order Completed” where total is at least 50”. */
export function describeSubscription(
  subscription: Subscription,
  audienceNames: ReadonlyMap<string, string>,
): string {
  const mapped = subscription.mapping ? ', mapped' : '';
  switch (subscription.kind) {
    case 'event': {
      const { type, event, where = [] } = subscription.filter;
      const what = event ? `“${event}” events` : type ? `every ${type} call` : 'every event';
      const conditions = where.map((condition) =>
        VALUELESS_OPS.includes(condition.op)
          ? `${condition.property} ${CONDITION_OP_LABELS[condition.op]}`
          : `${condition.property} ${CONDITION_OP_LABELS[condition.op]} ${formatConditionValue(condition.value)}`,
      );
      return `${capitalize(what)}${conditions.length ? ` where ${conditions.join(' and ')}` : ''}${mapped}`;
    }
    case 'audience': {
      const name = audienceNames.get(subscription.audienceId) ?? subscription.audienceId;
      const on =
        subscription.on.length === 2
          ? 'entering or exiting'
          : subscription.on[0] === 'entered'
            ? 'entering'
            : 'exiting';
      return `People ${on} “${name}”${mapped}`;
    }
    case 'trait':
      return subscription.traits?.length
        ? `Changes of ${subscription.traits.join(', ')}${mapped}`
        : `Changes of any computed trait${mapped}`;
  }
}

function formatConditionValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'string' ? `“${value}”` : String(value);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
