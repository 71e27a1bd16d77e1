/** Prometheus metrics of the gateway (prom-client), one registry per gateway instance. */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Decision } from "./compliance";

// Seconds; dense below 25 ms where the search and overhead targets (10 ms, 15 ms p99) sit.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Label for a stage header value: known names as they are, anything else as "unknown" (bounded cardinality). */
export const UNKNOWN_STAGE_LABEL = "unknown";

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly decisions = new Counter({
    name: "llm_gateway_decisions_total",
    help: "Compliance decisions by dialogue stage, decision and reason.",
    labelNames: ["stage", "decision", "reason"] as const,
    registers: [this.registry],
  });
  readonly fallbackVariants = new Counter({
    name: "llm_gateway_fallback_variant_total",
    help: "Stage fallback variants served (A/B), by stage and variant id.",
    labelNames: ["stage", "variant"] as const,
    registers: [this.registry],
  });
  readonly upstreamSeconds = new Histogram({
    name: "llm_gateway_upstream_seconds",
    help: "Time waiting for the upstream chat endpoint.",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly embeddingSeconds = new Histogram({
    name: "llm_gateway_embedding_seconds",
    help: "Time waiting for the embedding service, per request (model reply and user message).",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly searchSeconds = new Histogram({
    name: "llm_gateway_search_seconds",
    help: "Time in exact nearest-neighbour search, per request.",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly totalSeconds = new Histogram({
    name: "llm_gateway_request_seconds",
    help: "Total time of a chat completion request in the gateway.",
    labelNames: ["decision"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly overheadSeconds = new Histogram({
    name: "llm_gateway_overhead_seconds",
    help: "Gateway's own time: total minus upstream and embedding time.",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly libraryInfo = new Gauge({
    name: "llm_gateway_library_info",
    help: "The approved-reply library served (value 1).",
    labelNames: ["version", "hash", "embedding_model"] as const,
    registers: [this.registry],
  });
  readonly ready = new Gauge({
    name: "llm_gateway_ready",
    help: "1 once the library is embedded and indexed.",
    registers: [this.registry],
  });
  readonly libraryEmbedFailures = new Counter({
    name: "llm_gateway_library_embed_failures_total",
    help: "Failed attempts to embed the library at start (retried).",
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.ready.set(0);
  }

  recordDecision(stageLabel: string, decision: Decision, totalMs: number): void {
    this.decisions.inc({ stage: stageLabel, decision: decision.decision, reason: decision.reason });
    if (decision.fallbackVariant) this.fallbackVariants.inc({ stage: stageLabel, variant: decision.fallbackVariant });
    const { upstreamMs, embeddingMs, searchMs } = decision.latencies;
    if (decision.calledUpstream) this.upstreamSeconds.observe(upstreamMs / 1000);
    if (embeddingMs > 0) this.embeddingSeconds.observe(embeddingMs / 1000);
    if (searchMs > 0) this.searchSeconds.observe(searchMs / 1000);
    this.totalSeconds.observe({ decision: decision.decision }, totalMs / 1000);
    this.overheadSeconds.observe(Math.max(0, totalMs - upstreamMs - embeddingMs) / 1000);
  }
}
