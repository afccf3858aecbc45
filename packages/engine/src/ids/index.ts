export { newId, newSecret } from './new-id.js';
