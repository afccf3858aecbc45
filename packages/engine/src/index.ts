/**
 * @tandem/engine — Tandem's domain, usable as a library: storage, collection, identity,
 * profiles, audiences and CRM. Knows nothing about HTTP.
 */

export {
  type AccessOptions,
  type AccessRevocation,
  AccessService,
  type MemberActor,
  normalizeEmail,
  type Principal,
  revocationConcerns,
} from './access/index.js';
export {
  type AudienceFileFormat,
  AudienceFilesService,
  contentTypeOf as audienceFileContentType,
  type FileProfile,
  type FullExport,
} from './audience-files/index.js';
export {
  AudiencesService,
  type MembershipChange,
  SegmentStage,
  type SegmentStageOptions,
} from './audiences/index.js';
export { type AuditActor, AuditLogService, type AuditRecord } from './audit-log/index.js';
export { type BootstrapOptions, type BootstrapResult, bootstrapIfEmpty } from './bootstrap/index.js';
export { type BroadcastAudiences, BroadcastsService } from './broadcasts/index.js';
export { type CatalogLimits, CatalogService } from './catalog/index.js';
export {
  type CallLimits,
  type CallProblem,
  type CollectedItem,
  type CollectedListener,
  type CollectInput,
  Collector,
  type CollectorOptions,
  type CollectResult,
  DEFAULT_CALL_LIMITS,
  MAX_BATCH_CALLS,
  type PreparedRequest,
  prepareRequest,
  type RawTrackingRequest,
  type RequestInfo,
  type SharedFields,
  type TrackingRoute,
} from './collect/index.js';
export { ComputedTraitsService } from './computed-traits/index.js';
export {
  CONSENT_STAGE,
  ConsentService,
  ConsentStage,
  consentedProfiles,
  consentOf,
} from './consent/index.js';
export {
  ALLOW_ALL,
  type AttemptReport,
  type ConsentChecker,
  type DeliveryMessage,
  type DeliveryOptions,
  type DeliveryOutcome,
  DestinationsService,
  type DestinationTransport,
  Dispatcher,
  maskDeliveryBody,
  newSecretKeyText,
  parseSecretKey,
  signatureOf,
  type TransportContext,
  type TransportKind,
  type TransportLog,
} from './destinations/index.js';
export {
  DEFAULT_EMAIL_SETTINGS,
  type EmailOrigin,
  type EmailQueue,
  EmailSender,
  type EmailSenderOptions,
  type EmailSendPolicy,
  emailCountsByOrigin,
  markEngagement,
  type OutgoingEmail,
  PREFERENCES_URL_MARKER,
  type QueuedEmail,
  type RenderedEmail,
  SEND_EVERYTHING,
  type SendDecision,
  type SendReport,
  UNSUBSCRIBE_URL_MARKER,
} from './email/index.js';
export {
  bounceRoute,
  type EmailEngagementDeps,
  EmailEngagementService,
  EmailPolicy,
  type EngagementKind,
  type MarkEngagement,
  machineReasonOf,
  PREFERENCES_MARKER,
  type PreferencePage,
  type TrackingRequest,
  UNSUBSCRIBE_MARKER,
} from './email-engagement/index.js';
export { DEFAULT_FREQUENCY_CAP, EmailPreferencesService } from './email-preferences/index.js';
export {
  Engine,
  type EngineOptions,
  type JourneyOptions,
  type MailOptions,
  type SequencesOptions,
} from './engine.js';
export { AppError, type Result } from './errors/index.js';
export {
  compileRules,
  DEFAULT_IDENTITY_SETTINGS,
  type Identifier,
  IdentityService,
  normalizeIdentifier,
} from './identity/index.js';
export { newId, newSecret } from './ids/index.js';
export {
  type ColumnMapping,
  type ImportFormat,
  type ImportProgress,
  ImportsService,
  parseColumnMapping,
  runImport,
} from './imports/index.js';
export {
  ANALYTICS_STAGE,
  type AnalyticsReader,
  embeddedCopyPath,
} from './insights/analytics-copy/index.js';
export {
  type AnalyticsDialect,
  type AnalyticsEventRow,
  type AnalyticsPersonRow,
  type AnalyticsRow,
  type AnalyticsStore,
  isoOfSqlTimestamp,
  openDuckDbAnalytics,
  PAGE_EVENT,
  postgresAnalytics,
  SCREEN_EVENT,
} from './insights/analytics-store/index.js';
export { ANY_EVENT, InsightsService, PATH_END } from './insights/index.js';
export {
  type EmailCountsOf,
  type JourneyEffectHandlers,
  type JourneyEmailCounts,
  JourneysService,
  NO_STATIC_LISTS,
  type StaticLists,
} from './journeys/index.js';
export {
  type DealOutcome,
  LEAD_SCORING_STAGE,
  type LeadScoreSummary,
  LeadScoringService,
  LeadScoringStage,
  leadScoresOf,
  type OutcomesOf,
} from './lead-scoring/index.js';
export { addToList, ListsService, listIdsOf, removeFromList } from './lists/index.js';
export { EventLog, type EventLogOptions } from './log/index.js';
export { type MailMessage, type MailSender, smtpMailSender } from './mail/index.js';
export {
  amqpTransport,
  amqpTransportKind,
  natsTransport,
  natsTransportKind,
  redisStreamTransport,
  redisStreamTransportKind,
} from './message-buses/index.js';
export type {
  PersonDataCounts,
  PersonDataHolder,
  PersonIdentifier,
  PersonRef,
} from './person-data/index.js';
export {
  EMPTY_SETTINGS,
  type PersonalizationGate,
  PersonalizationService,
  type Visitor,
} from './personalization/index.js';
export {
  DEFAULT_PII_SETTINGS,
  maskCall,
  maskPersonal,
  maskValue,
  PersonalMask,
  PiiService,
} from './pii/index.js';
export {
  Pipeline,
  type PipelineOptions,
  UNIFY_STAGE,
  type WorkspaceTraitsDropped,
} from './pipeline/index.js';
export {
  PartitionLayoutError,
  type PipelineStage,
  type ProfiledBatch,
  type Rederivation,
  type StageBatch,
} from './pipeline-runtime/index.js';
export {
  fitBgNbd,
  fitGammaGamma,
  PredictionsService,
  PredictionsWorker,
  summarizePurchases,
} from './predictions/index.js';
export { PrivacyService } from './privacy/index.js';
export { ProfilesService } from './profiles/index.js';
export { ALL_OTHER_EVENTS, RetentionService, RetentionWorker } from './retention/index.js';
export {
  DashboardsService,
  MAX_DASHBOARD_TILES,
  MAX_SAVED_INSIGHTS,
  SavedInsightsService,
} from './saved-insights/index.js';
export { type SavedViewActor, SavedViewsService } from './saved-views/index.js';
export { type SearchCandidate, type Searcher, SearchService } from './search/index.js';
export {
  SEQUENCE_STOP_STAGE,
  SequenceScheduler,
  SequenceStopStage,
  SequencesService,
} from './sequences/index.js';
export {
  type DeliveryStatus,
  type EmailAttachment,
  type MailboxDelivery,
  MailboxesService,
  MailChannel,
  type MailChannelState,
  type PublicReply,
  type ReceiveOutcome,
  type TicketDesk,
} from './service-desk/email/index.js';
export {
  escapeHtml,
  excerptOf,
  HelpArticlesService,
  PortalService,
  type PublicArticle,
  renderMarkdown,
} from './service-desk/help-center/index.js';
export {
  CSAT_ANSWER_WINDOW_MS,
  SatisfactionService,
  slaAttainmentReport,
} from './service-desk/satisfaction/index.js';
export {
  type SlaClock,
  SlaService,
  SlaSettings,
  SlaSweeper,
  type SweepReport,
  type TicketTimeline,
} from './service-desk/sla/index.js';
export {
  CannedRepliesService,
  type DeskMember,
  fillPlaceholders,
  type InboundAttachment,
  type TicketHooks,
  type TicketSlaTracker,
  TicketsService,
} from './service-desk/tickets/index.js';
export { MIN_FILL_MS, WebFormsService } from './service-desk/web-form/index.js';
export { type SourceRef, SourcesService } from './sources/index.js';
export {
  type BackupReport,
  backupStoreFile,
  inspectStoreFile,
  isPostgresUrl,
  isStoreFileInUse,
  isStoreReady,
  mayHoldUnportableText,
  migrate,
  openStore,
  pendingMigrations,
  type RestoreReport,
  restoreStoreFile,
  type Store,
  type StoreFileInfo,
  type StoreFileProblem,
  type StoreKind,
  type StoreOptions,
  sqliteStorePath,
  toPortableValue,
} from './store/index.js';
export { MAX_VIOLATION_SAMPLES, TrackingPlansService } from './tracking-plans/index.js';
export {
  syncWarehouse,
  type WarehouseProfile,
  warehouseTransport,
  warehouseTransportKind,
} from './warehouse/index.js';
export {
  type InboundWebhook,
  inboundPathOf,
  PRESETS,
  signatureProblem,
  WebhookSourcesService,
} from './webhook-sources/index.js';
export { createWorkspace, listWorkspacesOfUser, oldestWorkspace, workspaceById } from './workspaces/index.js';
