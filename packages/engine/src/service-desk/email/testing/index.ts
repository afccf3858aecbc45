// Test support (the engine's testing entry re-exports them): the tickets side in memory, a relay.
// Apart from the channel's index, so that the engine itself never loads the relay's SMTP server.
export { MemoryDesk, type MemoryTicket } from './memory-desk.js';
export { type SmtpRelay, startSmtpRelay } from './smtp-relay.js';
