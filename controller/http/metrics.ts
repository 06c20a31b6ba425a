import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus figures. Counters and the latency histogram are updated as things happen; gauges
 * (live calls, agents by state, queue lengths, recordings by tier) are read when scraped.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'hotline_api_requests_total',
    help: 'API requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'hotline_api_request_seconds',
    help: 'API request latency',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly calls = new Counter({
    name: 'hotline_calls_total',
    help: 'calls ended, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor() {
    // Process CPU, memory, handles, GC and event-loop delay (nodejs_eventloop_lag_*, reset at
    // every scrape): what an admin sizing a machine, and `hotline load`, watch.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  /** A gauge whose value is read at scrape time. */
  gauge(
    name: string,
    help: string,
    labelNames: string[],
    collect: (set: (labels: Record<string, string>, v: number) => void) => Promise<void> | void,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await collect((labels, v) => this.set(labels, v));
      },
    });
  }
}
