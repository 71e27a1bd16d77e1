/**
 * An inference endpoint resolved against its stack (pure): its pool and GPU, the vLLM release and
 * image, the memory it needs, the estimate at its configured concurrency and traffic, how long a
 * replica may take to start (weights over storage throughput plus warm-up) and to drain (the
 * longest reply). Components and policies read this; nothing here is computed twice.
 */
import type { GpuModelName } from "../catalog/gpus";
import type { InferenceEndpointSpec, NodePoolSpec, PlatformSpec } from "../config/types";
import { gpuModelOf, gpusPerNode } from "../nodes/labels";
import { chooseServingRelease, ServingRelease } from "./alignment";
import { estimateServing, replicasNeeded, ServingEstimate } from "./estimate";
import { servingMemory, ServingMemory, weightsBytes } from "./memory";
import { poolReplicaUsdPerHour, replicasPerNode } from "./replicaCost";
import { servingImage, ServingImage } from "./image";

/** Start-up after the weights are read: CUDA-graph capture and torch.compile on a cold cache (vLLM V1
 * compiles at start-up; minutes on a first start). A platform margin, not a measurement. */
const WARMUP_MARGIN_SECONDS = 300;
/** Read throughput assumed for an existing cluster's shared volume when none is configured. */
const DEFAULT_EXISTING_READ_MBPS = 250;
const STARTUP_PROBE_PERIOD_SECONDS = 10;
/** Time for a terminating pod's removal from the Service's EndpointSlices to reach every proxy. */
const ENDPOINT_PROPAGATION_SECONDS = 5;
/** After the drain wait, vLLM's own shutdown (engine processes, NCCL teardown). */
const SHUTDOWN_SECONDS = 30;

export interface StartupBudget {
  readonly weightsReadMBps: number;
  /** How the throughput was chosen. */
  readonly throughputSource: string;
  readonly loadSeconds: number;
  readonly budgetSeconds: number;
  readonly failureThreshold: number;
}

export interface DrainBudget {
  /** A reply of maxOutputTokens after a prompt filling the rest of maxModelLen, at full concurrency. */
  readonly longestReplySeconds: number;
  readonly preStopSeconds: number;
  readonly terminationGracePeriodSeconds: number;
}

export interface EndpointPlan {
  readonly endpoint: InferenceEndpointSpec;
  readonly pool: NodePoolSpec;
  readonly gpu: GpuModelName;
  readonly release: ServingRelease;
  readonly image: ServingImage;
  readonly memory: ServingMemory;
  readonly estimate: ServingEstimate;
  readonly replicasNeeded: number;
  readonly replicasPerNode: number;
  readonly startup: StartupBudget;
  readonly drain: DrainBudget;
}

export const vllmName = (endpoint: string) => `${endpoint}-vllm`;

/** The serving estimate of an endpoint's model, concurrency and traffic on one GPU class, at a replica's hourly price. */
export function estimateEndpoint(endpoint: InferenceEndpointSpec, gpu: GpuModelName, usdPerReplicaHour: number | null): ServingEstimate {
  return estimateServing({
    model: endpoint.model,
    gpu,
    gpusPerReplica: endpoint.gpusPerReplica,
    concurrency: endpoint.concurrencyPerReplica,
    inputTokens: endpoint.traffic.inputTokens,
    outputTokens: endpoint.traffic.outputTokens,
    usdPerReplicaHour,
  });
}

function endpointPool(spec: PlatformSpec, endpoint: InferenceEndpointSpec): NodePoolSpec | undefined {
  return spec.nodePools.find((p) => p.name === endpoint.pool);
}

export function planEndpoint(spec: PlatformSpec, endpoint: InferenceEndpointSpec): EndpointPlan {
  const pool = endpointPool(spec, endpoint);
  const gpu = pool && (gpuModelOf(pool) as GpuModelName | undefined);
  if (!pool || !gpu) throw new Error(`inference endpoint ${endpoint.name}: pool ${endpoint.pool} is not a GPU pool of stack ${spec.stack}`);
  const release = chooseServingRelease({ gpu, driverVersion: spec.gpuStack.driverVersion, ...(endpoint.vllmVersion ? { requestedVersion: endpoint.vllmVersion } : {}) });
  const estimate = estimateEndpoint(endpoint, gpu, poolReplicaUsdPerHour(pool, endpoint.gpusPerReplica));
  return {
    endpoint,
    pool,
    gpu,
    release,
    image: servingImage(release.version, spec.images),
    memory: servingMemory({ ...endpoint, gpu }),
    estimate,
    replicasNeeded: replicasNeeded(endpoint.traffic.requestsPerSecond, estimate),
    replicasPerNode: replicasPerNode(gpusPerNode(pool), endpoint.gpusPerReplica),
    startup: startupBudget(spec, endpoint, pool),
    drain: drainBudget(endpoint, gpu),
  };
}

/**
 * The start-up probe's budget: weight bytes over what one replica reads per second, plus the
 * warm-up margin. FSx for Lustre serves throughputPerTiB × capacity in aggregate (FSx Lustre guide,
 * "Performance"), shared by every replica that starts at once (up to replicas.max) and capped by the
 * node's network share; S3 streaming is capped by the node's network share only.
 */
function startupBudget(spec: PlatformSpec, endpoint: InferenceEndpointSpec, pool: NodePoolSpec): StartupBudget {
  const perNode = Math.max(1, replicasPerNode(gpusPerNode(pool), endpoint.gpusPerReplica));
  const nicMBps = pool.kind === "aws" ? (pool.instanceType.networkGbps * 1000) / 8 / perNode : (pool.networkGbpsPerNode * 1000) / 8 / perNode;
  let mbps: number;
  let source: string;
  if (endpoint.weightsReadMBps !== undefined) {
    mbps = endpoint.weightsReadMBps;
    source = "configured weightsReadMBps";
  } else if (endpoint.weights.kind === "s3") {
    mbps = nicMBps;
    source = `the node's network share (${Math.round(nicMBps)} MB/s)`;
  } else if (spec.target === "aws" && spec.storage) {
    const fsx = (spec.storage.fsx.throughputPerTiB * spec.storage.fsx.storageCapacityGiB) / 1024;
    mbps = Math.min(fsx / endpoint.replicas.max, nicMBps);
    source = `FSx ${Math.round(fsx)} MB/s shared by up to ${endpoint.replicas.max} replicas starting at once`;
  } else {
    mbps = DEFAULT_EXISTING_READ_MBPS;
    source = `the default for an existing cluster's volume (${DEFAULT_EXISTING_READ_MBPS} MB/s; set weightsReadMBps)`;
  }
  const loadSeconds = weightsBytes(endpoint.model) / (mbps * 1e6);
  const budgetSeconds = loadSeconds + WARMUP_MARGIN_SECONDS;
  return { weightsReadMBps: mbps, throughputSource: source, loadSeconds, budgetSeconds, failureThreshold: Math.ceil(budgetSeconds / STARTUP_PROBE_PERIOD_SECONDS) };
}

/**
 * Graceful drain: a terminating pod leaves the Service at once, then preStop waits while the replies
 * it is generating finish (the longest one at full load), then vLLM gets SIGTERM and its shutdown time.
 */
function drainBudget(endpoint: InferenceEndpointSpec, gpu: GpuModelName): DrainBudget {
  const longest = estimateServing({
    model: endpoint.model,
    gpu,
    gpusPerReplica: endpoint.gpusPerReplica,
    concurrency: endpoint.concurrencyPerReplica,
    inputTokens: Math.max(1, endpoint.maxModelLen - endpoint.maxOutputTokens),
    outputTokens: endpoint.maxOutputTokens,
    usdPerReplicaHour: null,
  });
  const longestReplySeconds = longest.replyMs / 1000;
  const preStopSeconds = Math.ceil(longestReplySeconds) + ENDPOINT_PROPAGATION_SECONDS;
  return { longestReplySeconds, preStopSeconds, terminationGracePeriodSeconds: preStopSeconds + SHUTDOWN_SECONDS };
}
