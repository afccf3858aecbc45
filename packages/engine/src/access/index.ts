export { AccessService, normalizeEmail } from './access-service.js';
export { hashPassword, verifyPassword } from './password.js';
export type { Principal } from './principal.js';
