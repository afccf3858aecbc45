/** Helpers for test suites that must run on every storage engine. */

export { TableEmailQueue, type TestQueuedEmail } from '../sequences/index.js';
export {
  MemoryDesk,
  type MemoryTicket,
  type SmtpRelay,
  startSmtpRelay,
} from '../service-desk/email/testing/index.js';
export { holderOf, personRefOf, rowsMentioning } from './person-data-probe.js';
export { ENGINES, isolatedStoreOptions, openTestEngine } from './test-stores.js';
export { type TestCall, trackingWorkspace } from './tracking-workspace.js';
