import type { Engine } from '@tandem/engine';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Deliveries by outcome, delivery latency, and each destination's backlog (read at scrape). */
export function installDeliveryMetrics(registry: Registry, engine: Engine): void {
  const attempts = new Counter({
    name: 'tandem_deliveries_total',
    help: 'Delivery attempts recorded, by outcome (delivered, failed = retried later, dead, skipped).',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tandem_delivery_latency_seconds',
    help: 'From the outbox row written (the cause committed) to the destination accepting it.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120, 600, 3600],
    registers: [registry],
  });
  const send = new Histogram({
    name: 'tandem_delivery_send_seconds',
    help: 'Duration of one send to a destination (a request, or a batch).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  engine.dispatcher.onAttempt((report) => {
    attempts.inc({ status: report.status });
    if (report.sinceCreatedMs !== undefined) latency.observe(report.sinceCreatedMs / 1000);
    if (report.sendMs !== undefined) send.observe(report.sendMs / 1000);
  });
  new Gauge({
    name: 'tandem_delivery_backlog',
    help: 'Deliveries not delivered yet (pending, failed = awaiting a retry, dead), by destination.',
    labelNames: ['destination', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await engine.dispatcher.backlog())
        this.set({ destination: row.destinationId, status: row.status }, row.count);
    },
  });
}
