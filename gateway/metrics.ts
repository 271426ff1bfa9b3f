// Prometheus metrics of one gateway process (GET /metrics).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "portico_gateway_process_" });
  return {
    registry,
    requests: new Counter({ name: "portico_gateway_requests_total", help: "Requests answered, by API and status class", labelNames: ["api", "status_class"] as const, registers: [registry] }),
    latency: new Histogram({
      name: "portico_gateway_request_duration_seconds",
      help: "Time from request to response end, by API",
      labelNames: ["api"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    upstreamErrors: new Counter({ name: "portico_gateway_upstream_errors_total", help: "Upstream failures, by kind (timeout, refused, reset, other)", labelNames: ["kind"] as const, registers: [registry] }),
    limiterDegraded: new Gauge({ name: "portico_gateway_limiter_degraded", help: "1 while Redis is unreachable and limits are counted per process", registers: [registry] }),
    limited: new Counter({ name: "portico_gateway_rate_limited_total", help: "Requests refused with 429", labelNames: ["window"] as const, registers: [registry] }),
    cache: new Counter({ name: "portico_gateway_cache_total", help: "Cache lookups, by result", labelNames: ["result"] as const, registers: [registry] }),
    configReloads: new Counter({ name: "portico_gateway_config_reloads_total", help: "Config changes applied, by table (full: a whole reload)", labelNames: ["kind"] as const, registers: [registry] }),
    usageDropped: new Counter({ name: "portico_gateway_usage_dropped_total", help: "Usage rows dropped because the database was unreachable too long", registers: [registry] }),
    usagePending: new Gauge({ name: "portico_gateway_usage_pending", help: "Usage rows waiting to be written", registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
