import type { PipelineStageStatus } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { Gauge, type Registry } from 'prom-client';

/** Every pipeline stage's lag gauges, read from the store when Prometheus scrapes. */
export function installPipelineMetrics(registry: Registry, engine: Engine): void {
  // The two gauges are collected together: they share one read of the stages' lag.
  let reading: Promise<PipelineStageStatus[]> | undefined;
  const stages = () =>
    (reading ??= engine.pipeline.status().finally(() => {
      reading = undefined;
    }));
  new Gauge({
    name: 'tandem_pipeline_lag_events',
    help: 'Events of the log a pipeline stage has not consumed yet (head seq minus checkpoint).',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      for (const status of await stages()) this.set({ stage: status.stage }, status.lagEvents);
    },
  });
  new Gauge({
    name: 'tandem_pipeline_lag_seconds',
    help: 'Age of the oldest event a pipeline stage has not consumed yet.',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      for (const status of await stages()) this.set({ stage: status.stage }, status.lagSeconds);
    },
  });
}
