export {
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  calendarProblems,
  describeCalendar,
  type WeeklyBlock,
} from './business-calendar.js';
export {
  clockAt,
  computeSlaClock,
  formatDuration,
  type SlaClockState,
  type SlaDeadline,
} from './sla-clock.js';
export { matchPolicy, type SlaCondition, type SlaPolicy, type SlaTargets } from './sla-policy.js';
export { SlaService, type SlaServiceDeps } from './sla-service.js';
export { SlaSettings } from './sla-settings.js';
export { SlaSweeper, type SlaSweeperOptions, type SweepReport } from './sla-sweeper.js';
export {
  SLA_METRICS,
  type SlaClock,
  type SlaMetric,
  TICKET_PRIORITIES,
  type TicketPriority,
  type TicketStatus,
  type TicketTimeline,
} from './ticket-timeline.js';
