/**
 * Defaults: validated config → the platform spec. Every default the platform applies is here, in
 * one place (docs/config.md lists them).
 */
import { z } from "zod";
import { findInstanceType, supportsEfa } from "../catalog/instances";
import { newestReleaseWithDriver } from "../nodes/eksAmi";
import { KUBEFLOW_PIPELINES_VERSION } from "../versions";
import { defaultClusterName, trainJobName } from "../naming";
import type { Fabric, Purpose, Target } from "./enums";
import { configKey, PROJECT } from "./keys";
import {
  awsNodePoolSchema,
  clusterSchema,
  datasetSchema,
  existingNodePoolSchema,
  gpuStackSchema,
  imagesSchema,
  inferenceEndpointSchema,
  monitoringSchema,
  networkSchema,
  parseS3Uri,
  storageSchema,
  teamSchema,
  trainingJobSchema,
} from "./schema";
import type {
  AwsNodePoolSpec,
  AwsStorageSpec,
  DatasetSpec,
  ExistingNodePoolSpec,
  ExistingStorageSpec,
  GpuStackSpec,
  ImagesSpec,
  InferenceEndpointSpec,
  JobTuning,
  MonitoringSpec,
  PlatformSpec,
  RawStackConfig,
  TrainingRunSpec,
} from "./types";

const DEFAULT_VPC_CIDR = "10.0.0.0/16";
const DEFAULT_SHARD_MEMORY_MIB = 2048;
const DEFAULT_CLAIM_GIB = 1000;
/** Two weeks: this week's incident compared with last week's baseline. */
const DEFAULT_RETENTION_DAYS = 15;
/** A few hundred GPUs' DCGM series, node-exporter and kubelet for 15 days fit with room to spare (docs/monitoring.md, "Sizing"). */
const DEFAULT_PROMETHEUS_GIB = 100;
const DEFAULT_IDLE_UTILIZATION_PERCENT = 5;
const DEFAULT_IDLE_ALERT_MINUTES = 30;
/** Default per team: report idle workloads, take nothing (the "dry-run by default per team"). */
const DEFAULT_RECLAIM = { mode: "dry-run", idleGraceMinutes: 120 } as const;

/** Where `npm run kfp:vendor` puts Kubeflow Pipelines' manifests for the pinned release (relative to the project). */
const defaultPipelinesManifestsDir = () => `vendor/kubeflow-pipelines/${KUBEFLOW_PIPELINES_VERSION}/manifests/kustomize`;

function hubAccess(source: { hubTokenSecret?: { name: string; key: string }; trustRemoteCode?: boolean }) {
  return { ...(source.hubTokenSecret ? { tokenSecret: { ...source.hubTokenSecret } } : {}), trustRemoteCode: source.trustRemoteCode ?? false };
}

/** The config after the schemas: every key validated, defaults not yet applied. */
export type ParsedShape = {
  budgetUsdPerMonth: number;
  gpuStack: z.infer<typeof gpuStackSchema>;
  images: z.infer<typeof imagesSchema>;
  nodePools: (z.infer<typeof awsNodePoolSchema> | z.infer<typeof existingNodePoolSchema>)[];
  cluster?: z.infer<typeof clusterSchema>;
  network?: z.infer<typeof networkSchema>;
  storage?: z.infer<typeof storageSchema>;
  teams?: z.infer<typeof teamSchema>[];
  datasets?: z.infer<typeof datasetSchema>[];
  trainingJobs?: z.infer<typeof trainingJobSchema>[];
  pipelines?: { enabled?: boolean; manifestsDir?: string };
  monitoring?: z.infer<typeof monitoringSchema>;
  inferenceEndpoints?: z.infer<typeof inferenceEndpointSchema>[];
};

/** Applies the defaults and resolves references (instance types, fabrics, AZs, training variants). */
export function buildSpec(raw: RawStackConfig, target: Target, data: ParsedShape, region: string): PlatformSpec {
  const gpuStack: GpuStackSpec = {
    ...data.gpuStack,
    // The EKS accelerated AMI ships the driver and container toolkit; on-prem the operator installs them unless told otherwise.
    driverManagedBy: data.gpuStack.driverManagedBy ?? (target === "aws" ? "node-image" : "operator"),
    migStrategy: data.gpuStack.migStrategy ?? "single",
  };
  const images: ImagesSpec = { registry: data.images.registry, digests: { ...(data.images.digests ?? {}) } };
  const teams = (data.teams ?? []).map((t) => ({
    name: t.name,
    gpuQuota: { ...(t.gpuQuota ?? {}) },
    reclaim: { mode: t.reclaim?.mode ?? DEFAULT_RECLAIM.mode, idleGraceMinutes: t.reclaim?.idleGraceMinutes ?? DEFAULT_RECLAIM.idleGraceMinutes },
    members: [...(t.members ?? [])],
  }));
  const datasets = (data.datasets ?? []).map((d): DatasetSpec => ({
    name: d.name,
    version: d.version,
    team: d.team,
    rawPath: d.rawPath ?? `raw/${d.name}/${d.version}`,
    samples: d.samples,
    meanTokensPerSample: d.meanTokensPerSample,
    tokenizer: d.tokenizer,
    hub: hubAccess(d),
    maxSourceLength: d.maxSourceLength,
    maxTargetLength: d.maxTargetLength,
    fillerWords: d.fillerWords ?? [],
    bannedPatterns: d.bannedPatterns ?? [],
    featureTags: d.featureTags ?? [],
    shardFor: { pool: d.shardFor.pool, nodes: d.shardFor.nodes },
    memoryBudgetMiB: d.memoryBudgetMiB ?? DEFAULT_SHARD_MEMORY_MIB,
    ...(d.tokeniseParallelism ? { tokeniseParallelism: d.tokeniseParallelism } : {}),
    tokenBytes: d.tokenBytes ?? 4,
    seed: d.seed ?? 1234,
  }));
  const trainingRuns = (data.trainingJobs ?? []).flatMap((job) => resolveTrainingRuns(job, datasets));
  const pipelines = { enabled: data.pipelines?.enabled ?? true, manifestsDir: data.pipelines?.manifestsDir ?? defaultPipelinesManifestsDir() };
  const monitoring = monitoringSpec(data.monitoring);
  const inferenceEndpoints = (data.inferenceEndpoints ?? []).map(resolveInferenceEndpoint);
  const common = { project: PROJECT, stack: raw.stack, budgetUsdPerMonth: data.budgetUsdPerMonth, gpuStack, images, teams, datasets, trainingRuns, pipelines, monitoring, inferenceEndpoints } as const;
  if (target === "existing") {
    const nodePools = (data.nodePools as z.infer<typeof existingNodePoolSchema>[]).map(
      (p): ExistingNodePoolSpec => ({
        kind: "existing",
        name: p.name,
        purpose: p.purpose,
        minNodes: p.minNodes,
        maxNodes: p.maxNodes,
        desiredNodes: p.desiredNodes ?? p.minNodes,
        fabric: p.fabric,
        ...(p.ncclBusBandwidthFloorGBps ? { ncclBusBandwidthFloorGBps: p.ncclBusBandwidthFloorGBps } : {}),
        gpu: p.gpu,
        gpusPerNode: p.gpusPerNode,
        cpusPerNode: p.cpusPerNode,
        memoryGiBPerNode: p.memoryGiBPerNode,
        networkGbpsPerNode: p.networkGbpsPerNode,
        nodeSelector: p.nodeSelector ?? { [`${PROJECT}/pool`]: p.name },
      }),
    );
    const storage: ExistingStorageSpec | undefined = data.storage?.storageClassName
      ? { kind: "existing", storageClassName: data.storage.storageClassName, claimSizeGiB: data.storage.claimSizeGiB ?? DEFAULT_CLAIM_GIB }
      : undefined;
    return { ...common, target, nodePools, kubeconfigKey: configKey("kubeconfig"), ...(storage ? { storage } : {}) };
  }
  const zones = data.network?.availabilityZones ?? defaultZones(region);
  const nodePools = (data.nodePools as z.infer<typeof awsNodePoolSchema>[]).map((p): AwsNodePoolSpec => {
    const instanceType = findInstanceType(p.instanceType)!;
    const fabric = resolvedAwsFabric(p);
    return {
      kind: "aws",
      name: p.name,
      purpose: p.purpose,
      minNodes: p.minNodes,
      maxNodes: p.maxNodes,
      desiredNodes: p.desiredNodes ?? p.minNodes,
      fabric,
      ...(p.ncclBusBandwidthFloorGBps ? { ncclBusBandwidthFloorGBps: p.ncclBusBandwidthFloorGBps } : {}),
      instanceType,
      // EFA traffic does not cross AZs: an EFA pool lives in one subnet, by default the first AZ's.
      availabilityZones: p.availabilityZones ?? (fabric === "efa" ? [zones[0]] : [...zones]),
      capacityType: p.capacityType ?? "on-demand",
      ...(p.capacityReservationId ? { capacityReservationId: p.capacityReservationId } : {}),
    };
  });
  const cluster = data.cluster!;
  const fsx = data.storage?.fsx;
  const efaTrainingZone = nodePools.find((p) => p.purpose === "training" && p.fabric === "efa")?.availabilityZones[0];
  const storage: AwsStorageSpec | undefined = fsx
    ? {
        kind: "aws",
        fsx: { storageCapacityGiB: fsx.storageCapacityGiB, throughputPerTiB: fsx.throughputPerTiB, availabilityZone: fsx.availabilityZone ?? efaTrainingZone ?? zones[0] },
        s3: { expectedDataGiB: data.storage?.s3?.expectedDataGiB ?? 0 },
      }
    : undefined;
  return {
    ...common,
    target,
    region,
    ...(storage ? { storage } : {}),
    nodePools,
    network: {
      vpcCidr: data.network?.vpcCidr ?? DEFAULT_VPC_CIDR,
      availabilityZones: zones,
      natGateways: data.network?.natGateways ?? "single",
    },
    cluster: {
      name: cluster.name ?? defaultClusterName(raw.stack),
      kubernetesVersion: cluster.kubernetesVersion,
      publicAccessCidrs: cluster.publicAccessCidrs ?? [],
      adminRoleArns: cluster.adminRoleArns ?? [],
      // Default: the newest known AMI release of the minor that ships the stack's driver (checked in dataChecks).
      nodeImageRelease: cluster.nodeImageRelease ?? newestReleaseWithDriver(cluster.kubernetesVersion, gpuStack.driverVersion)?.releaseVersion ?? "",
    },
  };
}

function monitoringSpec(config: z.infer<typeof monitoringSchema> | undefined): MonitoringSpec {
  const existing = config?.prometheus?.existing;
  const prometheus: MonitoringSpec["prometheus"] = existing
    ? { kind: "existing", url: existing.url, namespace: existing.namespace, selectorLabels: { ...(existing.selectorLabels ?? {}) } }
    : {
        kind: "platform",
        retentionDays: config?.prometheus?.retentionDays ?? DEFAULT_RETENTION_DAYS,
        storageGiB: config?.prometheus?.storageGiB ?? DEFAULT_PROMETHEUS_GIB,
        ...(config?.prometheus?.storageClassName ? { storageClassName: config.prometheus.storageClassName } : {}),
      };
  return {
    prometheus,
    // With an existing Prometheus the cluster's own Grafana shows the dashboards.
    grafana: { enabled: config?.grafana?.enabled ?? !existing },
    gpuIdle: {
      utilizationBelowPercent: config?.gpuIdle?.utilizationBelowPercent ?? DEFAULT_IDLE_UTILIZATION_PERCENT,
      forMinutes: config?.gpuIdle?.forMinutes ?? DEFAULT_IDLE_ALERT_MINUTES,
    },
  };
}

/** The trainer entry point the platform's training image provides (see docs/operations.md, "The image contract"). */
const DEFAULT_TRAIN_COMMAND = ["llm-train"] as const;

/** A declared job and each of its variants, with defaults and the variant's overrides applied. */
function resolveTrainingRuns(job: z.infer<typeof trainingJobSchema>, datasets: readonly DatasetSpec[]): TrainingRunSpec[] {
  const dataset = datasets.find((d) => d.name === job.dataset);
  const tuning = (over: Partial<z.infer<typeof trainingJobSchema>>): JobTuning => ({
    maxSourceLength: over.maxSourceLength ?? job.maxSourceLength ?? dataset?.maxSourceLength ?? 1024,
    maxTargetLength: over.maxTargetLength ?? job.maxTargetLength ?? dataset?.maxTargetLength ?? 1024,
    microBatchSize: over.microBatchSize ?? job.microBatchSize ?? 1,
    globalBatchSize: over.globalBatchSize ?? job.globalBatchSize ?? 128,
    learningRate: over.learningRate ?? job.learningRate ?? 2e-5,
    epochs: over.epochs ?? job.epochs ?? 3,
    ...((over.zeroStage ?? job.zeroStage) ? { zeroStage: over.zeroStage ?? job.zeroStage } : {}),
    env: { ...(job.env ?? {}), ...(over.env ?? {}) },
  });
  const base = {
    job: job.name,
    team: job.team,
    queue: job.queue ?? job.team,
    priority: job.priority ?? "normal",
    model: {
      name: job.model.name,
      parameters: job.model.parameters,
      hiddenSize: job.model.hiddenSize,
      layers: job.model.layers,
      largestLayerParameters: job.model.largestLayerParameters ?? Math.round(job.model.parameters * 0.02),
      hub: hubAccess(job.model),
    },
    pool: job.pool,
    nodes: job.nodes,
    dataset: job.dataset,
    precision: job.precision ?? "bf16",
    optimizer: job.optimizer ?? "adamw",
    allowOffload: job.allowOffload ?? false,
    checkpointIntervalSteps: job.checkpointIntervalSteps ?? 500,
    command: [...(job.command ?? DEFAULT_TRAIN_COMMAND)],
  } as const;
  if (!job.variants || job.variants.length === 0) return [{ ...base, name: trainJobName(job.name), ...tuning({}) }];
  return job.variants.map((v) => ({ ...base, name: trainJobName(job.name, v.name), variant: v.name, ...tuning(v) }));
}

/** Requests waiting per replica before KEDA adds one: the vLLM production-stack chart's own threshold
 * (vllm-project/production-stack helm/values.yaml at vllm-stack-0.1.12, keda.triggers.metadata.threshold "5"). */
const DEFAULT_TARGET_QUEUE_DEPTH = 5;
/** Sequences a replica serves at once unless configured. */
const DEFAULT_CONCURRENCY_PER_REPLICA = 16;

function resolveInferenceEndpoint(e: z.infer<typeof inferenceEndpointSchema>): InferenceEndpointSpec {
  const s3 = e.weights.startsWith("s3://") ? parseS3Uri(e.weights) : undefined;
  return {
    name: e.name,
    team: e.team,
    pool: e.pool,
    model: { ...e.model, kvHeads: e.model.kvHeads ?? e.model.attentionHeads },
    weights: s3 ? { kind: "s3", uri: e.weights, ...s3 } : { kind: "shared", path: e.weights },
    loraAdapters: (e.loraAdapters ?? []).map((a) => ({ ...a })),
    gpusPerReplica: e.gpusPerReplica,
    replicas: { min: e.replicas.min, max: e.replicas.max, targetQueueDepth: e.replicas.targetQueueDepth ?? DEFAULT_TARGET_QUEUE_DEPTH },
    scaleToZero: e.scaleToZero ?? false,
    maxOutputTokens: e.maxOutputTokens,
    maxModelLen: e.maxModelLen,
    concurrencyPerReplica: e.concurrencyPerReplica ?? DEFAULT_CONCURRENCY_PER_REPLICA,
    traffic: { ...e.traffic },
    ...(e.vllmVersion ? { vllmVersion: e.vllmVersion } : {}),
    trustRemoteCode: e.trustRemoteCode ?? false,
    ...(e.weightsReadMBps ? { weightsReadMBps: e.weightsReadMBps } : {}),
    ...(e.gateway ? {
      gateway: {
        library: e.gateway.library,
        embeddingModel: e.gateway.embeddingModel,
        replicas: e.gateway.replicas ?? DEFAULT_GATEWAY_REPLICAS,
        clientNamespaces: [...(e.gateway.clientNamespaces ?? [])],
        ...(e.gateway.upstreamTimeoutMs ? { upstreamTimeoutMs: e.gateway.upstreamTimeoutMs } : {}),
      },
    } : {}),
  };
}

/** Two gateway (and embedder) replicas: a node drain or a rollout never leaves the endpoint without one. */
const DEFAULT_GATEWAY_REPLICAS = 2;

export const defaultZones = (region: string) => ["a", "b", "c"].map((suffix) => `${region}${suffix}`);

/** Training gets EFA where the type has it (the field notes' multi-node lesson); serving and system
 * pods do not talk across nodes, so they stay on the VPC's TCP network. */
export function resolvedAwsFabric(p: { fabric?: "efa" | "tcp"; purpose: Purpose; instanceType: string }): Fabric {
  const type = findInstanceType(p.instanceType);
  return p.fabric ?? (p.purpose === "training" && type && supportsEfa(type) ? "efa" : "tcp");
}
