export {
  type AcceptedCallsWire,
  decodeAcceptedCalls,
  encodeAcceptedCalls,
  keepReadable,
  releaseText,
  stillReadable,
} from './accepted-calls-wire.js';
export { appendWithin } from './append-within.js';
export { countEventsBetween, countEventsOfSource } from './event-counts.js';
export { EventLog, type EventLogOptions } from './event-log.js';
export { type EventRetentionBatch, removeEventsBefore } from './event-retention.js';
export { eventsWithMessageIds, type MessageIdScope, storedMessageIds } from './events-by-message-id.js';
export { deleteEvents, type EventScope, eventSeqsInScope } from './events-in-scope.js';
export {
  entriesByWorkspace,
  eventsBySeq,
  hasUnreadUpTo,
  LOG_START,
  type LogEntry,
  type LogPosition,
  logHeadSeq,
  oldestUnreadReceivedAt,
  readLogAfter,
  readLogWindow,
  sqliteLogHead,
} from './log-cursor.js';
export { type LogPersonDataDeps, logPersonData } from './log-person-data.js';
export { storedEventOf } from './log-queries.js';
export type { AcceptedCall, AppendOutcome, AppendRequest, RejectedCall } from './log-writer.js';
export { keepLogAheadOfStoredIds } from './transaction-base.js';
