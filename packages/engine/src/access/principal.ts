import type { Role } from '@tandem/contract';

/** Who is calling, and in which workspace they act. */
export type Principal =
  | {
      kind: 'token';
      tokenId: string;
      workspaceId: string;
      role: Role;
      /** The user the token acts for, if a user created it. */
      userId: string | null;
    }
  | {
      kind: 'session';
      sessionId: string;
      userId: string;
      workspaceId: string;
      role: Role;
      csrfToken: string;
    };

/**
 * Credentials that stopped being valid, or may have lost permissions: whoever holds something
 * opened with them (a live stream) re-checks it. `user` covers every session of that user (a
 * password change or reset), `membership` a role change or removal in one workspace.
 */
export type AccessRevocation =
  | { kind: 'token'; tokenId: string }
  | { kind: 'session'; sessionId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'membership'; workspaceId: string; userId: string };

/** Whether a revocation may concern what this principal opened. */
export function revocationConcerns(revocation: AccessRevocation, principal: Principal): boolean {
  switch (revocation.kind) {
    case 'token':
      return principal.kind === 'token' && principal.tokenId === revocation.tokenId;
    case 'session':
      return principal.kind === 'session' && principal.sessionId === revocation.sessionId;
    case 'user':
      return principal.userId === revocation.userId;
    case 'membership':
      return principal.userId === revocation.userId && principal.workspaceId === revocation.workspaceId;
    default: {
      const unknown: never = revocation;
      throw new Error(`Unknown revocation ${JSON.stringify(unknown)}`);
    }
  }
}
