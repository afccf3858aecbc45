import { ErrorBodySchema } from '@tandem/contract';
import type { Principal } from '@tandem/engine';
import { requirePrincipal } from '../auth/authenticate.js';
import { ERROR_RESPONSES } from '../http/route-schemas.js';

/** The error answers of CRM routes: those of every route, and values the CRM refuses (422). */
export const CRM_ERROR_RESPONSES = { ...ERROR_RESPONSES, 422: ErrorBodySchema } as const;

/** The workspace a request acts in and who acts: the user (or, for a bare token, the token). */
export function crmCaller(request: { principal: Principal | undefined }) {
  const principal = requirePrincipal(request.principal);
  const actorId = principal.kind === 'session' ? principal.userId : (principal.userId ?? principal.tokenId);
  return { workspaceId: principal.workspaceId, actorId };
}
