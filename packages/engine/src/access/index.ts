export { AccessService, normalizeEmail } from './access-service.js';
export { hashPassword, verifyPassword } from './password.js';
export { type AccessRevocation, type Principal, revocationConcerns } from './principal.js';
