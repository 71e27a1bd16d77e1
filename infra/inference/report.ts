/**
 * The plan's `inference` section (pure): per endpoint, the estimate on its pool's GPU and the same
 * estimate on every other GPU class of the catalog, so the latency / cost trade-off per GPU class
 * (the field notes' A100 vs V100) is visible before anything is bought. An alternative on which the
 * model does not fit the endpoint's gpusPerReplica GPUs reports nulls.
 */
import { GPU_MODELS, GpuModelName } from "../catalog/gpus";
import type { InferenceEndpointSpec, PlatformSpec } from "../config/types";
import { EndpointPlan, estimateEndpoint, planEndpoint } from "./endpoints";
import type { ServingEstimate } from "./estimate";
import { servingMemory } from "./memory";
import { cheapestReplicaUsdPerHour } from "./replicaCost";

export interface InferenceEstimateJson {
  readonly ttftMs: number;
  readonly itlMs: number;
  readonly replyMs: number;
  readonly repliesPerSecondPerReplica: number;
  readonly usdPerThousandReplies: number | null;
}

export interface InferenceAlternativeJson {
  readonly gpu: string;
  readonly ttftMs: number | null;
  readonly itlMs: number | null;
  readonly replyMs: number | null;
  readonly usdPerThousandReplies: number | null;
}

export interface InferenceReportEntry {
  readonly endpoint: string;
  readonly pool: string;
  readonly gpu: string;
  readonly estimate: InferenceEstimateJson;
  readonly alternatives: readonly InferenceAlternativeJson[];
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const ms = (n: number) => round(n, 1);
const usd = (n: number | null) => (n === null ? null : round(n, 4));

/** The endpoint's estimate on another GPU class (same model, concurrency, traffic and GPUs per replica), or null where it does not fit. */
export function alternativeServing(endpoint: InferenceEndpointSpec, gpu: GpuModelName): ServingEstimate | null {
  if (!servingMemory({ ...endpoint, gpu }).fits) return null;
  const price = cheapestReplicaUsdPerHour(gpu, endpoint.gpusPerReplica);
  return estimateEndpoint(endpoint, gpu, price?.usdPerHour ?? null);
}

function alternativeEstimate(endpoint: InferenceEndpointSpec, gpu: GpuModelName): InferenceAlternativeJson {
  const e = alternativeServing(endpoint, gpu);
  if (!e) return { gpu, ttftMs: null, itlMs: null, replyMs: null, usdPerThousandReplies: null };
  return { gpu, ttftMs: ms(e.ttftMs), itlMs: ms(e.itlMs), replyMs: ms(e.replyMs), usdPerThousandReplies: usd(e.usdPerThousandReplies) };
}

export function endpointReport(plan: EndpointPlan): InferenceReportEntry {
  const e = plan.estimate;
  return {
    endpoint: plan.endpoint.name,
    pool: plan.pool.name,
    gpu: plan.gpu,
    estimate: { ttftMs: ms(e.ttftMs), itlMs: ms(e.itlMs), replyMs: ms(e.replyMs), repliesPerSecondPerReplica: round(e.repliesPerSecondPerReplica, 2), usdPerThousandReplies: usd(e.usdPerThousandReplies) },
    alternatives: (Object.keys(GPU_MODELS) as GpuModelName[]).filter((g) => g !== plan.gpu).map((g) => alternativeEstimate(plan.endpoint, g)),
  };
}

export function inferenceReport(spec: PlatformSpec): InferenceReportEntry[] {
  return spec.inferenceEndpoints.map((endpoint) => endpointReport(planEndpoint(spec, endpoint)));
}
