import type {
  ErrorDetail,
  PersonPredictions,
  PredictionFit,
  PredictionFitRequest,
  PredictionRun,
  PredictionSettings,
  PredictionsOverview,
} from '@tandem/contract';
import type { Result } from '../errors/index.js';
import {
  eventCountsSince,
  eventNamesOf,
  profilesWithEventNamed,
  valuedEventsNamed,
} from '../identity/index.js';
import { WorkspaceRuns } from '../runs/index.js';
import { fromJson, nowIso, type Store, toJson } from '../store/index.js';
import { fitBgNbd } from './bgnbd.js';
import { distributionsOf, fitModels, predictCustomers } from './customer-predictions.js';
import { fitGammaGamma } from './gamma-gamma.js';
import {
  type DealOutcome,
  type FeatureValues,
  leadScoreOf,
  numericFeatures,
  trainLeadScore,
} from './lead-score-model.js';
import {
  type PublishTraitsWithin,
  publishedTraitsOf,
  storePersonPredictions,
} from './person-predictions-store.js';
import { predictionSettingsOf, savePredictionSettings, workspacesPredicting } from './prediction-settings.js';
import { type CustomerSummary, summarizePurchases } from './purchase-summary.js';

export interface PredictionsOptions {
  readonly clock?: (() => number) | undefined;
  /** A profile's traits and computed-trait values (the lead score's features), wired by the engine. */
  readonly profileFeatures?:
    | ((
        workspaceId: string,
        profileId: string,
      ) => Promise<{
        traits: Record<string, unknown>;
        computed: Record<string, unknown>;
      }>)
    | undefined;
  /**
   * Where the orders are read (wired by the engine: the analytics copy, one columnar scan);
   * default the log and identity's index, page by page.
   */
  readonly ordersOf?:
    | ((
        workspaceId: string,
        options: { event: string; valueProperty?: string | undefined; until?: string | undefined },
      ) => Promise<readonly { profileId: string; timestamp: string; value: number }[]>)
    | undefined;
  /** Writes `predicted_*` traits to a profile through the log, in the caller's transaction (wired by the engine). */
  readonly publishTraitsWithin?: PublishTraitsWithin | undefined;
}

/** Most people scored by the lead score in one refresh besides those in closed deals (engaged first, then customers). */
const MAX_ENGAGED_SCORED = 5000;
const DAY_MS = 86_400_000;
/** The CRM's deal events record the very outcome the lead score predicts: never features. */
const OUTCOME_EVENT = /^Deal /;

/**
 * Predictions per workspace: fits BG/NBD and Gamma-Gamma on its orders, scores every customer
 * (purchases ahead, P(alive), spend, CLV, churn risk, RFM) and trains the predictive lead score
 * on closed deals; keeps the result per person and publishes it as `predicted_*` traits.
 */
export class PredictionsService {
  private readonly clock: () => number;
  private outcomesOf: (workspaceId: string) => Promise<readonly DealOutcome[]> = async () => [];
  /** Refreshes in progress in this process, by workspace: a second "refresh now" joins the first. */
  private readonly inProgress = new WorkspaceRuns<PredictionRun, PredictionRun['trigger']>({
    recordStart: (workspaceId, trigger) => this.recordStart(workspaceId, trigger),
    apply: (workspaceId, started) => this.apply(workspaceId, started),
  });

  constructor(
    private readonly store: Store,
    private readonly options: PredictionsOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** Where closed deals come from (the CRM, wired by the engine). */
  trainWith(outcomesOf: (workspaceId: string) => Promise<readonly DealOutcome[]>): void {
    this.outcomesOf = outcomesOf;
  }

  settings(workspaceId: string): Promise<PredictionSettings> {
    return predictionSettingsOf(this.store.db, workspaceId);
  }

  async setSettings(workspaceId: string, settings: PredictionSettings): Promise<PredictionSettings> {
    await savePredictionSettings(this.store.db, workspaceId, settings, nowIso(this.clock));
    return this.settings(workspaceId);
  }

  /**
   * Fits one model on the workspace's orders (POST /predictions/fit). No orders, no repeat buyer,
   * or Gamma-Gamma without a value property is an error naming the field.
   */
  async fit(
    workspaceId: string,
    request: PredictionFitRequest,
  ): Promise<Result<PredictionFit, ErrorDetail[]>> {
    if (request.model === 'gamma-gamma' && !request.valueProperty)
      return invalid('valueProperty', 'Gamma-Gamma models order values: name the property that holds them');
    const calibrationEnd = request.calibrationEnd ?? this.today();
    const customers = await this.summaries(workspaceId, {
      event: request.event,
      valueProperty: request.valueProperty ?? null,
      calibrationEnd,
      timeUnit: request.timeUnit,
    });
    if (customers.length === 0)
      return invalid('event', `no "${request.event}" events in this workspace up to ${calibrationEnd}`);
    if (!customers.some((c) => c.frequency > 0))
      return invalid(
        'event',
        `no customer bought twice (on two UTC dates) up to ${calibrationEnd}: nothing to fit`,
      );
    switch (request.model) {
      case 'bgnbd':
        return { ok: true, value: fitBgNbd(customers) };
      case 'gamma-gamma': {
        if (!customers.some((c) => c.frequency > 0 && c.monetary > 0))
          return invalid('valueProperty', `no repeat purchase has a positive "${request.valueProperty}"`);
        return { ok: true, value: fitGammaGamma(customers) };
      }
      default: {
        const unknown: never = request.model;
        throw new Error(`unknown model ${String(unknown)}`);
      }
    }
  }

  /** The page's summary: settings, the last run, the fits and the distributions. */
  async overview(workspaceId: string): Promise<PredictionsOverview> {
    const settings = await this.settings(workspaceId);
    const row = await this.store.db
      .selectFrom('prediction_models')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    const models = row?.models ? fromJson<StoredModels>(row.models) : null;
    return {
      settings,
      lastRun: row
        ? {
            // Written from the same unions.
            status: row.status as PredictionRun['status'],
            trigger: row.trigger as PredictionRun['trigger'],
            startedAt: row.started_at,
            finishedAt: row.finished_at,
            error: row.error,
          }
        : null,
      fittedAt: row?.fitted_at ?? null,
      ...(models ?? EMPTY_MODELS),
      leadScore: models?.leadScore?.summary ?? null,
    };
  }

  async personPredictions(workspaceId: string, profileId: string): Promise<PersonPredictions | null> {
    const row = await this.store.db
      .selectFrom('person_predictions')
      .select('predictions')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .executeTakeFirst();
    return row ? fromJson<PersonPredictions>(row.predictions) : null;
  }

  /** Refreshes now and resolves with the finished run. */
  refresh(workspaceId: string, trigger: PredictionRun['trigger'] = 'manual'): Promise<PredictionRun> {
    return this.inProgress.begin(workspaceId, trigger).done;
  }

  /** "Refresh now": resolves once the run is recorded; it goes on in the background. */
  start(workspaceId: string): Promise<PredictionRun> {
    const run = this.inProgress.begin(workspaceId, 'manual');
    // Nobody awaits a background run: a failure to even record its end must not go unhandled.
    run.done.catch(() => undefined);
    return run.started;
  }

  async whenIdle(workspaceId: string): Promise<void> {
    await this.inProgress.whenIdle(workspaceId);
  }

  /** Waits for every run in progress (closing the engine must not pull the store from under one). */
  async whenAllIdle(): Promise<void> {
    await this.inProgress.whenAllIdle();
  }

  /** The scheduled pass: each workspace with predictions on whose last run is older than its interval. */
  async runAll(): Promise<PredictionRun[]> {
    const runs: PredictionRun[] = [];
    for (const { workspaceId, refreshHours } of await workspacesPredicting(this.store.db)) {
      const last = await this.store.db
        .selectFrom('prediction_models')
        .select('started_at')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      const due = !last || Date.parse(last.started_at) <= this.clock() - refreshHours * 3_600_000;
      if (due) runs.push(await this.refresh(workspaceId, 'schedule'));
    }
    return runs;
  }

  private async recordStart(workspaceId: string, trigger: PredictionRun['trigger']): Promise<PredictionRun> {
    const run: PredictionRun = {
      status: 'running',
      trigger,
      startedAt: nowIso(this.clock),
      finishedAt: null,
      error: null,
    };
    const values = { status: run.status, trigger, started_at: run.startedAt, finished_at: null, error: null };
    await this.store.db
      .insertInto('prediction_models')
      .values({ workspace_id: workspaceId, ...values, fitted_at: null, models: null })
      .onConflict((conflict) => conflict.column('workspace_id').doUpdateSet(values))
      .execute();
    return run;
  }

  private async apply(workspaceId: string, started: PredictionRun): Promise<PredictionRun> {
    let finished: PredictionRun;
    let models: StoredModels | null = null;
    try {
      models = await this.compute(workspaceId);
      finished = { ...started, status: 'done', finishedAt: nowIso(this.clock) };
    } catch (error) {
      finished = { ...started, status: 'failed', finishedAt: nowIso(this.clock), error: String(error) };
    }
    let update = this.store.db
      .updateTable('prediction_models')
      .set({ status: finished.status, finished_at: finished.finishedAt, error: finished.error })
      .where('workspace_id', '=', workspaceId);
    if (models) update = update.set({ models: toJson(models), fitted_at: finished.finishedAt });
    await update.execute();
    return finished;
  }

  /** One refresh: summaries, fits, per-person predictions, the lead score, stored and published. */
  private async compute(workspaceId: string): Promise<StoredModels> {
    const settings = await this.settings(workspaceId);
    const today = this.today();
    const computedAt = nowIso(this.clock);
    const customers = await this.summaries(workspaceId, {
      ...settings,
      event: settings.orderEvent,
      calibrationEnd: today,
    });
    const { bgNbd, gammaGamma } = fitModels(customers, settings.valueProperty !== null);
    const predictions = predictCustomers({
      customers,
      bgNbd: bgNbd?.params ?? null,
      gammaGamma: gammaGamma?.params ?? null,
      timeUnit: settings.timeUnit,
      today,
      computedAt,
    });
    const leadScore = await this.scoreLeads(workspaceId, predictions, computedAt);
    const published = await publishedTraitsOf(this.store.db, workspaceId);
    await storePersonPredictions(this.store, {
      workspaceId,
      predictions,
      published,
      computedAt,
      publish: this.options.publishTraitsWithin,
    });
    return {
      orders: customers.reduce((sum, c) => sum + c.purchases, 0),
      bgNbd,
      gammaGamma,
      ...distributionsOf(predictions.values()),
      leadScore,
    };
  }

  /** Trains on closed deals and scores those people and the recently engaged; adds scores to `predictions`. */
  private async scoreLeads(
    workspaceId: string,
    predictions: Map<string, PersonPredictions>,
    computedAt: string,
  ): Promise<StoredModels['leadScore']> {
    const outcomes = await this.outcomesOf(workspaceId);
    if (outcomes.length === 0) return null;
    const since = new Date(this.clock() - 30 * DAY_MS).toISOString();
    const scored = new Set(await this.recentlyEngaged(workspaceId));
    for (const profileId of predictions.keys()) {
      if (scored.size >= MAX_ENGAGED_SCORED) break;
      scored.add(profileId);
    }
    const people = [...new Set([...outcomes.map((o) => o.profileId), ...scored])];
    const features = await this.featuresOf(workspaceId, people, since, predictions);
    const trained = trainLeadScore(outcomes, features);
    if (!trained) return null;
    for (const profileId of people) {
      const score = leadScoreOf(trained.model, features.get(profileId));
      const current = predictions.get(profileId);
      predictions.set(profileId, {
        ...(current ?? emptyPredictions(profileId, computedAt)),
        leadScore: score,
      });
    }
    return { summary: trained.summary };
  }

  /**
   * People who did something lately, up to MAX_ENGAGED_SCORED: the latest doers of each event
   * name, read along the (workspace, event, timestamp) index, never the whole log.
   */
  private async recentlyEngaged(workspaceId: string): Promise<string[]> {
    const engaged = new Set<string>();
    const names = (await eventNamesOf(this.store.db, workspaceId, 100)).filter(
      (name) => !OUTCOME_EVENT.test(name),
    );
    const perName = Math.max(1, Math.ceil(MAX_ENGAGED_SCORED / Math.max(1, names.length)));
    for (const event of names) {
      for (const profileId of await profilesWithEventNamed(this.store.db, workspaceId, {
        event,
        limit: perName,
      }))
        engaged.add(profileId);
      if (engaged.size >= MAX_ENGAGED_SCORED) break;
    }
    return [...engaged].slice(0, MAX_ENGAGED_SCORED);
  }

  private async featuresOf(
    workspaceId: string,
    profileIds: readonly string[],
    since: string,
    predictions: ReadonlyMap<string, PersonPredictions>,
  ): Promise<Map<string, FeatureValues>> {
    const engagement = await eventCountsSince(this.store.db, workspaceId, { profileIds, since });
    const features = new Map<string, FeatureValues>();
    for (const profileId of profileIds) {
      const known = new Map<string, number>();
      const counts = [...(engagement.get(profileId) ?? [])].filter(([event]) => !OUTCOME_EVENT.test(event));
      known.set(
        'track events in the last 30 days',
        counts.reduce((sum, [, n]) => sum + n, 0),
      );
      for (const [event, count] of counts) known.set(`event.${event} (30 days)`, count);
      const purchases = predictions.get(profileId)?.purchases;
      if (purchases !== undefined) known.set('purchases', purchases);
      if (this.options.profileFeatures) {
        const { traits, computed } = await this.options.profileFeatures(workspaceId, profileId);
        for (const [name, value] of numericFeatures('trait.', traits))
          if (!name.startsWith('trait.predicted_')) known.set(name, value);
        for (const [name, value] of numericFeatures('computed.', computed)) known.set(name, value);
      }
      features.set(profileId, known);
    }
    return features;
  }

  private async summaries(
    workspaceId: string,
    input: {
      event: string;
      valueProperty: string | null;
      calibrationEnd: string;
      timeUnit: PredictionSettings['timeUnit'];
    },
  ): Promise<CustomerSummary[]> {
    const read = {
      event: input.event,
      valueProperty: input.valueProperty ?? undefined,
      until: `${input.calibrationEnd}T23:59:59.999Z`,
    };
    const orders = this.options.ordersOf
      ? await this.options.ordersOf(workspaceId, read)
      : await valuedEventsNamed(this.store.db, workspaceId, { kind: this.store.kind, ...read });
    return summarizePurchases(
      orders.map((order) => ({
        customerId: order.profileId,
        timestamp: order.timestamp,
        value: order.value,
      })),
      { calibrationEnd: input.calibrationEnd, timeUnit: input.timeUnit },
    );
  }

  private today(): string {
    return new Date(this.clock()).toISOString().slice(0, 10);
  }
}

type StoredModels = Omit<PredictionsOverview, 'settings' | 'lastRun' | 'fittedAt' | 'leadScore'> & {
  leadScore: { summary: NonNullable<PredictionsOverview['leadScore']> } | null;
};

const EMPTY_MODELS: Omit<StoredModels, 'leadScore'> = {
  orders: 0,
  bgNbd: null,
  gammaGamma: null,
  ...distributionsOf([]),
};

function emptyPredictions(profileId: string, computedAt: string): PersonPredictions {
  return {
    profileId,
    computedAt,
    purchases: 0,
    daysSinceLastPurchase: null,
    expectedPurchases30d: null,
    expectedPurchases90d: null,
    probabilityAlive: null,
    expectedSpend: null,
    lifetimeValue12m: null,
    churnRisk: null,
    rfm: null,
    leadScore: null,
  };
}

function invalid(path: string, message: string): { ok: false; error: ErrorDetail[] } {
  return { ok: false, error: [{ path, message }] };
}
