import type { FormerMember, MemberHoldings, Person } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type AccessOptions, AccessService, type MemberActor } from './access/index.js';
import {
  type AudienceFilesOptions,
  AudienceFilesService,
  audienceFilePersonData,
} from './audience-files/index.js';
import {
  AudienceEvents,
  AudiencesService,
  audiencePersonData,
  membershipsOf,
  SegmentStage,
  type SegmentStageOptions,
} from './audiences/index.js';
import { AuditLogService, type AuditRecorderOptions, auditLogPersonData } from './audit-log/index.js';
import { type BroadcastsOptions, BroadcastsService } from './broadcasts/index.js';
import { CatalogService } from './catalog/index.js';
import { Collector, type CollectorOptions } from './collect/index.js';
import {
  ComputedTraitsService,
  computedTraitPersonData,
  emptyValueOf,
  SEGMENT_STAGE,
} from './computed-traits/index.js';
import { ConsentService, ConsentStage, consentedProfiles, consentPersonData } from './consent/index.js';
import {
  ActivitiesService,
  appendTraitsOfProfilesWithin,
  CompaniesService,
  CrmEvents,
  CrmPersonData,
  CrmReportsService,
  CustomFieldDefinitions,
  closedDealOutcomes,
  customFieldsOf,
  DealImportSession,
  DealsService,
  dealsSearch,
  NO_PERSON_SECTIONS,
  PeopleService,
  type PersonSections,
  PipelinesService,
  TasksService,
  TeamsService,
} from './crm/index.js';
import { type DestinationSyncDeps, syncDestination } from './destination-sync.js';
import {
  type ConsentChecker,
  type DeletionNotice,
  type DeliveryOptions,
  DeliveryStage,
  DestinationsService,
  Dispatcher,
  destinationPersonData,
  SecretBox,
  type TransportKind,
  webhookTransportKind,
} from './destinations/index.js';
import type { EmailQueue } from './email/index.js';
import {
  EmailMessagesQueue,
  EmailPersonData,
  EmailSender,
  type EmailSenderOptions,
  EmailSettingsService,
  EmailTemplatesService,
  emailCountsByOrigin,
  markEngagement,
  PersonContexts,
} from './email/index.js';
import {
  bounceRoute,
  type EmailEngagementDeps,
  EmailEngagementPersonData,
  EmailEngagementService,
  EmailPolicy,
} from './email-engagement/index.js';
import { EmailPreferencesPersonData, EmailPreferencesService } from './email-preferences/index.js';
import { formerMembersHoldings, handOverFormerMember } from './former-members.js';
import {
  eventSeqsOfProfiles,
  IdentityService,
  identityPersonData,
  lastAttributedSeq,
} from './identity/index.js';
import { ImportsService } from './imports/index.js';
import {
  AnalyticsAccess,
  type AnalyticsReader,
  AnalyticsStage,
  analyticsPersonData,
} from './insights/analytics-copy/index.js';
import { InsightsService } from './insights/index.js';
import {
  type EmailCountsOf,
  JourneyEffects,
  JourneyPersonData,
  JourneyRunner,
  JourneysService,
  JourneysStage,
  JourneyTimers,
  type JourneyTimersOptions,
  NO_EMAIL_COUNTS,
  NO_STATIC_LISTS,
  type StaticLists,
} from './journeys/index.js';
import {
  LEAD_SCORING_STAGE,
  LeadScoringService,
  LeadScoringStage,
  leadScorePersonData,
} from './lead-scoring/index.js';
import { addToList, ListPersonData, ListsService, removeFromList } from './lists/index.js';
import { EventLog, keepLogAheadOfStoredIds, logPersonData } from './log/index.js';
import { smtpMailSender } from './mail/index.js';
import { afterMemberRemoved, type MemberHandOverDeps, memberHoldings } from './member-hand-over.js';
import { amqpTransport, natsTransport, redisStreamTransport } from './message-buses/index.js';
import { analyticsActivity, OverviewService } from './overview/index.js';
import type { PersonDataHolder, PersonRef } from './person-data/index.js';
import { PersonalizationService } from './personalization/index.js';
import { PiiService } from './pii/index.js';
import {
  Pipeline,
  type PipelineOptions,
  type PipelineStages,
  UNIFY_STAGE,
  UnifyStage,
} from './pipeline/index.js';
import { partitionCountFor } from './pipeline-runtime/index.js';
import { PredictionsService, PredictionsWorker, predictionPersonData } from './predictions/index.js';
import { PrivacyService, type PrivacyServiceOptions } from './privacy/index.js';
import {
  companiesOf,
  companiesSearch,
  membersOfCompanies,
  ProfilesService,
  peopleSearch,
  profilePersonData,
  storedTraitsOf,
} from './profiles/index.js';
import { recordPurposeTurnFlips } from './purpose-turn-flips.js';
import { RetentionService, RetentionWorker } from './retention/index.js';
import { DashboardsService, SavedInsightsService } from './saved-insights/index.js';
import { SavedViewsService } from './saved-views/index.js';
import { SearchService } from './search/index.js';
import {
  SequencePersonData,
  SequenceReplies,
  SequenceScheduler,
  type SequenceSchedulerOptions,
  SequenceStopStage,
  SequencesService,
} from './sequences/index.js';
import {
  type ChannelLog,
  MailboxesService,
  MailChannel,
  type ReplyRetryPolicy,
  type TicketDesk,
} from './service-desk/email/index.js';
import { HelpArticlesService, PortalService } from './service-desk/help-center/index.js';
import { DeskPersonData } from './service-desk/person-data/index.js';
import { SatisfactionService } from './service-desk/satisfaction/index.js';
import { SlaService, SlaSettings, SlaSweeper, type SlaSweeperOptions } from './service-desk/sla/index.js';
import { CannedRepliesService, TicketsService } from './service-desk/tickets/index.js';
import { WebFormsService } from './service-desk/web-form/index.js';
import { SourcesService } from './sources/index.js';
import {
  type Database,
  isStoreReady,
  migrate,
  openStore,
  type Store,
  type StoreOptions,
} from './store/index.js';
import { TrackingPlansService } from './tracking-plans/index.js';
import { warehouseTransportKind } from './warehouse/index.js';
import { WebhookSourcesService } from './webhook-sources/index.js';

/** The module preparation threads load to check calls against tracking plans. */
const TRACKING_PLAN_SCREENS = new URL('./tracking-plans/plan-screens.js', import.meta.url);
/** Traits an audience file's line may hold of a person, hashed or not (see contactFieldsOf). */
const CONTACT_TRAITS = ['email', 'phone', 'address', 'country', 'firstName', 'lastName'];
/** A person's built-in CRM fields a journey step may set (else a custom field's key). */
const PERSON_CRM_FIELDS = ['lifecycleStage', 'leadStatus', 'ownerId'];

/** Reads of committed audience events for the source debugger that may run at once. */
const MAX_DEBUGGER_READS = 4;

export interface EngineOptions extends StoreOptions {
  /** Another analytics copy for insights to read instead of `engine.analytics` (tests hand in their own). */
  readonly analytics?: AnalyticsReader | undefined;
  /** Logins, invitations and their emails. */
  readonly access?: AccessOptions | undefined;
  /** Apply pending migrations on open. Default true. */
  readonly migrate?: boolean | undefined;
  /** Tuning of event collection (write queue bound, group commit delay, retention). */
  readonly collector?: CollectorOptions | undefined;
  /** Tuning of the pipeline (batch size, polling, partitions). */
  readonly pipeline?: PipelineOptions | undefined;
  /** Tuning of the computed traits + audiences stage (batch size, polling, clock). */
  readonly segment?: SegmentStageOptions | undefined;
  /** Audience files (the folder destinations' directories must lie in). */
  readonly audienceFiles?: AudienceFilesOptions | undefined;
  /** Destinations and delivery (secret key, retries, transports, consent). */
  readonly delivery?: DeliveryOptions | undefined;
  /** Lead scoring: profiles rescored per transaction after an edit of the rules. */
  readonly leadScoring?: { readonly rescoreChunk?: number | undefined } | undefined;
  /** Batching of audit log records (issue 18). */
  readonly audit?: AuditRecorderOptions | undefined;
  /** Retention runs: rows per transaction, the schedule's interval, the clock. */
  readonly retention?:
    | {
        readonly batchSize?: number | undefined;
        readonly intervalMs?: number | undefined;
        readonly clock?: (() => number) | undefined;
      }
    | undefined;
  /** Predictions: the scheduler's check interval and the clock. */
  readonly predictions?:
    | { readonly intervalMs?: number | undefined; readonly clock?: (() => number) | undefined }
    | undefined;
  /** Service desk SLAs: the breach sweeper's interval and clock. */
  readonly sla?: Pick<SlaSweeperOptions, 'intervalMs' | 'batchSize' | 'clock' | 'onError'> | undefined;
  /** Service desk email (issue 16): the relay, the SMTP listener, and the tickets desk mail goes to. */
  readonly mail?: MailOptions | undefined;
  /** Email engagement (issue 17): the bounce addresses' domain, machine detection, the clock. */
  readonly emailEngagement?:
    | Pick<EmailEngagementDeps, 'mailDomain' | 'machineDetection' | 'clock'>
    | undefined;
  /** Sales sequences: their email queue, the domain replies come back to, the scheduler's pace. */
  readonly sequences?: SequencesOptions | undefined;
  /** Journeys: the timer worker's tuning, the default time zone, and what other domains lend them. */
  readonly journeys?: JourneyOptions | undefined;
  /** Marketing email (issue 17): the sender (relays default to `mail.smtpUrl`) and broadcasts. */
  /** Privacy requests: the export download's lifetime, the worker's lease and polling, the clock. */
  readonly privacy?: Pick<PrivacyServiceOptions, 'exportTtlMs' | 'leaseMs' | 'pollMs' | 'clock'> | undefined;
  readonly email?: (EmailSenderOptions & { readonly broadcasts?: BroadcastsOptions | undefined }) | undefined;
}

/** Sales sequences' settings. */
export interface SequencesOptions {
  /** Where replies go (`reply+<token>@<domain>`); default: the host of the public URL. */
  readonly replyDomain?: string | undefined;
  /** The email domain's queue (see `sendSequenceEmailWith`). */
  readonly emailQueue?: EmailQueue | undefined;
  readonly scheduler?: Pick<SequenceSchedulerOptions, 'intervalMs' | 'batchSize' | 'onError'> | undefined;
  readonly clock?: (() => number) | undefined;
}

/** What journeys need from the email and lists domains (wired here once those exist), and tuning. */
export interface JourneyOptions {
  readonly timers?: JourneyTimersOptions | undefined;
  /** People without a `timezone` trait (default UTC). */
  readonly defaultTimeZone?: string | undefined;
  readonly emailQueue?: EmailQueue | undefined;
  readonly staticLists?: StaticLists | undefined;
  readonly emailCountsOf?: EmailCountsOf | undefined;
}

/** The email channel's settings (`TANDEM_SMTP_URL`, `TANDEM_SMTP_LISTEN`). */
export interface MailOptions {
  readonly smtpUrl?: string | undefined;
  readonly listen?: { readonly host: string; readonly port: number } | undefined;
  /** The tickets side; until tickets/ is wired in here, the channel exists only when one is given. */
  readonly desk?: TicketDesk | undefined;
  readonly log?: ChannelLog | undefined;
  readonly retry?: ReplyRetryPolicy | undefined;
  readonly maxMessageBytes?: number | undefined;
}

/** The domain services over one store. The server and the CLI each hold one. */
export class Engine {
  readonly access: AccessService;
  readonly sources: SourcesService;
  /** The append-only event log (group-committed writes). */
  readonly log: EventLog;
  /** Segment-compatible collection into the log. */
  readonly collector: Collector;
  /** Identity resolution rules and the identity graph's reads. */
  readonly identity: IdentityService;
  /** Unified profiles (reads). */
  readonly profiles: ProfilesService;
  /** The log's ordered consumers (unify, then segment); `start()` runs them in the background. */
  readonly pipeline: Pipeline;
  /** CSV / NDJSON file imports through the collector. */
  readonly imports: ImportsService;
  /** Computed traits (definitions and values). */
  readonly computedTraits: ComputedTraitsService;
  /** Audiences (definitions, preview, members). */
  readonly audiences: AudiencesService;
  /** The trait and event names a workspace's data uses (the audience builder's pickers). */
  readonly catalog: CatalogService;
  /** The first stage: identity, traits, companies. */
  readonly unify: UnifyStage;
  /** Files of audience-file destinations (full exports, hourly additions / removals); its transport. */
  readonly audienceFiles: AudienceFilesService;
  /** The stage after unify (run by the pipeline): computed traits, real-time audiences, window re-checks. */
  readonly segment: SegmentStage;
  /** Destinations, their delivery log, replays and test sends. */
  readonly destinations: DestinationsService;
  /** The last stage: writes the delivery outbox of each batch of the log. */
  readonly delivery: DeliveryStage;
  /** Sends the outbox (started by the server: `dispatcher.start()`). */
  readonly dispatcher: Dispatcher;
  /** Consent purposes, the workspace default, decisions recorded through the API. */
  readonly consent: ConsentService;
  /** The stage right after unify: consent carried by events, merged profiles' consent. */
  readonly consentStage: ConsentStage;
  /** Lead scoring rules, scores with their explanation, calibration against deals. */
  readonly leadScoring: LeadScoringService;
  /** The stage after segment: scores kept current as events arrive, decay, rescoring after edits. */
  readonly leadScoringStage: LeadScoringStage;
  /** The pipeline's stages, in order. */
  readonly stages: PipelineStages;
  /** The stage after segment that keeps the analytics copy (events with their person, people). */
  readonly analyticsStage: AnalyticsStage;
  /** The analytics copy, read and written from any thread (privacy erases through it). */
  readonly analyticsCopy: AnalyticsAccess;
  /** The one reader of the analytics copy: DuckDB (embedded, in the thread that owns it) or PostgreSQL. */
  readonly analytics: AnalyticsReader;
  /** What browsers may read of their visitor's profile (publishable keys). */
  readonly personalization: PersonalizationService;
  /** Sources fed by other systems' webhooks through a JSONata mapping. */
  readonly webhookSources: WebhookSourcesService;
  /** Appends CRM changes to the log (in the CRM write's transaction) so the CDP sees them. */
  readonly crmEvents: CrmEvents;
  /** Global search (⌘K): each type's searcher is registered below, from its own domain. */
  readonly search: SearchService;
  /** Saved views of the CRM lists, a user's own or shared with the workspace. */
  readonly savedViews: SavedViewsService;
  /** Saved insights (a query and its chart), shared by the workspace. */
  readonly savedInsights: SavedInsightsService;
  /** Dashboards: ordered grids of saved insights. */
  readonly dashboards: DashboardsService;
  /** Every domain's share of a person's data (privacy requests erase and export through them). */
  readonly personData: PersonDataHolder[] = [];
  /** The deletion notices sent to destinations for an erased person, with their answers. */
  readonly deletionNotices: (person: PersonRef) => Promise<DeletionNotice[]>;
  /** Privacy requests (delete, suppress, export, anonymize) and the suppression of collection. */
  readonly privacy: PrivacyService;
  /** Tracking plans per source: checked on every ingest request, violations counted. */
  readonly trackingPlans: TrackingPlansService;
  /** Reads of people's data and every change, in a hash chain per workspace. */
  readonly auditLog: AuditLogService;
  /** Retention policies and their runs. */
  readonly retention: RetentionService;
  /** Runs retention hourly (started by the server: `retentionWorker.start()`). */
  readonly retentionWorker: RetentionWorker;
  /** Purchase, churn, RFM and lead score predictions per workspace (issue 19). */
  readonly predictions: PredictionsService;
  /** Refreshes predictions on each workspace's schedule (started by the server). */
  readonly predictionsWorker: PredictionsWorker;

  /** Seals secrets at rest (destinations' credentials, webhook sources' signing secrets). */
  private readonly secrets: SecretBox;
  /** Sends CSAT surveys through the relay (closed on dispose). */
  private readonly surveySender: ReturnType<typeof smtpMailSender> | null;
  /** People are profiles: their CRM view (owner, lifecycle stage, lead status, tags, fields). */
  readonly people: PeopleService;
  /** Notes, calls, emails and meetings about people, companies and deals. */
  readonly activities: ActivitiesService;
  /** Tasks with assignees and due dates ("my tasks", overdue). */
  readonly tasks: TasksService;
  /** Companies in the CRM: domains, owner, fields, people, duplicates and merges. */
  readonly companies: CompaniesService;
  /** Teams and lead assignment (round robin, rules). */
  readonly teams: TeamsService;
  /** Custom fields of people, companies and deals. */
  readonly customFields: CustomFieldDefinitions;
  /** What lead scoring and deals add to a person's CRM view (set where those are wired). */
  private personSections: PersonSections = NO_PERSON_SECTIONS;
  /** Sales pipelines and their stages. */
  readonly pipelines: PipelinesService;
  /** Deals: stage moves, people with roles, outcomes (each change audited and on the log). */
  readonly deals: DealsService;
  /** Pipeline, forecast, sales and stage reports. */
  readonly crmReports: CrmReportsService;
  /** The home dashboard: activity by day, top events and sources, audiences, pipeline, desk. */
  readonly overview: OverviewService;
  /** Service desk: business calendars and SLA policies. */
  readonly slaSettings: SlaSettings;
  /** Service desk: each ticket's SLA clock (tickets/ calls `track` after every change). */
  readonly sla: SlaService;
  /** Appends SLA Breached events when due times pass (started by the server: `slaSweeper.start()`). */
  readonly slaSweeper: SlaSweeper;
  /** Service desk mailboxes: addresses whose mail opens tickets (issue 16, email/). */
  readonly mailboxes: MailboxesService;
  /** Mail in and replies out (`start()` is the server's). */
  readonly mailChannel: MailChannel;
  /** Service desk tickets: conversation, assignment, merge, bulk changes (SLA and mail plug in). */
  readonly tickets: TicketsService;
  /** Help center: knowledge-base articles and categories, the public site's key (issue 16). */
  readonly helpArticles: HelpArticlesService;
  /** The customer portal: emailed sign-in links, requesters' tickets and replies. */
  readonly portal: PortalService;
  /** Canned replies of the service desk, with placeholders from the requester. */
  readonly cannedReplies: CannedRepliesService;
  /** CSAT surveys sent when tickets are solved, their answers and report. */
  readonly satisfaction: SatisfactionService;
  /** Website forms that open tickets (spam-checked). */
  readonly webForms: WebFormsService;
  /** Static lists: people added by hand, by journeys (`addToList`) and by the API. */
  readonly lists: ListsService;
  /** Event analytics: trends, funnels, paths, retention and attribution over the analytics copy. */
  readonly insights: InsightsService;
  /** Sales sequences: steps, settings, enrollments, their report. */
  readonly sequences: SequencesService;
  /** Runs sequences' due steps (started by the server: `sequenceScheduler.start()`). */
  readonly sequenceScheduler: SequenceScheduler;
  /** The stage after lead scoring: meetings, unsubscribes and bounces stop enrollments. */
  readonly sequenceStopStage: SequenceStopStage;
  /** The queue sequence email goes to (set when the email domain is wired). */
  private sequenceEmailQueue: EmailQueue | undefined;

  /** Email subscription topics, people's subscriptions, suppressed addresses, the frequency cap. */
  readonly emailPreferences: EmailPreferencesService;
  /** PII controls: the fields marked personal and who sees them unmasked (`maskForRole`). */
  readonly pii: PiiService;
  /** Email tracking (opens, clicks), unsubscribe links, the preference page, bounces and complaints. */
  readonly emailEngagement: EmailEngagementService;
  /** The send policy the email sender uses (preferences decide, engagement decorates). */
  readonly emailPolicy: EmailPolicy;
  /** Journeys: drafts, versions, runs, reports. */
  readonly journeys: JourneysService;
  /** Moves people through journeys (the stage, the timers and the service share it). */
  readonly journeyRunner: JourneyRunner;
  /** The stage after lead scoring: entries, goals, exits and waits on each person's events. */
  readonly journeysStage: JourneysStage;
  /** Fires due journey timers (started by the server: `journeyTimers.start()`). */
  readonly journeyTimers: JourneyTimers;
  /** Tasks, tickets and CRM fields journeys ask for (started by the server). */
  readonly journeyEffects: JourneyEffects;
  /** The email queue, static lists and email figures journeys use (set where those domains are built). */
  readonly journeyLinks: {
    emailQueue?: EmailQueue | undefined;
    staticLists?: StaticLists | undefined;
    emailCountsOf?: EmailCountsOf | undefined;
  } = {};

  /** Email templates (MJML + Liquid), compiled once per version, previewed per person. */
  readonly emailTemplates: EmailTemplatesService;
  /** Each workspace's sending settings (from address, rate, hourly cap). */
  readonly emailSettings: EmailSettingsService;
  /** The email queue journeys, broadcasts and sequences add to in their own transaction. */
  readonly emailQueue: EmailMessagesQueue;
  /** Sends queued email (started by the server: `emailSender.start()`); `usePolicy` plugs in the send policy. */
  readonly emailSender: EmailSender;
  /** Broadcasts: one template to an audience, scheduled and throttled (`broadcasts.start()` runs the scheduler). */
  readonly broadcasts: BroadcastsService;

  /** What a destination's full sync checks: consent, private addresses. */
  private readonly syncPolicy: { consent: ConsentChecker; allowPrivateNetworks: boolean };
  /** The engine's clock (the segment stage's when a test sets one). */
  private readonly clock: () => number;

  private constructor(
    readonly store: Store,
    options: EngineOptions,
  ) {
    this.access = new AccessService(store, options.access);
    this.sources = new SourcesService(store);
    this.log = new EventLog(store, options.collector);
    this.collector = new Collector(this.log, options.collector);
    this.identity = new IdentityService(store);
    this.profiles = new ProfilesService(store, this.identity, {
      maxTraitsPerProfile: options.pipeline?.maxTraitsPerProfile,
      sections: {
        computedTraitsOf: (workspaceId, profileId) => this.computedTraits.valuesOf(workspaceId, profileId),
        audiencesOf: (workspaceId, profileId) => membershipsOf(store, workspaceId, profileId),
      },
    });
    this.imports = new ImportsService(store, this.collector);
    this.catalog = new CatalogService(store);
    this.trackingPlans = new TrackingPlansService(store, {
      log: this.log,
      collect: (input) => this.collector.collect(input),
      shareRules: (sourceId, rules) => this.collector.shareScreenRules(sourceId, rules),
    });
    // Calls are checked against their source's plan where they are parsed, off the event loop.
    this.collector.useScreens(this.trackingPlans.screens, TRACKING_PLAN_SCREENS.href);
    this.audienceFiles = new AudienceFilesService(store, options.audienceFiles);
    const clock = options.segment?.clock ?? Date.now;
    this.clock = clock;
    // Every stage and reader of a checkpoint works with the same partitions.
    const partitions = partitionCountFor(store.kind, options.pipeline?.partitions);
    this.computedTraits = new ComputedTraitsService(store, clock, partitions);
    const events = new AudienceEvents({ sources: this.sources, identity: this.identity });
    this.audiences = new AudiencesService(store, {
      computedTraits: this.computedTraits,
      events,
      clock,
      partitions,
    });
    // A computed trait's new values change who meets the audiences that read it.
    this.computedTraits.onRecomputed((trait) =>
      this.audiences.reevaluateReadingComputedTrait(trait.workspaceId, trait.name),
    );
    // Rules read computed traits by name: a trait they read is neither deleted nor renamed.
    this.computedTraits.onReaders((workspaceId, name) =>
      this.audiences.readersOfComputedTrait(workspaceId, name),
    );
    const segmentDeps = { computedTraits: this.computedTraits, audiences: this.audiences, events, clock };
    this.segment = new SegmentStage(store, segmentDeps, {
      ...options.segment,
      partitions,
      feeder: UNIFY_STAGE,
    });
    // Audience Entered / Exited events are appended in the segment stage's transaction, not
    // through the collector: hand them to the source debugger's live stream once committed.
    // At most a few reads in flight: when they fall behind the pipeline, the debugger skips
    // batches rather than holding an ever longer queue of them in memory.
    let debuggerReads = 0;
    this.segment.onChanges((changes) => {
      if (!this.collector.hasSubscribers() || debuggerReads >= MAX_DEBUGGER_READS) return;
      debuggerReads += 1;
      events
        .committed(store.db, changes, (sourceId) => this.collector.hasSubscribers(sourceId))
        .then((bySource) => {
          for (const [sourceId, stored] of bySource) this.collector.publishCommitted(sourceId, stored);
        })
        // The debugger is best effort: a failed read never touches the pipeline.
        .catch(() => undefined)
        .finally(() => {
          debuggerReads -= 1;
        });
    });
    const delivery = options.delivery ?? {};
    const transports = new Map<string, TransportKind>(
      [
        webhookTransportKind,
        natsTransport,
        amqpTransport,
        redisStreamTransport,
        // Personal fields reach a warehouse masked unless the PII settings let it have them.
        warehouseTransportKind({ maskOf: (workspaceId, id) => this.pii.maskForDestination(workspaceId, id) }),
        this.audienceFiles.transportKind,
        ...(delivery.transports ?? []),
      ].map((kind) => [kind.type, kind]),
    );
    const deliveryClock = delivery.clock ?? Date.now;
    this.syncPolicy = {
      consent: delivery.consent ?? consentedProfiles,
      allowPrivateNetworks: delivery.allowPrivateNetworks ?? false,
    };
    const maxAgeMs = delivery.maxAgeMs ?? 3 * 86_400_000;
    this.secrets = new SecretBox(delivery.secretKey);
    this.destinations = new DestinationsService(store, {
      secrets: this.secrets,
      transports,
      allowPrivateNetworks: delivery.allowPrivateNetworks ?? false,
      clock: deliveryClock,
      onDue: (ids) => this.dispatcher.wakeIds(ids),
      onChanged: () => this.dispatcher.reload(),
      sendTimeoutMs: delivery.sendTimeoutMs ?? 10_000,
    });
    // A destination subscribed to a computed trait by name keeps it from being deleted or renamed.
    this.computedTraits.onReaders((workspaceId, name) => this.destinations.readersOfTrait(workspaceId, name));
    // Files are listed only for a destination of this workspace.
    this.audienceFiles.checkDestinationsWith(async (workspaceId, destinationId) =>
      this.destinations.get(workspaceId, destinationId).then(
        (destination) => destination.type === 'audience-file',
        () => false,
      ),
    );
    this.dispatcher = new Dispatcher(store, this.destinations, {
      transports,
      allowPrivateNetworks: delivery.allowPrivateNetworks ?? false,
      consent: delivery.consent ?? consentedProfiles,
      sendTimeoutMs: delivery.sendTimeoutMs ?? 10_000,
      maxAttempts: delivery.maxAttempts ?? 12,
      maxAgeMs,
      baseBackoffMs: delivery.baseBackoffMs ?? 1000,
      maxBackoffMs: delivery.maxBackoffMs ?? 600_000,
      retentionDays: delivery.retentionDays ?? 30,
      pollMs: delivery.pollMs ?? 1000,
      clock: deliveryClock,
      log: delivery.log ?? (() => {}),
    });
    this.delivery = new DeliveryStage(store, {
      batchSize: options.pipeline?.batchSize,
      partitions,
      maxAgeMs,
      clock: deliveryClock,
      consent: delivery.consent ?? consentedProfiles,
    });
    // New outbox rows wake their destinations' workers at once (this thread or, posted, the
    // pipeline thread's); other processes' rows are found by the dispatcher's poll.
    this.delivery.onWritten((written) => this.dispatcher.wake(written));
    this.unify = new UnifyStage(store, this.identity, {
      batchSize: options.pipeline?.batchSize,
      partitions,
      maxTraitsPerProfile: options.pipeline?.maxTraitsPerProfile,
    });
    this.consent = new ConsentService(store, this.identity);
    // Audiences requiring a purpose follow decisions recorded outside the log, and purpose edits.
    this.consent.onChange(async (change) => {
      if (change.kind === 'configuration') {
        await this.audiences.reevaluateRequiringConsent(change.workspaceId);
        // A default switched (or a purpose removed or added) moves people on destinations' lists.
        const deps = { store, audiences: this.audiences, consent: this.consent };
        if ((await recordPurposeTurnFlips(deps, change.workspaceId, change.turns)) > 0) this.pipeline.wake();
        return;
      }
      await this.audiences.reevaluateConsent(change.workspaceId, change.profileIds);
      // A decision that flipped a purpose waits for the delivery stage: run it now, not at the next poll.
      this.pipeline.wake();
    });
    this.consentStage = new ConsentStage(store, this.identity, {
      batchSize: options.pipeline?.batchSize,
      partitions,
      feeder: UNIFY_STAGE,
    });
    this.leadScoring = new LeadScoringService(store, {
      identity: this.identity,
      computedTraits: this.computedTraits,
      clock,
    });
    this.personSections = {
      ...this.personSections,
      leadScoreOf: async (workspaceId, profileId) => {
        const score = (await this.leadScoring.scoresOf(workspaceId, [profileId])).get(profileId);
        return { leadScore: score?.total ?? null, leadScoreBreakdown: [...(score?.breakdown ?? [])] };
      },
    };
    // After segment: the rules read the computed traits that stage keeps.
    this.leadScoringStage = new LeadScoringStage(
      store,
      { computedTraits: this.computedTraits, clock },
      {
        batchSize: options.pipeline?.batchSize,
        rescoreChunk: options.leadScoring?.rescoreChunk,
        partitions,
        feeder: SEGMENT_STAGE,
      },
    );
    const sequenceClock = options.sequences?.clock ?? clock;
    this.sequenceStopStage = new SequenceStopStage(store, {
      batchSize: options.pipeline?.batchSize,
      partitions,
      feeder: LEAD_SCORING_STAGE,
      clock: sequenceClock,
    });
    const journeyOptions = options.journeys ?? {};
    // What other domains lend journeys: from the options (tests), or set on `journeyLinks` where
    // the email and lists domains are constructed (read at each use, so order does not matter).
    this.journeyLinks.emailQueue = journeyOptions.emailQueue;
    this.journeyLinks.staticLists = journeyOptions.staticLists;
    this.journeyLinks.emailCountsOf = journeyOptions.emailCountsOf;
    const links = this.journeyLinks;
    // What a journey's split may reference: computed traits and audiences.
    const journeyScope = async (workspaceId: string, db: Kysely<Database>) => ({
      computedTraits: new Map(
        (await this.computedTraits.definitions(workspaceId, db)).map((t) => [
          t.name,
          { id: t.id, fallback: emptyValueOf(t.kind) },
        ]),
      ),
      // Read in the caller's transaction (a split runs inside one): only ids, for references.
      audiences: new Map(
        (
          await db
            .selectFrom('audiences')
            .select('audience_id')
            .where('workspace_id', '=', workspaceId)
            .execute()
        ).map((a) => [a.audience_id, [] as string[]]),
      ),
    });
    this.journeyRunner = new JourneyRunner({
      store,
      crmEvents: new CrmEvents({ sources: this.sources, identity: this.identity }),
      identity: this.identity,
      emailQueue: () => links.emailQueue,
      staticLists: () => links.staticLists ?? NO_STATIC_LISTS,
      ruleScope: (workspaceId, db) => journeyScope(workspaceId, db),
      clock,
      defaultTimeZone: journeyOptions.defaultTimeZone ?? 'UTC',
      afterCommit: (done) => {
        if (done.events) this.pipeline.wake();
        // Through the delivery stage's listeners: from the pipeline thread, they reach the main one's dispatcher.
        if (done.deliveries.length > 0) this.delivery.notify(done.deliveries);
        if (done.effects) this.journeyEffects.wake();
      },
    });
    // After lead scoring: a split may read scores; before delivery, which sends what steps queue.
    this.journeysStage = new JourneysStage(
      store,
      { runner: this.journeyRunner, identity: this.identity, clock },
      { batchSize: options.pipeline?.batchSize, partitions, feeder: LEAD_SCORING_STAGE },
    );
    this.journeyTimers = new JourneyTimers(store, this.journeyRunner, {
      clock,
      timeZone: journeyOptions.defaultTimeZone,
      ...journeyOptions.timers,
    });
    // After segment (it runs last): the batch's computed traits and audiences are settled when people are copied.
    this.analyticsStage = new AnalyticsStage(
      store,
      { identity: this.identity, computedTraits: this.computedTraits, clock },
      {
        batchSize: options.pipeline?.batchSize,
        partitions,
        feeder: SEGMENT_STAGE,
        embedded: options.pipeline?.analytics,
      },
    );
    const analyticsStages = options.pipeline?.analytics?.enabled === false ? [] : [this.analyticsStage];
    // Consent first: what a batch's events decided is recorded before audiences and deliveries act.
    this.stages = {
      unify: this.unify,
      after: [
        this.consentStage,
        this.segment,
        this.leadScoringStage,
        this.sequenceStopStage,
        this.journeysStage,
        this.delivery,
        // Last: waiting on the embedded copy's writes never delays journeys or deliveries.
        ...analyticsStages,
      ],
    };
    this.personalization = new PersonalizationService(store, {
      identity: this.identity,
      computedTraits: this.computedTraits,
      audiences: this.audiences,
    });
    // The website's settings name computed traits: one it exposes is neither deleted nor renamed.
    this.computedTraits.onReaders((workspaceId, name) =>
      this.personalization.readersOfComputedTrait(workspaceId, name),
    );
    // A visitor who has not granted the personalization purpose is answered like an unknown one.
    this.personalization.gateWith((workspaceId, profileId) =>
      this.consent.grants(workspaceId, profileId, 'personalization'),
    );
    this.webhookSources = new WebhookSourcesService(store, {
      sources: this.sources,
      collector: this.collector,
      secrets: this.secrets,
    });
    this.crmEvents = new CrmEvents({ sources: this.sources, identity: this.identity });
    this.search = new SearchService();
    this.search.register('people', peopleSearch(store, this.identity));
    this.search.register('companies', companiesSearch(store));
    const crmDeps = {
      identity: this.identity,
      crmEvents: this.crmEvents,
      clock,
      // CRM events are appended in the CRM write's transaction: tell the pipeline once committed.
      wake: () => this.pipeline.wake(),
    };
    this.tasks = new TasksService(store, {
      ...crmDeps,
      namesOf: async (workspaceId, profileIds) => {
        const names = new Map<string, string>();
        for (const id of profileIds) {
          const liveId = (await this.identity.resolveProfileId(workspaceId, id)) ?? id;
          const [summary] = await this.profiles.summariesOf(workspaceId, [liveId]);
          const name =
            summary?.traits.name ??
            summary?.traits.email ??
            summary?.identities.find((i) => i.type === 'email')?.value;
          if (typeof name === 'string') names.set(id, name);
        }
        return names;
      },
    });
    this.activities = new ActivitiesService(store, crmDeps);
    this.customFields = new CustomFieldDefinitions(store.db);
    this.companies = new CompaniesService(store, { ...crmDeps, profiles: this.profiles });
    this.people = new PeopleService(store, {
      ...crmDeps,
      profiles: this.profiles,
      tasks: this.tasks,
      sections: () => this.personSections,
      // A person created by hand joins their email domain's company and, without an owner, gets one.
      onCreated: async (created) => {
        if (created.email !== undefined) {
          await this.companies.linkPersonByEmail(
            created.workspaceId,
            created.profileId,
            created.email,
            created.actorId,
          );
        }
        if (!created.ownerGiven) await this.teams.assignNewLead(created.workspaceId, created.profileId);
      },
      // Where no pipeline runs in the background (tests, the CLI), run it here.
      settle: async () => {
        if (!this.pipeline.started) await this.pipeline.catchUp(10_000);
      },
    });
    this.pipelines = new PipelinesService(store);
    this.deals = new DealsService({
      store,
      crmEvents: this.crmEvents,
      liveProfileOf: (workspaceId, profileId, db) =>
        this.identity.resolveProfileId(workspaceId, profileId, db),
      isMember: async (workspaceId, userId) =>
        (await this.access.members.roleOf(workspaceId, userId)) !== undefined,
    });
    // Deal imports write through the deals domain, reaching companies and people by their services.
    this.imports.importDealsWith(
      (workspaceId, options) =>
        new DealImportSession(
          {
            deals: this.deals,
            // Oldest first: the default pipeline (made on first use) leads.
            pipelines: (id) => this.pipelines.list(id),
            members: (id) => this.access.members.list(id),
            customFields: (id) => customFieldsOf(store.db, id, 'deal'),
            companyFor: (id, ref, actorId) => this.companies.findOrCreate(id, ref, actorId),
            peopleFor: (id, emails, actorId) => this.people.findOrCreateByEmails(id, emails, actorId),
          },
          workspaceId,
          options,
        ),
    );
    this.crmReports = new CrmReportsService(store, this.pipelines);
    this.search.register('deals', dealsSearch(store));
    this.savedViews = new SavedViewsService(store, this.identity, {
      companies: this.companies,
      deals: this.deals,
      pipelines: this.pipelines,
    });
    this.savedInsights = new SavedInsightsService(store);
    this.dashboards = new DashboardsService(store);
    this.leadScoring.calibrateWith((workspaceId) => closedDealOutcomes(store, workspaceId));
    this.personSections = {
      ...this.personSections,
      dealsOf: async (workspaceId, profileIds) => {
        const seen = new Map<string, Person['deals'][number]>();
        for (const profileId of profileIds) {
          const page = await this.deals.list(workspaceId, { profileId, limit: 100 });
          for (const deal of page.data) seen.set(deal.id, deal);
        }
        return [...seen.values()];
      },
    };
    this.teams = new TeamsService(store, {
      identity: this.identity,
      people: this.people,
      wake: crmDeps.wake,
    });
    const slaClock = options.sla?.clock ?? Date.now;
    this.slaSettings = new SlaSettings(store, slaClock);
    this.sla = new SlaService({
      store,
      settings: this.slaSettings,
      clock: slaClock,
      events: this.crmEvents,
      wake: crmDeps.wake,
      liveProfileOf: (workspaceId, profileId, db) =>
        this.identity.resolveProfileId(workspaceId, profileId, db),
      traitsOf: async ({ workspaceId, profileId, names, db }) => {
        const liveId = (await this.identity.resolveProfileId(workspaceId, profileId, db)) ?? profileId;
        const stored = await storedTraitsOf({ ...store, db }, workspaceId, liveId, names);
        return Object.fromEntries(stored.map((trait) => [trait.name, JSON.parse(trait.value) as unknown]));
      },
    });
    this.slaSweeper = new SlaSweeper(store, this.sla, {
      ...options.sla,
      clock: slaClock,
      wake: crmDeps.wake,
    });
    const deskMembers = async (workspaceId: string) =>
      (await this.access.members.list(workspaceId)).map((m) => ({ userId: m.id, email: m.email }));
    this.tickets = new TicketsService({
      store,
      crmEvents: this.crmEvents,
      identity: this.identity,
      people: this.people,
      teams: this.teams,
      membersOf: deskMembers,
      existingDeals: (workspaceId, dealIds) => this.deals.existingDealIds(workspaceId, dealIds),
      wake: crmDeps.wake,
      clock,
    });
    this.overview = new OverviewService({
      store,
      // Days' activity from the analytics copy, unless the copy is turned off (then the row store).
      activity:
        options.pipeline?.analytics?.enabled === false
          ? undefined
          : analyticsActivity({
              dialect: store.kind === 'postgres' ? 'postgres' : 'duckdb',
              query: (sql, params) => this.analytics.query(sql, params),
            }),
      sources: this.sources,
      audiences: this.audiences,
      pipelines: this.pipelines,
      crmReports: this.crmReports,
      sla: this.sla,
      clock,
    });
    this.cannedReplies = new CannedRepliesService({
      store,
      clock,
      profileOf: (workspaceId, profileId) => this.profiles.get(workspaceId, profileId),
      ticketOf: (workspaceId, ticketId) => this.tickets.get(workspaceId, ticketId),
      agentOf: async (workspaceId, userId) => {
        const email = (await deskMembers(workspaceId)).find((m) => m.userId === userId)?.email ?? null;
        return { name: email?.split('@')[0] ?? 'Support', email };
      },
    });
    // The help center's links and sign-in mails use the address and relay logins use.
    this.helpArticles = new HelpArticlesService({
      store,
      publicUrl: options.access?.publicUrl ?? 'http://localhost:3000',
      clock,
    });
    const helpArticles = this.helpArticles;
    this.portal = new PortalService({
      store,
      tickets: this.tickets,
      mail: options.access?.mail,
      portalUrlOf: async (workspaceId) => (await helpArticles.site(workspaceId)).portalUrl,
      clock,
    });
    // Mail to a mailbox opens or joins tickets; agents' public replies go out by mail.
    this.mailboxes = new MailboxesService(store, (workspaceId, teamId) =>
      this.teams.get(workspaceId, teamId).then(
        () => true,
        () => false,
      ),
    );
    const mail = options.mail;
    this.mailChannel = new MailChannel({
      store,
      desk: mail?.desk ?? this.tickets,
      mailboxes: this.mailboxes,
      smtpUrl: mail?.smtpUrl,
      listen: mail?.listen,
      log: mail?.log ?? (() => {}),
      retry: mail?.retry,
      maxMessageBytes: mail?.maxMessageBytes,
    });
    const mailChannel = this.mailChannel;
    this.surveySender = mail?.smtpUrl ? smtpMailSender({ url: mail.smtpUrl, from: '' }) : null;
    this.satisfaction = new SatisfactionService({
      store,
      crmEvents: this.crmEvents,
      sender: this.surveySender,
      fromAddressOf: async (workspaceId) => (await this.mailboxes.list(workspaceId))[0]?.address ?? null,
      publicUrl: options.access?.publicUrl ?? 'http://localhost:8080',
      wake: crmDeps.wake,
      clock,
      log: (message, detail) => (mail?.log ?? (() => {}))('error', message, detail),
    });
    this.webForms = new WebFormsService({
      store,
      clock,
      teamExists: (workspaceId, teamId) =>
        this.teams.get(workspaceId, teamId).then(
          () => true,
          () => false,
        ),
      openTicket: (workspaceId, input) =>
        this.tickets.create(
          workspaceId,
          {
            subject: input.subject,
            email: input.email,
            ...(input.name ? { name: input.name } : {}),
            body: input.body,
            priority: 'normal',
            teamId: input.teamId,
          },
          null,
          { channel: 'web' },
        ),
    });
    // Each ticket change recomputes its SLA clock; the inbox and the ticket page read the clocks.
    this.tickets.connect({
      sla: this.sla,
      // The reply is stored whatever happens to its email: a failure to queue it is logged, and
      // the reply shows no delivery status.
      onPublicReply: (reply) =>
        mailChannel.sendReply(reply).catch((error: unknown) =>
          (mail?.log ?? (() => {}))('error', 'could not queue a ticket reply by email', {
            ticketId: reply.ticketId,
            error: String(error),
          }),
        ),
      deliveryStatusOf: (workspaceId, messageIds) => mailChannel.deliveryStatusOf(workspaceId, messageIds),
      // A solved ticket's requester gets a satisfaction survey (unless the ticket skips it).
      onSolved: (solved) =>
        this.satisfaction.onSolved(solved).catch((error: unknown) =>
          (mail?.log ?? (() => {}))('error', 'could not create a CSAT survey', {
            ticketId: solved.ticket.id,
            error: String(error),
          }),
        ),
    });
    // Marketing email's gate and tracking; returned mail comes in through the SMTP listener.
    this.emailPreferences = new EmailPreferencesService({ store, identity: this.identity, clock });
    this.pii = new PiiService({
      store,
      clock,
      destinationExists: (workspaceId, destinationId) =>
        this.destinations.get(workspaceId, destinationId).then(
          () => true,
          () => false,
        ),
    });
    this.emailEngagement = new EmailEngagementService({
      store,
      preferences: this.emailPreferences,
      events: this.crmEvents,
      wake: crmDeps.wake,
      // Opens, clicks, unsubscribes and bounces counted on the message (reports).
      // (a complaint has no count of its own: it suppresses, and the event says it).
      markEngagement: async (db, workspaceId, messageId, kind, at) => {
        if (kind === 'complained') return;
        await markEngagement(
          db,
          workspaceId,
          messageId,
          kind === 'machine_open' ? 'machine_opened' : kind,
          at,
        );
      },
      publicUrl: options.access?.publicUrl ?? 'http://localhost:3000',
      clock,
      ...options.emailEngagement,
    });
    this.emailPolicy = new EmailPolicy(this.emailPreferences, this.emailEngagement);
    this.mailChannel.addRoute(bounceRoute(this.emailEngagement));
    this.lists = new ListsService({
      store,
      clock,
      contactsOf: (workspaceId, ids) => this.contactsOf(workspaceId, ids),
    });
    // Asked per query: the copy (`this.analytics`) is opened further down.
    this.insights = new InsightsService({
      analytics: () => options.analytics ?? this.analytics,
      lists: this.lists,
      clock,
    });
    // A journey's list step adds and removes in the step's own transaction.
    this.journeyLinks.staticLists ??= {
      add: async (db, workspaceId, listId, profileIds) => {
        await addToList(db, workspaceId, listId, profileIds);
      },
      remove: async (db, workspaceId, listId, profileIds) => {
        await removeFromList(db, workspaceId, listId, profileIds);
      },
      exists: (_db, workspaceId, listId) =>
        this.lists.get(workspaceId, listId).then(
          () => true,
          () => false,
        ),
    };
    this.sequenceEmailQueue = options.sequences?.emailQueue;
    const replyDomain =
      options.sequences?.replyDomain ?? new URL(options.access?.publicUrl ?? 'http://localhost').hostname;
    this.sequenceScheduler = new SequenceScheduler({
      store,
      clock: sequenceClock,
      emailQueue: () => this.sequenceEmailQueue,
      replyDomain,
      createTask: async (task) =>
        (
          await this.tasks.create(
            task.workspaceId,
            {
              title: task.title,
              notes: task.notes,
              dueAt: task.dueAt,
              profileId: task.profileId,
              assigneeId: await this.stillMember(task.workspaceId, task.ownerId),
            },
            null,
          )
        ).id,
      ...options.sequences?.scheduler,
    });
    this.sequences = new SequencesService({
      store,
      clock: sequenceClock,
      contactsOf: (workspaceId, ids) => this.contactsOf(workspaceId, ids),
      listMembers: (workspaceId, listId) => this.lists.liveMembers(workspaceId, listId),
      onEnrolled: () => this.sequenceScheduler.wake(),
    });
    // Replies to sequence email come in at the SMTP listener and stop their enrollments.
    this.mailChannel.addRoute(
      new SequenceReplies({
        store,
        clock: sequenceClock,
        replyDomain,
        appendEvents: (db, events) => this.crmEvents.appendWithin(db, events),
        colleaguesOf: async (db, workspaceId, profileId) => {
          const companies = await companiesOf(db, workspaceId, profileId);
          return membersOfCompanies(
            db,
            workspaceId,
            companies.map((company) => company.id),
            10_000,
          );
        },
        logReply: async (reply) => {
          await this.activities.create(
            reply.workspaceId,
            {
              kind: 'email',
              profileId: reply.profileId,
              body: `Reply from ${reply.from} to the sequence "${reply.sequenceName}": ${reply.subject}\n\n${reply.text}`,
              occurredAt: reply.at,
            },
            null,
          );
        },
        wake: crmDeps.wake,
        onError: (error) =>
          (mail?.log ?? (() => {}))('error', 'could not log a sequence reply', { error: String(error) }),
      }),
    );
    this.journeys = new JourneysService({
      store,
      runner: this.journeyRunner,
      referencesOf: async (workspaceId, db) => {
        const exists = (ask: Promise<unknown>) =>
          ask.then(
            () => true,
            () => false,
          );
        const lists = links.staticLists;
        return {
          scope: await journeyScope(workspaceId, db),
          audienceExists: (id) => exists(this.audiences.get(workspaceId, id)),
          destinationExists: (id) => exists(this.destinations.get(workspaceId, id)),
          templateExists: (id) => exists(this.emailTemplates.get(workspaceId, id)),
          listExists: async (id) => (lists?.exists ? lists.exists(db, workspaceId, id) : true),
          memberExists: async (userId) => (await this.stillMember(workspaceId, userId)) !== null,
          crmFieldExists: async (field) =>
            PERSON_CRM_FIELDS.includes(field) ||
            (await this.customFields.list(workspaceId, 'person')).some((custom) => custom.key === field),
        };
      },
      emailCountsOf: (db, workspaceId, journeyId) =>
        (links.emailCountsOf ?? NO_EMAIL_COUNTS)(db, workspaceId, journeyId),
      liveProfileOf: (workspaceId, profileId) => this.identity.resolveProfileId(workspaceId, profileId),
      clock,
      onChanged: () => {
        this.journeyTimers.wake();
        this.pipeline.wake();
      },
    });
    this.journeyEffects = new JourneyEffects(
      store,
      () => ({
        createTask: async (workspaceId, input) =>
          (
            await this.tasks.create(
              workspaceId,
              {
                title: input.title,
                profileId: input.profileId,
                dueAt: input.dueAt ?? new Date(clock() + 86_400_000).toISOString(),
                // The step's assignee, else the person's owner (as the editor says), while a member.
                assigneeId:
                  (await this.stillMember(workspaceId, input.assigneeId)) ??
                  (await this.stillMember(workspaceId, await this.ownerOf(workspaceId, input.profileId))),
              },
              null,
            )
          ).id,
        createTicket: async (workspaceId, input) =>
          (
            await this.tickets.create(
              workspaceId,
              {
                subject: input.subject,
                profileId: input.profileId,
                priority: input.priority as 'normal', // the journey step's schema allows only ticket priorities
                ...(input.body ? { body: input.body } : {}),
              },
              null,
              { channel: 'api' },
            )
          ).id,
        updateCrmField: async (workspaceId, profileId, field, value) => {
          const patch = PERSON_CRM_FIELDS.includes(field)
            ? { [field]: value }
            : { fields: { [field]: value } };
          await this.people.update(workspaceId, profileId, patch, null);
        },
      }),
      { clock },
    );
    // Marketing email: templates render with the person's traits, computed traits and CRM view.
    const emailPeople = new PersonContexts({
      identity: this.identity,
      computedTraitsOf: (workspaceId, profileId) => this.computedTraits.valuesOf(workspaceId, profileId),
      crmOf: async (workspaceId, profileId) => {
        const person = await this.people.get(workspaceId, profileId);
        return {
          lifecycleStage: person.lifecycleStage ?? null,
          leadStatus: person.leadStatus ?? null,
          ownerId: person.ownerId ?? null,
          fields: { ...person.fields },
        };
      },
    });
    this.emailTemplates = new EmailTemplatesService({ store, people: emailPeople, clock });
    this.emailSettings = new EmailSettingsService(store);
    this.emailQueue = new EmailMessagesQueue(options.email?.clock ?? clock);
    this.emailSender = new EmailSender(
      {
        store,
        templates: this.emailTemplates,
        settings: this.emailSettings,
        people: emailPeople,
        appendEvents: (db, events) => this.crmEvents.appendWithin(db, events),
        wake: () => this.pipeline.wake(),
      },
      { ...options.email, smtpUrl: options.email?.smtpUrl ?? mail?.smtpUrl },
    );
    // Consent, topics, suppression, frequency caps, tracking and bounce addresses (email-engagement/).
    this.emailSender.usePolicy(this.emailPolicy);
    // Journeys and sequences queue their email in their own transactions; reports count it by origin.
    this.journeyLinks.emailQueue ??= this.emailQueue;
    this.journeyLinks.emailCountsOf ??= async (db, workspaceId, journeyId) =>
      new Map(
        (await emailCountsByOrigin(db, workspaceId, 'journey', journeyId)).flatMap((counts) =>
          counts.stepId === null ? [] : [[counts.stepId, counts] as const],
        ),
      );
    this.sequenceEmailQueue ??= this.emailQueue;
    // Queued mail is looked at soon after its transaction (the sender finds it on its next pass).
    this.emailQueue.onQueued(() => setTimeout(() => this.emailSender.wake(), 5).unref());
    this.broadcasts = new BroadcastsService(
      {
        store,
        templates: this.emailTemplates,
        queue: this.emailQueue,
        audiences: {
          exists: (workspaceId, audienceId) =>
            this.audiences.get(workspaceId, audienceId).then(
              () => true,
              () => false,
            ),
          members: (workspaceId, audienceId, page) => this.audiences.members(workspaceId, audienceId, page),
        },
        clock: options.email?.clock ?? clock,
      },
      options.email?.broadcasts,
    );
    // Destinations, journeys and broadcasts name audiences by id: an audience they read is kept.
    this.audiences.onReaders((workspaceId, audienceId) =>
      this.destinations.readersOfAudience(workspaceId, audienceId),
    );
    this.audiences.onReaders((workspaceId, audienceId) =>
      this.journeys.readersOfAudience(workspaceId, audienceId),
    );
    this.audiences.onReaders((workspaceId, audienceId) =>
      this.broadcasts.readersOfAudience(workspaceId, audienceId),
    );
    // A saved insight filtered or broken down by an audience or computed trait would silently count
    // nothing once it is gone.
    this.audiences.onReaders((workspaceId, audienceId) =>
      this.savedInsights.readersOfAudience(workspaceId, audienceId),
    );
    this.computedTraits.onReaders((workspaceId, name) =>
      this.savedInsights.readersOfComputedTrait(workspaceId, name),
    );
    // Templates, lists, topics and destinations named by journeys, sequences, broadcasts and
    // templates are kept the same way.
    this.emailTemplates.onReaders((workspaceId, id) => this.journeys.readersOfTemplate(workspaceId, id));
    this.emailTemplates.onReaders((workspaceId, id) => this.sequences.readersOfTemplate(workspaceId, id));
    this.emailTemplates.onReaders((workspaceId, id) => this.broadcasts.readersOfTemplate(workspaceId, id));
    this.lists.onReaders((workspaceId, id) => this.journeys.readersOfList(workspaceId, id));
    this.customFields.onPersonFieldReaders((workspaceId, key) =>
      this.journeys.readersOfCrmField(workspaceId, key),
    );
    this.computedTraits.onReaders((workspaceId, name) =>
      this.journeys.readersOfComputedTrait(workspaceId, name),
    );
    this.emailPreferences.onTopicReaders((workspaceId, id) =>
      this.emailTemplates.readersOfTopic(workspaceId, id),
    );
    this.destinations.onReaders((workspaceId, id) => this.journeys.readersOfDestination(workspaceId, id));
    // What requires a consent purpose is named before it is removed (removing it empties them).
    this.consent.onReaders((workspaceId, key) => this.audiences.readersOfPurpose(workspaceId, key));
    this.consent.onReaders((workspaceId, key) => this.destinations.readersOfPurpose(workspaceId, key));
    this.consent.onReaders((workspaceId, key) => this.emailPreferences.readersOfPurpose(workspaceId, key));
    // Someone who leaves the workspace leaves its teams (no lead or ticket is handed to them after);
    // their unsolved tickets go back to the Unassigned view, or all they hold to the member named.
    this.access.members.onRemoved((removal) => this.teams.forgetUser(removal.workspaceId, removal.userId));
    this.access.members.onRemoved((removal) => afterMemberRemoved(this.handOverDeps(), removal));
    // Teams named by the service desk's mailboxes, SLA policies and unsolved tickets. (A web form
    // cannot be re-pointed without a new key, so its tickets go to no team once its team is gone.)
    this.teams.onReaders((workspaceId, id) => this.mailboxes.readersOfTeam(workspaceId, id));
    this.teams.onReaders((workspaceId, id) => this.slaSettings.readersOfTeam(workspaceId, id));
    this.teams.onReaders((workspaceId, id) => this.tickets.readersOfTeam(workspaceId, id));
    this.pipeline = new Pipeline(store, this.log, this.stages, options.pipeline);
    this.analyticsCopy = new AnalyticsAccess(store, this.analyticsStage.embedded, (request) =>
      this.pipeline.analyticsInThread(request),
    );
    this.analytics = this.analyticsCopy;
    // A commit wakes the pipeline at once: the path from accepted event to audience stays short.
    this.log.onCommit(() => this.pipeline.wake());
    // An edit of the scoring rules starts its rescore at once.
    this.leadScoring.onRulesChanged(() => this.pipeline.wake());
    // A full evaluation's SQL runs where the pipeline runs: in its thread, off the event loop.
    this.audiences.evaluateWith((workspaceId, audienceId) =>
      this.pipeline.evaluateAudienceInThread(workspaceId, audienceId),
    );
    this.auditLog = new AuditLogService(store, clock, options.audit);
    this.retention = new RetentionService(store, {
      clock: options.retention?.clock ?? clock,
      batchSize: options.retention?.batchSize,
      pruneAudit: (prune) => this.auditLog.prune(prune),
      // What retention removed is a change like any other: the audit log keeps its report.
      onFinished: (workspaceId, run) =>
        this.auditLog.record({
          workspaceId,
          at: run.finishedAt ?? run.startedAt,
          actor: { kind: 'system', id: 'retention' },
          action: 'write',
          method: 'RUN',
          route: 'retention',
          status: run.status === 'done' ? 200 : 500,
          profileId: null,
          entityIds: { runId: run.id },
          after: run.removed,
        }),
    });
    this.retentionWorker = new RetentionWorker(this.retention, options.retention?.intervalMs);
    const predictionsClock = options.predictions?.clock ?? clock;
    this.predictions = new PredictionsService(store, {
      clock: predictionsClock,
      // Orders from the analytics copy, unless the copy is turned off.
      ordersOf:
        options.pipeline?.analytics?.enabled === false
          ? undefined
          : (workspaceId, read) => this.insights.valuedEvents(workspaceId, read),
      profileFeatures: async (workspaceId, profileId) => {
        const profile = await this.profiles.get(workspaceId, profileId).catch(() => null);
        return { traits: profile?.traits ?? {}, computed: profile?.computedTraits ?? {} };
      },
      // Predicted traits reach the profile as an identify call under the CRM's internal source:
      // through the log, so audiences (batch and real time) read them like any trait.
      publishTraitsWithin: (trx, workspaceId, changes) =>
        appendTraitsOfProfilesWithin(
          trx,
          { crmEvents: this.crmEvents, identity: this.identity },
          { workspaceId, changes, at: new Date(predictionsClock()).toISOString() },
        ),
    });
    this.predictions.trainWith((workspaceId) => closedDealOutcomes(store, workspaceId));
    this.predictionsWorker = new PredictionsWorker(this.predictions, options.predictions?.intervalMs);
    // Each domain's person data, in the order a deletion removes it (the log and identity last).
    // Destinations first (their deliveries say whom to notify), audience files before profiles
    // (hashed lines are found through the person's email / phone traits).
    const destinationData = destinationPersonData({
      store,
      destinations: this.destinations,
      secrets: this.secrets,
      clock: deliveryClock,
    });
    this.deletionNotices = (person) => destinationData.deletionNotices(person);
    this.personData.push(
      destinationData,
      audienceFilePersonData(store, this.audienceFiles, (workspaceId, profileIds) =>
        Promise.all(
          profileIds.map(async (profileId) =>
            Object.fromEntries(
              (await storedTraitsOf(store, workspaceId, profileId, CONTACT_TRAITS)).map((trait) => [
                trait.name,
                JSON.parse(trait.value),
              ]),
            ),
          ),
        ),
      ),
      // The CRM and desk side: what people wrote and were sent, before the log and identity go.
      new CrmPersonData(store),
      new DeskPersonData(store),
      new SequencePersonData(store, clock),
      new JourneyPersonData(store, clock),
      new ListPersonData(store),
      new EmailEngagementPersonData(store),
      new EmailPreferencesPersonData(store),
      new EmailPersonData(store),
      leadScorePersonData(store),
      predictionPersonData(store),
      audiencePersonData(store),
      computedTraitPersonData(store),
      consentPersonData(store),
      profilePersonData(store),
      auditLogPersonData(store, clock, () => this.auditLog.flush()),
      analyticsPersonData(this.analyticsCopy),
      // The log, then identity, last: other holders may find the person through them.
      logPersonData(store.db, {
        eventSeqsOfProfiles: (workspaceId, profileIds) =>
          eventSeqsOfProfiles(store.db, workspaceId, profileIds),
        attributedThrough: () => lastAttributedSeq(store.db),
      }),
      identityPersonData(store.db),
    );
    this.privacy = new PrivacyService(store, {
      holders: () => this.personData,
      pipelinePassed: (headSeq) => this.pipeline.passed(headSeq),
      removeEvents: (workspaceId, seqs) => this.pipeline.removeEvents(workspaceId, seqs),
      secrets: this.secrets,
      ...options.privacy,
    });
    // Suppressed people's calls are dropped before a tracking plan counts or forwards anything of theirs.
    this.collector.useAdmission(this.privacy.admission);
    this.collector.useAdmission(this.trackingPlans.admission);
  }

  /** Opens the store and applies pending migrations (unless told not to). */
  static async open(options: EngineOptions): Promise<Engine> {
    const store = await openStore(options);
    try {
      if (options.migrate !== false) {
        await migrate(store);
        // A PostgreSQL store restored from another cluster: new events still follow the old.
        await keepLogAheadOfStoredIds(store.db, store.kind);
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    const engine = new Engine(store, options);
    try {
      await engine.privacy.prepare();
      // The ingest path answers from memory: plans are compiled before the first call arrives.
      await engine.trackingPlans.start();
    } catch (error) {
      await store.close();
      throw error;
    }
    return engine;
  }

  /**
   * The full sync of a warehouse destination (every profile) or an audience-file one (a full file
   * per subscribed audience): on creation, then whenever wanted; deliveries keep it up to date.
   */
  syncDestination(workspaceId: string, destinationId: string) {
    const deps: DestinationSyncDeps = {
      store: this.store,
      destinations: this.destinations,
      profiles: this.profiles,
      audiences: this.audiences,
      audienceFiles: this.audienceFiles,
      warehouseMaskOf: (id, destinationId) => this.pii.maskForDestination(id, destinationId),
      ...this.syncPolicy,
    };
    return syncDestination(deps, workspaceId, destinationId);
  }

  /** What a member holds that another could take over when they are removed (`not_found` if none). */
  memberHoldings(workspaceId: string, userId: string): Promise<MemberHoldings> {
    return memberHoldings(this.handOverDeps(), workspaceId, userId);
  }

  /** Who left the workspace still holding records, and what (by email then id). */
  formerMembersHoldings(workspaceId: string): Promise<FormerMember[]> {
    return formerMembersHoldings(this.handOverDeps(), workspaceId);
  }

  /**
   * Hands a former member's records to `handOverTo` (a current member, else `unprocessable`) as a
   * removal's hand-over would; `conflict` when `userId` is still a member. Answers what moved.
   */
  handOverFormerMember(
    actor: MemberActor,
    workspaceId: string,
    userId: string,
    handOverTo: string,
  ): Promise<MemberHoldings> {
    return handOverFormerMember(this.handOverDeps(), actor, { workspaceId, userId, handOverTo });
  }

  private handOverDeps(): MemberHandOverDeps {
    return {
      members: this.access.members,
      people: this.people,
      companies: this.companies,
      deals: this.deals,
      tasks: this.tasks,
      sequences: this.sequences,
      tickets: this.tickets,
      auditLog: this.auditLog,
      clock: this.clock,
    };
  }

  /** People as lists and sequences show them: name and email, by live profile id. */
  /** A person's owner (null when they have none, or the person is gone). */
  private async ownerOf(workspaceId: string, profileId: string): Promise<string | null> {
    return (await this.people.get(workspaceId, profileId).catch(() => undefined))?.ownerId ?? null;
  }

  /** The user if still a member of the workspace, else null: a task for someone gone is nobody's. */
  private async stillMember(workspaceId: string, userId: string | null | undefined): Promise<string | null> {
    if (!userId) return null;
    return (await this.access.members.roleOf(workspaceId, userId)) === undefined ? null : userId;
  }

  private async contactsOf(workspaceId: string, profileIds: readonly string[]) {
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
    const summaries = await this.profiles.summariesOf(workspaceId, profileIds);
    return new Map(
      summaries.map((s) => [
        s.id,
        {
          name: text(s.traits.name),
          email: text(s.traits.email) ?? s.identities.find((i) => i.type === 'email')?.value ?? null,
        },
      ]),
    );
  }

  /** Sequence email goes to the email domain's queue from now on. */
  sendSequenceEmailWith(queue: EmailQueue): void {
    this.sequenceEmailQueue = queue;
  }

  isReady(): Promise<boolean> {
    return isStoreReady(this.store);
  }

  /** Stops the pipeline, waits for pending event writes, then closes the store. */
  async close(): Promise<void> {
    await this.privacy.stop();
    await this.journeyTimers.stop();
    await this.journeyEffects.stop();
    await this.broadcasts.stop();
    await this.emailSender.close();
    await this.slaSweeper.stop();
    await this.predictionsWorker.stop();
    await this.predictions.whenAllIdle();
    await this.sequenceScheduler.stop();
    await this.mailChannel.stop();
    await this.satisfaction.whenIdle();
    this.surveySender?.close();
    await this.dispatcher.stop();
    await this.pipeline.stop();
    await this.analyticsStage.close();
    await this.imports.stop();
    await this.trackingPlans.stop();
    await this.collector.close();
    await this.log.close();
    await this.access.close();
    await this.store.close();
  }
}
