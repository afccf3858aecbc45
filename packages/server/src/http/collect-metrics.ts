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
  // The engine counts; each scrape adds what it counted since the last one.
  let counted = { inline: 0, threaded: 0 };
  new Counter({
    name: 'tandem_collect_bodies_prepared_total',
    help: 'Tracking API bodies parsed and validated, on the event loop or on an ingest thread.',
    labelNames: ['on'] as const,
    registers: [registry],
    collect() {
      const now = engine.collector.bodiesPrepared;
      this.inc({ on: 'event-loop' }, now.inline - counted.inline);
      this.inc({ on: 'ingest-thread' }, now.threaded - counted.threaded);
      counted = now;
    },
  });
  let checked = { asPrepared: 0, atAdmission: 0 };
  new Counter({
    name: 'tandem_tracking_plan_requests_checked_total',
    help: 'Tracking API requests checked against a tracking plan: as their calls were prepared, or on the event loop (write key in the body, plan changed meanwhile).',
    labelNames: ['where'] as const,
    registers: [registry],
    collect() {
      const now = engine.trackingPlans.admission.requestsChecked;
      this.inc({ where: 'as-prepared' }, now.asPrepared - checked.asPrepared);
      this.inc({ where: 'event-loop' }, now.atAdmission - checked.atAdmission);
      checked = now;
    },
  });
}
