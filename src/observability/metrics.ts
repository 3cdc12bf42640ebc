import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export type CacheTier = "lru" | "redis";
export type BreakerState = "closed" | "open" | "half-open";
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

/**
 * The pipeline's counters, in one registry per process (no prom-client globals, so tests and
 * several app instances in one process stay apart). `/metrics` renders this registry.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: "pricebook_http_requests_total",
    help: "HTTP requests by method, route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "pricebook_http_request_duration_seconds",
    help: "HTTP request latency by method and route pattern",
    labelNames: ["method", "route"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly upstreamCalls = new Counter({
    name: "pricebook_upstream_calls_total",
    help: "Attempts sent to an upstream API, by outcome (ok, throttled, transient, client, aborted)",
    labelNames: ["api", "region", "outcome"] as const,
    registers: [this.registry],
  });
  readonly upstreamRetries = new Counter({
    name: "pricebook_upstream_retries_total",
    help: "Retries scheduled after a throttled or transient attempt",
    labelNames: ["api"] as const,
    registers: [this.registry],
  });
  readonly upstreamLatency = new Histogram({
    name: "pricebook_upstream_latency_seconds",
    help: "Latency of single upstream attempts",
    labelNames: ["api"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly breakerState = new Gauge({
    name: "pricebook_breaker_state",
    help: "Circuit breaker state per upstream and region: 0 closed, 1 half-open, 2 open",
    labelNames: ["api", "region"] as const,
    registers: [this.registry],
  });
  readonly breakerRejections = new Counter({
    name: "pricebook_breaker_rejections_total",
    help: "Calls refused at once because the breaker was open",
    labelNames: ["api", "region"] as const,
    registers: [this.registry],
  });
  readonly cacheHits = new Counter({
    name: "pricebook_cache_hits_total",
    help: "Cache hits by tier and freshness",
    labelNames: ["tier", "freshness"] as const,
    registers: [this.registry],
  });
  readonly cacheMisses = new Counter({
    name: "pricebook_cache_misses_total",
    help: "Lookups that found nothing in any tier",
    registers: [this.registry],
  });
  readonly cacheErrors = new Counter({
    name: "pricebook_cache_errors_total",
    help: "Cache tier errors (the request goes on without that tier)",
    labelNames: ["tier", "op"] as const,
    registers: [this.registry],
  });
  readonly answers = new Counter({
    name: "pricebook_price_answers_total",
    help: "Price answers by source (live, cache, stale, fallback, mock)",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly limiterFallbacks = new Counter({
    name: "pricebook_limiter_local_fallbacks_total",
    help: "Jobs paced by the local limiter share because the shared (Redis) limiter was unavailable",
    labelNames: ["api"] as const,
    registers: [this.registry],
  });
  readonly costExplorerRequests = new Counter({
    name: "pricebook_cost_explorer_requests_total",
    help: "Cost Explorer API requests sent (each page is a billed request)",
    registers: [this.registry],
  });
  readonly costExplorerCostUsd = new Counter({
    name: "pricebook_cost_explorer_cost_usd_total",
    help: "What the Cost Explorer requests cost, in USD (0.01 per request)",
    registers: [this.registry],
  });
  readonly malformedItems = new Counter({
    name: "pricebook_pricelist_malformed_items_total",
    help: "Price List items that failed validation and were skipped",
    labelNames: ["service"] as const,
    registers: [this.registry],
  });

  /**
   * The pipeline at a glance, for logs and health: counter totals by label set. `/metrics` renders the
   * same registry in Prometheus format.
   */
  async snapshot(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const metric of await this.registry.getMetricsAsJSON()) {
      if (String(metric.type) === "histogram") continue;
      const name = metric.name.replace(/^pricebook_/, "");
      const values: Record<string, number> = {};
      for (const v of metric.values) {
        const key =
          Object.entries(v.labels ?? {})
            .map(([k, l]) => `${k}=${l}`)
            .join(",") || "total";
        values[key] = v.value;
      }
      if (Object.keys(values).length > 0) out[name] = values;
    }
    return out;
  }

  /** Process metrics (CPU, memory, event loop, GC): once per process, by the composition root. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: "pricebook_" });
  }

  setBreakerState(api: string, region: string, state: BreakerState): void {
    this.breakerState.set({ api, region }, BREAKER_VALUE[state]);
  }
}
