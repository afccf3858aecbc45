import type { Engine } from '@tandem/engine';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Collection gauges, read from the engine when Prometheus scrapes. */
export function installCollectMetrics(registry: Registry, engine: Engine): void {
  new Gauge({
    name: 'tandem_collect_queued_calls',
    help: 'Tracking API calls waiting to be committed (429 past TANDEM_MAX_QUEUED_EVENTS).',
    registers: [registry],
    collect() {
      this.set(engine.collector.queuedCalls);
    },
  });
  countedByEngine(registry, {
    name: 'tandem_collect_bodies_prepared_total',
    help: 'Tracking API bodies parsed and validated, on the event loop or on an ingest thread.',
    label: 'on',
    read: () => {
      const { inline, threaded } = engine.collector.bodiesPrepared;
      return { 'event-loop': inline, 'ingest-thread': threaded };
    },
  });
  countedByEngine(registry, {
    name: 'tandem_tracking_plan_requests_checked_total',
    help: 'Tracking API requests checked against a tracking plan: as their calls were prepared, or on the event loop (write key in the body, plan changed meanwhile).',
    label: 'where',
    read: () => {
      const { asPrepared, atAdmission } = engine.trackingPlans.admission.requestsChecked;
      return { 'as-prepared': asPrepared, 'event-loop': atAdmission };
    },
  });
}

/** A counter of totals the engine keeps: each scrape adds what it counted since the last one. */
function countedByEngine(
  registry: Registry,
  options: { name: string; help: string; label: string; read: () => Record<string, number> },
): void {
  let counted: Record<string, number> = {};
  new Counter({
    name: options.name,
    help: options.help,
    labelNames: [options.label],
    registers: [registry],
    collect() {
      const now = options.read();
      for (const [value, total] of Object.entries(now)) {
        this.inc({ [options.label]: value }, total - (counted[value] ?? 0));
      }
      counted = now;
    },
  });
}
