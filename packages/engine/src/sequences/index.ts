export { stopEnrollmentsOf } from './enrollment-stops.js';
export { SequencePersonData } from './sequence-person-data.js';
export { SequenceReplies, type SequenceRepliesDeps, type SequenceReply } from './sequence-replies.js';
export {
  type SchedulerPass,
  SequenceScheduler,
  type SequenceSchedulerOptions,
  type SequenceTask,
} from './sequence-scheduler.js';
export { SEQUENCE_STOP_STAGE, SequenceStopStage } from './sequence-stop-stage.js';
export { type SequencesDeps, SequencesService } from './sequences-service.js';
export { dueAfter } from './step-delay.js';
// Test support (the engine's testing entry re-exports it): a table-backed email queue.
export { TableEmailQueue, type TestQueuedEmail } from './testing/table-email-queue.js';
