import { Counter, Gauge, type Registry } from 'prom-client';
import type { LiveStreams } from '../sources/live-streams.js';

/** Source debugger live streams: how many are open, and why the others ended. */
export function installLiveStreamMetrics(registry: Registry, liveStreams: LiveStreams): void {
  new Gauge({
    name: 'tandem_live_streams_open',
    help: 'Source debugger live streams open in this process.',
    registers: [registry],
    collect() {
      this.set(liveStreams.openCount);
    },
  });
  const ended = new Counter({
    name: 'tandem_live_streams_ended_total',
    help: 'Live streams ended, by reason: client (it left), slow (fell past the buffer bound), revoked, shutdown.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  liveStreams.onEnd((reason) => ended.inc({ reason }));
}
