import type { Principal } from '@tandem/engine';

/**
 * Who a CRM change is recorded as (audit trail, stage history, events' `actorId`): the user —
 * signed in, or who created the API token — else the token itself.
 */
export function crmActorOf(principal: Principal): string {
  return principal.kind === 'session' ? principal.userId : (principal.userId ?? principal.tokenId);
}
