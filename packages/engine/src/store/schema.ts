import type { Generated } from 'kysely';

// The tables, one section per owning domain. Times are ISO 8601 UTC text on both engines so
// that they compare and sort the same way everywhere.

/** workspaces/ */
export interface WorkspacesTable {
  workspace_id: string;
  name: string;
  created_at: string;
}

/**
 * access/ — a user is a login that can belong to many workspaces, so `users` is the one table
 * without `workspace_id`; what a user may do lives in `memberships`, which is scoped.
 */
export interface UsersTable {
  user_id: string;
  email: string;
  password_hash: string | null;
  created_at: string;
}
export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: string;
}
export interface ApiTokensTable {
  workspace_id: string;
  token_id: string;
  /** The user the token acts for, when a user created it; null for machine tokens. */
  user_id: string | null;
  name: string;
  role: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  expires_at: string | null;
}
/** An invitation to a workspace: `pending` until accepted, `active` when the membership exists already. */
export interface InvitationsTable {
  workspace_id: string;
  invitation_id: string;
  user_id: string;
  role: string;
  invited_by: string | null;
  status: string;
  created_at: string;
  expires_at: string;
  answered_at: string | null;
}
/** One-time links sent by email (invitation, password reset), kept as hashes; scoped by user like `users`. */
export interface AccountLinksTable {
  link_hash: string;
  purpose: string;
  user_id: string;
  invitation_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
export interface SessionsTable {
  workspace_id: string;
  session_id: string;
  user_id: string;
  token_hash: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

/** sources/ */
export interface SourcesTable {
  workspace_id: string;
  source_id: string;
  name: string;
  write_key: string;
  /** `tracking`: written through the Tracking API; `internal`: written by Tandem only (audiences). */
  kind: Generated<string>;
  /** Browser-safe key of the personalization API (read-only). */
  publishable_key: string | null;
  created_at: string;
  deleted_at: string | null;
}

/** log/ — the append-only event log. `seq` orders the log within the store. */
export interface EventsTable {
  seq: Generated<number>;
  workspace_id: string;
  event_id: string;
  source_id: string;
  message_id: string;
  type: string;
  event: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  timestamp: string;
  original_timestamp: string | null;
  sent_at: string | null;
  received_at: string;
  payload: unknown;
}

/** insights/ — the analytics copy of the log (PostgreSQL only; embedded installs keep it in DuckDB). */
export interface AnalyticsEventsTable {
  workspace_id: string;
  seq: number;
  profile_id: string;
  type: string;
  event: string;
  timestamp: string;
  source_id: string;
  properties: unknown;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
}

/** insights/ — each person's current traits, computed traits and audiences (PostgreSQL only, like analytics_events). */
export interface AnalyticsPeopleTable {
  workspace_id: string;
  profile_id: string;
  traits: unknown;
  computed_traits: unknown;
  audiences: unknown;
  updated_at: string;
}

/** log/ — calls refused by collect/, kept for the source debugger (7 days). */
export interface RejectionsTable {
  seq: Generated<number>;
  workspace_id: string;
  source_id: string;
  code: string;
  message: string;
  payload: string;
  received_at: string;
}

/** pipeline/ — each stage's position in the log ((txid, seq) on PostgreSQL, seq on SQLite). */
export interface PipelineCheckpointsTable {
  stage: string;
  txid: number;
  seq: number;
  updated_at: string;
}

/** identity/ — resolution rules, the identifier graph, merges and their undoing. */
export interface IdentitySettingsTable {
  workspace_id: string;
  settings: unknown;
  updated_at: string;
}
export interface ProfilesTable {
  workspace_id: string;
  profile_id: string;
  /** Set once merged: the survivor this id now resolves to. */
  merged_into: string | null;
  event_count: number;
  created_at: string;
  updated_at: string;
}
export interface ProfileIdentifiersTable {
  workspace_id: string;
  value: string;
  type: string;
  profile_id: string;
  first_seen: string;
  last_seen: string;
}
export interface ProfileEventsTable {
  seq: number;
  workspace_id: string;
  profile_id: string;
  timestamp: string;
  event: string | null;
}
export interface ProfileMergesTable {
  workspace_id: string;
  merge_id: string;
  survivor_id: string;
  /** The profile merged into the survivor. */
  profile_id: string;
  event_id: string | null;
  identifiers: unknown;
  merged_at: string;
  undone_at: string | null;
}
export interface IdentitySeparationsTable {
  workspace_id: string;
  merge_id: string;
  type_a: string;
  value_a: string;
  type_b: string;
  value_b: string;
  created_at: string;
}
export interface IdentifierRejectionsTable {
  workspace_id: string;
  type: string;
  reason: string;
  count: number;
}

/** profiles/ — traits per profile, companies (Segment groups) and who belongs to them. */
export interface ProfileTraitsTable {
  workspace_id: string;
  profile_id: string;
  name: string;
  /** JSON text. */
  value: string;
  /** Lower-cased text of a scalar value, for search. */
  value_text: string | null;
  priority: number;
  set_at: string;
  message_id: string;
  first_seen: string;
  last_seen: string;
  previous_value: string | null;
}
export interface CompaniesTable {
  workspace_id: string;
  company_id: string;
  group_id: string;
  name: string;
  traits: unknown;
  traits_at: string;
  created_at: string;
  updated_at: string;
}
export interface CompanyMembersTable {
  workspace_id: string;
  profile_id: string;
  company_id: string;
  created_at: string;
}

/** imports/ — file imports and their progress. */
export interface ImportsTable {
  import_id: string;
  workspace_id: string;
  source_id: string;
  file_name: string;
  format: string;
  mapping: string;
  status: string;
  bytes_total: number;
  bytes_read: number;
  rows_read: number;
  rows_stored: number;
  rows_duplicate: number;
  rows_rejected: number;
  errors: string;
  failure: string | null;
  created_at: string;
  finished_at: string | null;
  /** What the rows become: a Segment call type, or `deal`; null for imports made before 0022. */
  type: string | null;
}

/** computed-traits/ — definitions and per-profile incremental state. */
export interface ComputedTraitsTable {
  workspace_id: string;
  trait_id: string;
  name: string;
  definition: string;
  created_at: string;
  updated_at: string;
}
export interface ComputedTraitValuesTable {
  workspace_id: string;
  trait_id: string;
  profile_id: string;
  /** JSON text: the partial aggregates, per time bucket when windowed. */
  state: string;
  /** JSON text of the current value. */
  value: string;
  expires_at: string | null;
  /** 1 while a change made by time alone waits for the delivery stage (no event carries it). */
  time_changed: Generated<number>;
  /** 1 while such a change waits for the analytics copy's people rows. */
  analytics_time_changed: Generated<number>;
}

/** audiences/ — definitions, memberships, the scheduler's due times, the internal source. */
export interface AudiencesTable {
  workspace_id: string;
  audience_id: string;
  name: string;
  rule: string;
  /** A consent purpose members must have granted (null: none required). */
  required_purpose: string | null;
  created_at: string;
  updated_at: string;
}
export interface AudienceMembersTable {
  workspace_id: string;
  audience_id: string;
  profile_id: string;
  entered_at: string;
  exited_at: string | null;
}
export interface AudienceSweepsTable {
  workspace_id: string;
  audience_id: string;
  swept_to: string;
}
export interface AudienceSettingsTable {
  workspace_id: string;
  source_id: string;
}

/** audience-files/ — files of `audience-file` destinations and their lines. */
export interface AudienceFilesTable {
  workspace_id: string;
  file_id: string;
  destination_id: string;
  audience_id: string;
  audience_name: string;
  /** `full`, `additions` or `removals`. */
  kind: string;
  format: string;
  /** `full` files: their creation time; additions / removals: the UTC hour they collect. */
  bucket: string;
  /** The file on disk when the destination has a directory; null: lines kept in the store. */
  path: string | null;
  row_count: number;
  created_at: string;
  updated_at: string;
}
export interface AudienceFileRowsTable {
  workspace_id: string;
  file_id: string;
  /** The delivery id (additions / removals) or the profile id (full files): a retry adds nothing. */
  row_key: string;
  profile_id: string;
  line: string;
}
/** destinations/ — destinations, the delivery outbox and log, trait values last delivered on. */
export interface DestinationsTable {
  workspace_id: string;
  destination_id: string;
  name: string;
  type: string;
  config: string;
  secrets: string | null;
  purposes: string;
  subscriptions: string;
  enabled: number;
  limits: string;
  created_at: string;
  updated_at: string;
}
export interface DeliveriesTable {
  workspace_id: string;
  delivery_id: string;
  destination_id: string;
  profile_id: string;
  type: string;
  ord: number | string;
  body: string;
  mapping: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  last_status: number | null;
  latency_ms: number | null;
  occurred_at: string;
  created_at: string;
  next_attempt_at: string | null;
  delivered_at: string | null;
  lease_until: string | null;
}
export interface DeliveryTraitValuesTable {
  workspace_id: string;
  profile_id: string;
  trait_id: string;
  value: string;
}
/** destinations/ — deletion notices sent to destinations that received an erased person. */
/** predictions/ — settings, the latest fitted models, each person's predictions. */
export interface PredictionSettingsTable {
  workspace_id: string;
  enabled: number;
  order_event: string;
  value_property: string | null;
  time_unit: string;
  refresh_hours: number;
  updated_at: string;
}
export interface PredictionModelsTable {
  workspace_id: string;
  status: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  fitted_at: string | null;
  /** JSON text: fits, lead score model, distributions. */
  models: string | null;
}
export interface PersonPredictionsTable {
  workspace_id: string;
  profile_id: string;
  /** JSON text of the person's PersonPredictions. */
  predictions: string;
  /** JSON text of the `predicted_*` traits last written to the profile. */
  published: string;
  computed_at: string;
}
export interface DestinationDeletionNoticesTable {
  workspace_id: string;
  notice_id: string;
  destination_id: string;
  /** Keyed hash of the person's profile ids: the notices of one erasure, without the person. */
  person_key: string;
  /** `confirmed`, `failed` or `not_supported`. */
  status: string;
  /** What the destination answered (a status, an error), or why no notice could be sent. */
  answer: string;
  sent_at: string;
  answered_at: string | null;
}
/** consent/ — purposes, the workspace default, decisions (history) and current states. */
export interface ConsentSettingsTable {
  workspace_id: string;
  default_mode: string;
  updated_at: string;
}
export interface ConsentPurposesTable {
  workspace_id: string;
  purpose_key: string;
  label: string;
  description: string;
  default_mode: string | null;
  /** JSON text: other category names (a consent manager's) that mean this purpose. */
  aliases: string;
  position: number;
  created_at: string;
  updated_at: string;
}
export interface ConsentDecisionsTable {
  workspace_id: string;
  decision_id: string;
  profile_id: string;
  origin_profile_id: string;
  category: string;
  purpose: string | null;
  granted: number;
  decided_at: string;
  recorded_at: string;
  source_kind: string;
  source_id: string | null;
  principal: string | null;
  event_id: string | null;
  seq: number | null;
  note: string | null;
  /** Proof: where the decision came from (an event's context, a preference page's request). */
  ip: string | null;
  user_agent: string | null;
  /** Proof: the text the person was shown, and its version (the purpose's last edit). */
  wording: string | null;
  wording_version: string | null;
}
export interface ConsentStatesTable {
  workspace_id: string;
  profile_id: string;
  purpose: string;
  granted: number;
  decided_at: string;
}
/** Effective consent flips waiting for the delivery stage (taken and deleted with its batches). */
export interface ConsentChangesTable {
  workspace_id: string;
  profile_id: string;
  purpose: string;
  /** What turned it: an event's id, an API decision's id, `merge:<merged profile id>`. */
  change_key: string;
  /** The effective state after the flip: 1 granted, 0 refused. */
  granted: number;
  decided_at: string;
  recorded_at: string;
}
/** personalization/ — what each workspace exposes to the browser. */
export interface PersonalizationSettingsTable {
  workspace_id: string;
  /** JSON text. */
  settings: string;
  updated_at: string;
}

/** webhook-sources/ — inbound webhooks and the JSONata mapping of their payloads. */
export interface WebhookSourcesTable {
  workspace_id: string;
  source_id: string;
  token: string;
  preset: string | null;
  mapping: string;
  signature: string | null;
  signing_secret: string | null;
  created_at: string;
  updated_at: string;
}

/** crm/ — CRM settings (its internal source) and the audit trail of CRM writes. */
export interface CrmSettingsTable {
  workspace_id: string;
  source_id: string;
  /** JSON text. */
  settings: string;
  updated_at: string;
}
export interface CrmAuditTable {
  workspace_id: string;
  audit_id: string;
  /** The user or token that made the change; null: Tandem itself (an assignment rule, a merge). */
  actor_id: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  /** The person the entry is about, when it is about one (for export and erasure). */
  profile_id: string | null;
  /** JSON text of the record before and after; null on create / delete. */
  before: string | null;
  after: string | null;
  at: string;
}

/** lead-scoring/ — rules, current scores, their history. */
export interface LeadScoringRulesTable {
  workspace_id: string;
  /** JSON text: the LeadScoringSettings as saved. */
  settings: string;
  version: number;
  /** The last profile id the rescore reached ('' = not started); null: none pending. */
  rescore_after: string | null;
  rescored: number;
  updated_at: string;
}
export interface LeadScoresTable {
  workspace_id: string;
  profile_id: string;
  total: number;
  fit: number;
  engagement: number;
  /** JSON text: the contributions per rule. */
  breakdown: string;
  scored_at: string;
  due_at: string | null;
  history_length: number;
  last_change_id: string | null;
  last_reason: string | null;
}
export interface LeadScoreHistoryTable {
  workspace_id: string;
  change_id: string;
  profile_id: string;
  at: string;
  reason: string;
  total: number;
  fit: number;
  engagement: number;
  previous_total: number;
  /** JSON text: the rules whose points changed. */
  changes: string;
}
/** crm/people — a person's CRM record (JSON text: tags, fields), kept under its profile id. */
export interface CrmPeopleTable {
  workspace_id: string;
  profile_id: string;
  owner_id: string | null;
  lifecycle_stage: string | null;
  lead_status: string | null;
  tags: string;
  fields: string;
  /** JSON list of merged-away profile ids whose records this one folded in when last written. */
  absorbed: string;
  created_at: string;
  updated_at: string;
}
/** crm/activities — notes, calls, emails and meetings about a person, company or deal. */
export interface CrmActivitiesTable {
  workspace_id: string;
  activity_id: string;
  kind: string;
  profile_id: string | null;
  company_id: string | null;
  deal_id: string | null;
  body: string;
  actor_id: string | null;
  occurred_at: string;
  created_at: string;
}
/** crm/tasks — to-dos with an assignee and a due date. */
export interface CrmTasksTable {
  workspace_id: string;
  task_id: string;
  title: string;
  notes: string;
  status: string;
  priority: string;
  due_at: string;
  reminder_at: string | null;
  assignee_id: string | null;
  profile_id: string | null;
  company_id: string | null;
  deal_id: string | null;
  created_by: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}
/** crm/custom-fields — definitions of custom fields (options: JSON text; required: 0 / 1). */
export interface CrmCustomFieldsTable {
  workspace_id: string;
  field_id: string;
  entity: string;
  key: string;
  label: string;
  type: string;
  options: string;
  required: number;
  created_at: string;
  updated_at: string;
}
/** crm/companies — the CRM side of a company (the company itself is profiles' `companies`). */
export interface CrmCompaniesTable {
  workspace_id: string;
  company_id: string;
  owner_id: string | null;
  fields: string;
  /** Set once merged by hand: the company this one now resolves to. */
  merged_into: string | null;
  updated_at: string;
}
export interface CrmCompanyDomainsTable {
  workspace_id: string;
  domain: string;
  company_id: string;
}
/** crm/assignment — teams leads are handed out in (rules: JSON text). */
export interface CrmTeamsTable {
  workspace_id: string;
  team_id: string;
  name: string;
  strategy: string;
  rules: string;
  next_position: number;
  created_at: string;
  updated_at: string;
}
export interface CrmTeamMembersTable {
  workspace_id: string;
  team_id: string;
  user_id: string;
  position: number;
  /** 0 / 1: an away member is skipped by round robin. */
  away: number;
  capacity: number | null;
}
/** crm/ — pipelines and their stages, deals, the people on them, each deal's stays in stages. */
export interface CrmPipelinesTable {
  workspace_id: string;
  pipeline_id: string;
  name: string;
  created_at: string;
  updated_at: string;
}
export interface CrmStagesTable {
  workspace_id: string;
  stage_id: string;
  pipeline_id: string;
  name: string;
  /** Percent, 0 to 100. */
  probability: number;
  position: number;
}
export interface CrmDealsTable {
  workspace_id: string;
  deal_id: string;
  name: string;
  amount: number;
  currency: string;
  pipeline_id: string;
  stage_id: string;
  /** open | won | lost */
  status: string;
  lost_reason: string | null;
  company_id: string | null;
  owner_id: string | null;
  /** YYYY-MM-DD */
  close_date: string | null;
  /** JSON text of the custom field values. */
  fields: string;
  stage_entered_at: string;
  closed_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}
export interface CrmDealPeopleTable {
  workspace_id: string;
  deal_id: string;
  profile_id: string;
  role: string;
  added_at: string;
}
/** The key a deal import named a deal by (its `externalId` column): re-imports update that deal. */
export interface CrmDealExternalIdsTable {
  workspace_id: string;
  external_id: string;
  deal_id: string;
}
export interface CrmDealStageHistoryTable {
  workspace_id: string;
  change_id: string;
  deal_id: string;
  pipeline_id: string;
  stage_id: string;
  from_stage_id: string | null;
  entered_at: string;
  entered_by: string | null;
  left_at: string | null;
  left_by: string | null;
}

/** email/ — a template: MJML with Liquid in subject, body and text part. */
export interface EmailTemplatesTable {
  workspace_id: string;
  template_id: string;
  name: string;
  subject: string;
  mjml: string;
  text_part: string | null;
  category: string;
  topic_id: string | null;
  from_name: string | null;
  from_address: string | null;
  reply_to: string | null;
  created_at: string;
  updated_at: string;
}

/** email/ — one email to one person: queued by a journey, broadcast or sequence, then sent. */
export interface EmailMessagesTable {
  workspace_id: string;
  message_id: string;
  /** The person (privacy export / deletion); a merged-away id is resolved to the survivor at send. */
  profile_id: string;
  template_id: string;
  origin_kind: string;
  origin_id: string;
  origin_step: string | null;
  origin_run: string | null;
  /** Overrides the template's category when set. */
  category: string | null;
  topic_id: string | null;
  /** queued | sending | sent | skipped | failed | bounced | cancelled */
  status: string;
  to_address: string | null;
  subject: string | null;
  not_before: string;
  next_attempt_at: string;
  attempts: number;
  /** The triggering event (JSON), the template's `event`. */
  event: string | null;
  /** Extra headers (JSON). */
  headers: string | null;
  /** wait | skip */
  over_cap: string;
  error: string | null;
  relay_response: string | null;
  sent_at: string | null;
  /** "Delivered": the relay accepted the message. */
  delivered_at: string | null;
  bounced_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
  unsubscribed_at: string | null;
  /** 1 when the first open was a machine's (mail proxy, scanner). */
  machine_open: number | null;
  created_at: string;
  updated_at: string;
}
/**
 * email/ — a person's marketing email decided and not yet recorded (one per live profile), so
 * that sending processes sharing the store check the frequency cap one at a time.
 */
export interface EmailMarketingSlotsTable {
  workspace_id: string;
  profile_id: string;
  message_id: string;
  /** When a holder that never settled (a killed process) stops blocking the person. */
  expires_at: string;
}

/** broadcasts/ — one template to an audience's members, at a time, throttled. */
export interface BroadcastsTable {
  workspace_id: string;
  broadcast_id: string;
  name: string;
  template_id: string;
  audience_id: string;
  status: string;
  send_at: string | null;
  per_minute: number | null;
  recipients: number;
  cursor: string | null;
  queued_at: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** email/ — a workspace's sending settings. */
export interface EmailSettingsTable {
  workspace_id: string;
  from_address: string | null;
  from_name: string | null;
  per_second: number | null;
  per_hour: number | null;
  updated_at: string;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  account_links: AccountLinksTable;
  sources: SourcesTable;
  events: EventsTable;
  analytics_events: AnalyticsEventsTable;
  analytics_people: AnalyticsPeopleTable;
  rejections: RejectionsTable;
  imports: ImportsTable;
  pipeline_checkpoints: PipelineCheckpointsTable;
  identity_settings: IdentitySettingsTable;
  profiles: ProfilesTable;
  profile_identifiers: ProfileIdentifiersTable;
  profile_events: ProfileEventsTable;
  profile_merges: ProfileMergesTable;
  identity_separations: IdentitySeparationsTable;
  identifier_rejections: IdentifierRejectionsTable;
  profile_traits: ProfileTraitsTable;
  companies: CompaniesTable;
  company_members: CompanyMembersTable;
  computed_traits: ComputedTraitsTable;
  computed_trait_values: ComputedTraitValuesTable;
  audiences: AudiencesTable;
  audience_members: AudienceMembersTable;
  audience_sweeps: AudienceSweepsTable;
  audience_settings: AudienceSettingsTable;
  audience_files: AudienceFilesTable;
  audience_file_rows: AudienceFileRowsTable;
  destination_deletion_notices: DestinationDeletionNoticesTable;
  prediction_settings: PredictionSettingsTable;
  prediction_models: PredictionModelsTable;
  person_predictions: PersonPredictionsTable;
  destinations: DestinationsTable;
  deliveries: DeliveriesTable;
  delivery_trait_values: DeliveryTraitValuesTable;
  consent_settings: ConsentSettingsTable;
  consent_purposes: ConsentPurposesTable;
  consent_decisions: ConsentDecisionsTable;
  consent_states: ConsentStatesTable;
  consent_changes: ConsentChangesTable;
  personalization_settings: PersonalizationSettingsTable;
  webhook_sources: WebhookSourcesTable;
  crm_settings: CrmSettingsTable;
  crm_audit: CrmAuditTable;
  lead_scoring_rules: LeadScoringRulesTable;
  lead_scores: LeadScoresTable;
  lead_score_history: LeadScoreHistoryTable;
  saved_views: SavedViewsTable;
  saved_insights: SavedInsightsTable;
  dashboards: DashboardsTable;
  dashboard_tiles: DashboardTilesTable;
  crm_people: CrmPeopleTable;
  crm_activities: CrmActivitiesTable;
  crm_tasks: CrmTasksTable;
  crm_custom_fields: CrmCustomFieldsTable;
  crm_companies: CrmCompaniesTable;
  crm_company_domains: CrmCompanyDomainsTable;
  crm_teams: CrmTeamsTable;
  crm_team_members: CrmTeamMembersTable;
  crm_pipelines: CrmPipelinesTable;
  crm_stages: CrmStagesTable;
  crm_deals: CrmDealsTable;
  crm_deal_people: CrmDealPeopleTable;
  crm_deal_stage_history: CrmDealStageHistoryTable;
  crm_deal_external_ids: CrmDealExternalIdsTable;
  business_calendars: BusinessCalendarsTable;
  sla_policies: SlaPoliciesTable;
  sla_clocks: SlaClocksTable;
  mailboxes: MailboxesTable;
  ticket_emails: TicketEmailsTable;
  ticket_counters: TicketCountersTable;
  tickets: TicketsTable;
  ticket_messages: TicketMessagesTable;
  ticket_attachments: TicketAttachmentsTable;
  ticket_tags: TicketTagsTable;
  ticket_deals: TicketDealsTable;
  ticket_status_changes: TicketStatusChangesTable;
  ticket_canned_replies: TicketCannedRepliesTable;
  csat_surveys: CsatSurveysTable;
  csat_skipped_tickets: CsatSkippedTicketsTable;
  web_forms: WebFormsTable;
  help_sites: HelpSitesTable;
  email_topics: EmailTopicsTable;
  email_subscription_changes: EmailSubscriptionChangesTable;
  email_suppressions: EmailSuppressionsTable;
  email_preference_settings: EmailPreferenceSettingsTable;
  email_sends: EmailSendsTable;
  email_tracking_keys: EmailTrackingKeysTable;
  email_engagements: EmailEngagementsTable;
  help_categories: HelpCategoriesTable;
  help_articles: HelpArticlesTable;
  help_portal_tokens: HelpPortalTokensTable;
  help_articles_fts: HelpArticlesFtsTable;
  static_lists: StaticListsTable;
  static_list_members: StaticListMembersTable;
  sequences: SequencesTable;
  sequence_enrollments: SequenceEnrollmentsTable;
  sequence_step_runs: SequenceStepRunsTable;
  pii_settings: PiiSettingsTable;
  tracking_plans: TrackingPlansTable;
  tracking_plan_violations: TrackingPlanViolationsTable;
  journeys: JourneysTable;
  journey_versions: JourneyVersionsTable;
  journey_runs: JourneyRunsTable;
  journey_timers: JourneyTimersTable;
  journey_run_steps: JourneyRunStepsTable;
  journey_effects: JourneyEffectsTable;
  email_templates: EmailTemplatesTable;
  email_messages: EmailMessagesTable;
  email_marketing_slots: EmailMarketingSlotsTable;
  broadcasts: BroadcastsTable;
  email_settings: EmailSettingsTable;
  privacy_keys: PrivacyKeysTable;
  privacy_requests: PrivacyRequestsTable;
  privacy_suppressions: PrivacySuppressionsTable;
  privacy_exports: PrivacyExportsTable;
  audit_entries: AuditEntriesTable;
  audit_contents: AuditContentsTable;
  audit_heads: AuditHeadsTable;
  retention_policies: RetentionPoliciesTable;
  retention_runs: RetentionRunsTable;
}

/** privacy/ — requests, suppressed identifiers (keyed hashes) and time-limited exports. */
export interface PrivacyKeysTable {
  workspace_id: string;
  sealed_key: string;
  created_at: string;
}
export interface PrivacyRequestsTable {
  workspace_id: string;
  request_id: string;
  type: string;
  identifier_type: string;
  identifier_hash: string;
  sealed_identifier: string | null;
  status: string;
  /** JSON text (PrivacyReport). */
  report: string;
  requested_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
}
export interface PrivacySuppressionsTable {
  workspace_id: string;
  identifier_hash: string;
  identifier_type: string;
  request_id: string;
  created_at: string;
}
export interface PrivacyExportsTable {
  workspace_id: string;
  request_id: string;
  profile_id: string;
  token_hash: string;
  document: string;
  summary_html: string;
  created_at: string;
  expires_at: string;
}

/** journeys/ — drafts, published versions, runs, durable timers, paths, outside effects. */
export interface JourneysTable {
  workspace_id: string;
  journey_id: string;
  name: string;
  status: string;
  draft: string;
  version: number;
  entry_kind: string | null;
  entry_event: string | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  swept_at: string | null;
}
export interface JourneyVersionsTable {
  workspace_id: string;
  journey_id: string;
  version: number;
  definition: string;
  published_at: string;
}
export interface JourneyRunsTable {
  workspace_id: string;
  run_id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  step_id: string | null;
  status: string;
  holdout: number;
  waiting_for: string | null;
  trigger: string | null;
  path_length: number;
  entered_at: string;
  ended_at: string | null;
}
export interface JourneyTimersTable {
  workspace_id: string;
  run_id: string;
  journey_id: string;
  step_id: string;
  kind: string;
  due_at: number | string;
}
export interface JourneyRunStepsTable {
  workspace_id: string;
  run_id: string;
  seq: number;
  journey_id: string;
  profile_id: string;
  step_id: string;
  kind: string;
  outcome: string;
  at: string;
}
export interface JourneyEffectsTable {
  workspace_id: string;
  run_id: string;
  step_id: string;
  profile_id: string;
  kind: string;
  payload: string;
  status: string;
  result: string | null;
  created_at: string;
}

export interface SavedViewsTable {
  workspace_id: string;
  view_id: string;
  /** The user who saved it; only they edit it, and only they see it unless `shared`. */
  owner_id: string;
  entity: string;
  name: string;
  /** JSON text: the view's filters, sort and columns. */
  definition: string;
  shared: number;
  created_at: string;
  updated_at: string;
}

/** saved-insights — a named insight query and how it is drawn (no personal data). */
export interface SavedInsightsTable {
  workspace_id: string;
  insight_id: string;
  name: string;
  description: string;
  /** JSON text: the InsightQuery. */
  query: string;
  chart: string;
  range: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** saved-insights — a dashboard: a named grid of saved insights. */
export interface DashboardsTable {
  workspace_id: string;
  dashboard_id: string;
  name: string;
  description: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** saved-insights — one saved insight on a dashboard, its width in columns and its place. */
export interface DashboardTilesTable {
  workspace_id: string;
  tile_id: string;
  dashboard_id: string;
  insight_id: string;
  width: number;
  position: number;
}

/** service-desk/sla — business calendars (JSON text: weekly blocks, holidays). */
export interface BusinessCalendarsTable {
  workspace_id: string;
  calendar_id: string;
  name: string;
  time_zone: string;
  weekly: string;
  holidays: string;
  created_at: string;
  updated_at: string;
}
/** service-desk/sla — SLA policies, tried by position (JSON text: conditions, targets). */
export interface SlaPoliciesTable {
  workspace_id: string;
  policy_id: string;
  name: string;
  position: number;
  enabled: number;
  conditions: string;
  hours: string;
  calendar_id: string | null;
  targets: string;
  at_risk_percent: number;
  created_at: string;
  updated_at: string;
}
/** service-desk/sla — each ticket's SLA clock (JSON text: state, breached, notified). */
export interface SlaClocksTable {
  workspace_id: string;
  ticket_id: string;
  profile_id: string;
  policy_id: string | null;
  state: string;
  breached: string;
  notified: string;
  at_risk: number;
  next_check_at: string | null;
  attention_at: string | null;
  updated_at: string;
}
/** service-desk/email/ — an address whose mail opens tickets (for a team, when set). */
export interface MailboxesTable {
  workspace_id: string;
  mailbox_id: string;
  /** Lower-cased; unique across workspaces (mail is routed by address alone). */
  address: string;
  name: string;
  team_id: string | null;
  created_at: string;
}
/**
 * service-desk/email/ — one email in or out of a ticket. Inbound mail that joined no ticket
 * (auto-replies, bounces) is kept with `ticket_id` null and status `ignored`.
 */
export interface TicketEmailsTable {
  workspace_id: string;
  email_id: string;
  mailbox_id: string | null;
  ticket_id: string | null;
  ticket_message_id: string | null;
  /** The RFC 5322 Message-ID, angle brackets included. */
  rfc_message_id: string;
  direction: 'inbound' | 'outbound';
  /** The ticket's token in its plus address (`support+t_<token>@…`); the same on all its rows. */
  reply_token: string | null;
  /** inbound: received | ignored; outbound: queued | sent | failed. */
  status: string;
  error: string | null;
  attempts: number;
  next_attempt_at: string | null;
  /** Outbound: JSON of the message to send (kept until sent so retries survive a restart). */
  payload: string | null;
  created_at: string;
  updated_at: string;
}
export interface TicketCountersTable {
  workspace_id: string;
  last_number: number;
}
export interface TicketsTable {
  workspace_id: string;
  ticket_id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
  type: string | null;
  profile_id: string;
  requester_email: string | null;
  company_id: string | null;
  assignee_id: string | null;
  team_id: string | null;
  /** JSON text of the tags. */
  tags: string;
  /** JSON text of the custom field values. */
  fields: string;
  /** JSON text of the CC'd addresses. */
  cc: string;
  channel: string;
  mailbox_id: string | null;
  merged_into: string | null;
  first_response_at: string | null;
  solved_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}
export interface TicketMessagesTable {
  workspace_id: string;
  message_id: string;
  ticket_id: string;
  public: number;
  author_type: string;
  author_id: string | null;
  author_email: string | null;
  channel: string;
  body: string;
  html: string | null;
  created_at: string;
}
export interface TicketAttachmentsTable {
  workspace_id: string;
  attachment_id: string;
  ticket_id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size: number;
  /** The bytes, base64. */
  content: string;
}
export interface TicketTagsTable {
  workspace_id: string;
  ticket_id: string;
  tag: string;
}
export interface TicketDealsTable {
  workspace_id: string;
  ticket_id: string;
  deal_id: string;
  linked_at: string;
}
export interface TicketStatusChangesTable {
  workspace_id: string;
  change_id: string;
  ticket_id: string;
  status: string;
  actor_id: string | null;
  at: string;
}
export interface TicketCannedRepliesTable {
  workspace_id: string;
  canned_reply_id: string;
  name: string;
  body: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** service-desk/satisfaction/ — the survey sent when a ticket is solved, and its answer. */
export interface CsatSurveysTable {
  workspace_id: string;
  survey_id: string;
  /** Unguessable; the public survey page's key. */
  token: string;
  ticket_id: string;
  ticket_number: number;
  subject: string;
  profile_id: string;
  email: string;
  /** The ticket's agent and team when it was solved (what the report groups by). */
  assignee_id: string | null;
  team_id: string | null;
  solved_at: string;
  /** sent | failed */
  delivery: string;
  delivery_error: string | null;
  score: number | null;
  comment: string | null;
  answered_at: string | null;
  created_at: string;
}
/** service-desk/satisfaction/ — tickets whose requester gets no survey. */
export interface CsatSkippedTicketsTable {
  workspace_id: string;
  ticket_id: string;
  created_at: string;
}
/** service-desk/web-form/ — a website form that opens tickets. */
export interface WebFormsTable {
  workspace_id: string;
  form_id: string;
  /** Public: the snippet and the website's posts name it. */
  form_key: string;
  name: string;
  team_id: string | null;
  /** Signs the form's fill-time stamps. */
  secret: string;
  created_at: string;
}
/** service-desk/help-center/ — the public key of a workspace's help center. */
export interface HelpSitesTable {
  workspace_id: string;
  site_key: string;
  created_at: string;
}

export interface HelpCategoriesTable {
  workspace_id: string;
  category_id: string;
  name: string;
  description: string;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface HelpArticlesTable {
  workspace_id: string;
  article_id: string;
  title: string;
  slug: string;
  body: string;
  category_id: string | null;
  status: string;
  visibility: string;
  /** Title and body as words: lower-cased, accents and punctuation removed (what search indexes). */
  search_text: string;
  updated_by: string | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
}

/** A portal sign-in link (`link`) or session (`session`), by the SHA-256 of its secret. */
export interface HelpPortalTokensTable {
  token_hash: string;
  workspace_id: string;
  email: string;
  kind: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** SQLite only: the FTS5 index of help_articles.search_text (PostgreSQL indexes a tsvector). */
export interface HelpArticlesFtsTable {
  workspace_id: string;
  article_id: string;
  content: string;
}

/** email-preferences/ — a subscription topic of marketing email. */
export interface EmailTopicsTable {
  workspace_id: string;
  topic_id: string;
  name: string;
  description: string;
  /** 1: opt-out topic (subscribed until they say no); 0: opt-in. */
  default_subscribed: number;
  created_at: string;
  updated_at: string;
}
/** email-preferences/ — a person's subscription decision; the latest per topic counts. */
export interface EmailSubscriptionChangesTable {
  workspace_id: string;
  change_id: string;
  profile_id: string;
  /** A topic id, or `*` for all marketing email. */
  topic_id: string;
  subscribed: number;
  source: string;
  /** The email whose link made the change, if any. */
  message_id: string | null;
  at: string;
}
/** email-preferences/ — an address that gets no email (normalized, lower-case). */
export interface EmailSuppressionsTable {
  workspace_id: string;
  address: string;
  /** hard_bounce | complaint | manual */
  reason: string;
  note: string;
  profile_id: string | null;
  created_at: string;
}
/** email-preferences/ — a workspace's frequency cap (JSON `{enabled, max, period}`). */
export interface EmailPreferenceSettingsTable {
  workspace_id: string;
  frequency_cap: string;
  updated_at: string;
}
/** email-preferences/ — every email sent (what the cap counts, what a bounce is matched to). */
export interface EmailSendsTable {
  workspace_id: string;
  message_id: string;
  profile_id: string;
  address: string;
  category: string;
  sent_at: string;
}
/** email-engagement/ — the key signing a workspace's tracking and unsubscribe tokens. */
export interface EmailTrackingKeysTable {
  workspace_id: string;
  tracking_key: string;
  created_at: string;
}
/** email-engagement/ — an open, click, bounce or complaint of one email (machine ones flagged). */
export interface EmailEngagementsTable {
  workspace_id: string;
  engagement_id: string;
  message_id: string;
  profile_id: string;
  /** opened | clicked | bounced | complained | unsubscribed */
  kind: string;
  link_index: number | null;
  url: string | null;
  machine: number;
  machine_reason: string | null;
  user_agent: string | null;
  at: string;
}
/** lists/ — static lists and their members (rows keep the profile id they were added under). */
export interface StaticListsTable {
  workspace_id: string;
  list_id: string;
  name: string;
  description: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}
export interface StaticListMembersTable {
  workspace_id: string;
  list_id: string;
  profile_id: string;
  added_by: string | null;
  added_at: string;
}

/** sequences/ — sales sequences (JSON text: steps, settings), enrollments, the steps they ran. */
export interface SequencesTable {
  workspace_id: string;
  sequence_id: string;
  name: string;
  description: string;
  steps: string;
  settings: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}
export interface SequenceEnrollmentsTable {
  workspace_id: string;
  enrollment_id: string;
  sequence_id: string;
  profile_id: string;
  email: string | null;
  owner_id: string | null;
  /** active | finished | stopped */
  status: string;
  stop_reason: string | null;
  current_step: number;
  next_at: string | null;
  reply_token: string;
  replied_at: string | null;
  enrolled_by: string | null;
  enrolled_at: string;
  ended_at: string | null;
}
export interface SequenceStepRunsTable {
  workspace_id: string;
  enrollment_id: string;
  step_index: number;
  sequence_id: string;
  step_id: string;
  kind: string;
  profile_id: string;
  /** done | pending | skipped */
  status: string;
  output_id: string | null;
  ran_at: string;
}
/** pii/ — a workspace's personal fields, role allowlists and unmasked destinations (JSON arrays / map). */
export interface PiiSettingsTable {
  workspace_id: string;
  personal_fields: string;
  role_allowlists: string;
  unmasked_destinations: string;
  updated_at: string;
}
export interface TrackingPlansTable {
  workspace_id: string;
  source_id: string;
  /** report | block_unplanned_events | omit_unplanned_properties */
  mode: string;
  forward_violations: number;
  /** JSON: PlannedEvent[] */
  events: string;
  /** JSON: {schema} or null */
  identify: string | null;
  version: number;
  updated_by: string | null;
  updated_at: string;
}
export interface TrackingPlanViolationsTable {
  workspace_id: string;
  source_id: string;
  call_type: string;
  event_name: string;
  violation_type: string;
  count: number | string | bigint;
  first_seen_at: string;
  last_seen_at: string;
  /** JSON: ViolationSample[], newest first */
  samples: string;
}

/** audit-log/ — the hash-chained entries (no personal data), their contents, each chain's head. */
export interface AuditEntriesTable {
  workspace_id: string;
  seq: number;
  entry_id: string;
  at: string;
  actor_kind: string;
  actor_id: string;
  action: string;
  method: string;
  route: string;
  status: number;
  content_digest: string;
  prev_hash: string;
  hash: string;
}
export interface AuditContentsTable {
  workspace_id: string;
  seq: number;
  profile_id: string | null;
  content: string | null;
  erased_at: string | null;
}
export interface AuditHeadsTable {
  workspace_id: string;
  seq: number;
  hash: string;
  anchor_seq: number;
  anchor_hash: string;
  updated_at: string;
}

/** retention/ — policies (days, by kind and event name) and the report of each run. */
export interface RetentionPoliciesTable {
  workspace_id: string;
  kind: string;
  event_name: string;
  days: number;
  updated_at: string;
}
export interface RetentionRunsTable {
  workspace_id: string;
  run_id: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  removed: string;
  error: string | null;
}
