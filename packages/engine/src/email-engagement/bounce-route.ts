import type { InboundRoute } from '../service-desk/email/index.js';
import type { EmailEngagementService } from './email-engagement-service.js';

/**
 * Claims `bounce+<token>@<mail domain>` and `unsubscribe+<token>@<mail domain>` at the SMTP
 * listener (`engine.mailChannel.addRoute(bounceRoute(engagement))`): returned mail and mailto
 * unsubscribes reach engagement, not a mailbox.
 */
export function bounceRoute(engagement: EmailEngagementService): InboundRoute {
  const domain = `@${engagement.mailDomain}`;
  return {
    claims: (address) => {
      const lower = address.trim().toLowerCase();
      return (lower.startsWith('bounce+') || lower.startsWith('unsubscribe+')) && lower.endsWith(domain);
    },
    receive: (raw, _envelope, recipients) => engagement.receiveReturned(raw, recipients),
  };
}
