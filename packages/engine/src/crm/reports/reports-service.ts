import type { ForecastReport, Pipeline, PipelineReport, SalesReport, StageReport } from '@tandem/contract';
import type { Store } from '../../store/index.js';
import type { PipelinesService } from '../pipelines/index.js';
import { forecastReport } from './forecast-report.js';
import { pipelineReport } from './pipeline-report.js';
import { type SalesPeriod, salesReport } from './sales-report.js';
import { stageReport } from './stage-report.js';

/** The sales reports of one pipeline (the workspace's first when none is named). */
export class CrmReportsService {
  constructor(
    private readonly store: Store,
    private readonly pipelines: PipelinesService,
    private readonly clock: () => number = Date.now,
  ) {}

  async pipeline(workspaceId: string, pipelineId?: string): Promise<PipelineReport> {
    return pipelineReport(this.store.db, workspaceId, await this.pipelineOf(workspaceId, pipelineId));
  }

  /** By close month from `from` (default: this month, UTC) for `months` months. */
  async forecast(
    workspaceId: string,
    options: { pipelineId?: string | undefined; from?: string | undefined; months: number },
  ): Promise<ForecastReport> {
    const pipeline = await this.pipelineOf(workspaceId, options.pipelineId);
    const from = options.from ?? new Date(this.clock()).toISOString().slice(0, 7);
    return forecastReport(this.store.db, workspaceId, pipeline, { from, months: options.months });
  }

  async sales(
    workspaceId: string,
    options: SalesPeriod & { pipelineId?: string | undefined },
  ): Promise<SalesReport> {
    const pipeline = await this.pipelineOf(workspaceId, options.pipelineId);
    return salesReport(this.store.db, this.store.kind, { workspaceId, pipeline, period: options });
  }

  async stages(workspaceId: string, pipelineId?: string): Promise<StageReport> {
    return stageReport(this.store.db, workspaceId, await this.pipelineOf(workspaceId, pipelineId));
  }

  private pipelineOf(workspaceId: string, pipelineId: string | undefined): Promise<Pipeline> {
    return pipelineId === undefined
      ? this.pipelines.defaultPipeline(workspaceId)
      : this.pipelines.get(workspaceId, pipelineId);
  }
}
