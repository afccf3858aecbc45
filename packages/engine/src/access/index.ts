export { type AccessOptions, AccessService } from './access-service.js';
export type { Accounts } from './accounts.js';
export type { ApiTokens } from './api-tokens.js';
export { type MemberActor, type MemberRemoval, type Members, normalizeEmail } from './members.js';
export { hashPassword, verifyPassword } from './password.js';
export { type AccessRevocation, type Principal, revocationConcerns } from './principal.js';
