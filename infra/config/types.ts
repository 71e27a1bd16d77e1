/**
 * The platform spec: the validated, typed, immutable form of a stack's config that every pure
 * function, component, policy and the offline plan reads. Types only (no values, no imports of
 * code), so any layer may depend on it without a cycle.
 */
import type { InstanceType } from "../catalog/instances";
import type { OnpremGpu } from "../catalog/gpus";
import type { CapacityType, DriverManager, Fabric, MigStrategy, NatMode, Optimizer, Precision, Priority, Purpose, ReclaimMode, ZeroStage } from "./enums";

export type { CapacityType, Fabric, Purpose, ReclaimMode, Target } from "./enums";

export interface GpuStackSpec {
  readonly driverVersion: string;
  readonly cudaVersion: string;
  readonly pytorchVersion: string;
  readonly deepspeedVersion: string;
  /** operator: the GPU operator installs driverVersion; node-image: the nodes ship it (EKS accelerated AMI, on-prem hosts). */
  readonly driverManagedBy: DriverManager;
  readonly migStrategy: MigStrategy;
}

export interface ImagesSpec {
  readonly registry: string;
  readonly digests: Readonly<Record<string, string>>;
}

interface NodePoolCommon {
  readonly name: string;
  readonly purpose: Purpose;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Nodes at creation and the "expected" count for cost; between minNodes and maxNodes. */
  readonly desiredNodes: number;
  readonly fabric: Fabric;
  /** Override of the fabric acceptance test's bus-bandwidth floor, GB/s. */
  readonly ncclBusBandwidthFloorGBps?: number;
}

export interface AwsNodePoolSpec extends NodePoolCommon {
  readonly kind: "aws";
  readonly instanceType: InstanceType;
  /** AZs of the pool's subnets (one for EFA pools); a subset of network.availabilityZones. */
  readonly availabilityZones: readonly string[];
  readonly capacityType: CapacityType;
  readonly capacityReservationId?: string;
}

export interface ExistingNodePoolSpec extends NodePoolCommon {
  readonly kind: "existing";
  readonly gpu: OnpremGpu;
  readonly gpusPerNode: number;
  readonly cpusPerNode: number;
  readonly memoryGiBPerNode: number;
  readonly networkGbpsPerNode: number;
  readonly nodeSelector: Readonly<Record<string, string>>;
}

export type NodePoolSpec = AwsNodePoolSpec | ExistingNodePoolSpec;

/** What the idle-GPU reclaimer may do with a team's workloads. */
export interface ReclaimSpec {
  readonly mode: ReclaimMode;
  /** Minutes a workload's GPUs must have been idle (all of them, the whole time) before it is reclaimed. */
  readonly idleGraceMinutes: number;
}

export interface TeamSpec {
  readonly name: string;
  /** Nominal GPUs per pool name. */
  readonly gpuQuota: Readonly<Record<string, number>>;
  readonly reclaim: ReclaimSpec;
  /** IAM role ARNs (AWS) or Kubernetes groups (existing cluster) given the team's role in its namespace. */
  readonly members: readonly string[];
}

/** The Prometheus the platform installs (kube-prometheus-stack) ... */
export interface PlatformPrometheusSpec {
  readonly kind: "platform";
  readonly retentionDays: number;
  readonly storageGiB: number;
  /** Undefined: the cluster's default StorageClass. */
  readonly storageClassName?: string;
}

/** ... or one the cluster already runs: only monitors, rules and dashboards are created. */
export interface ExistingPrometheusSpec {
  readonly kind: "existing";
  /** Its in-cluster query URL (e.g. http://prometheus-operated.monitoring.svc:9090). */
  readonly url: string;
  /** Its namespace: the platform's monitors, rules and dashboards go there (always within its selectors' reach). */
  readonly namespace: string;
  /** Labels its serviceMonitorSelector, podMonitorSelector and ruleSelector match (the release-label gotcha). */
  readonly selectorLabels: Readonly<Record<string, string>>;
}

export interface MonitoringSpec {
  readonly prometheus: PlatformPrometheusSpec | ExistingPrometheusSpec;
  /** Grafana with the platform's Prometheus; with an existing one, its Grafana's sidecar picks up the dashboards. */
  readonly grafana: { readonly enabled: boolean };
  /** GPUAllocatedIdle: a GPU held by a pod below this utilization for this long. */
  readonly gpuIdle: { readonly utilizationBelowPercent: number; readonly forMinutes: number };
}

export interface JobTuning {
  readonly maxSourceLength: number;
  readonly maxTargetLength: number;
  readonly microBatchSize: number;
  readonly globalBatchSize: number;
  readonly learningRate: number;
  readonly epochs: number;
  readonly zeroStage?: ZeroStage;
  readonly env: Readonly<Record<string, string>>;
}

/** One TrainJob to render: a declared job, or one of its variants with its overrides applied. */
export interface TrainingRunSpec extends JobTuning {
  /** `<job>` or `<job>-<variant>` */
  readonly name: string;
  readonly job: string;
  readonly variant?: string;
  readonly team: string;
  readonly queue: string;
  readonly priority: Priority;
  readonly model: { readonly name: string; readonly parameters: number; readonly hiddenSize: number; readonly layers: number; readonly largestLayerParameters: number; readonly hub: HubAccess };
  readonly pool: string;
  readonly nodes: number;
  readonly dataset: string;
  readonly precision: Precision;
  readonly optimizer: Optimizer;
  readonly allowOffload: boolean;
  readonly checkpointIntervalSteps: number;
  readonly command: readonly string[];
}

/** What loading a model or tokenizer needs: a token Secret for gated repositories, and whether its own code runs. */
export interface HubAccess {
  readonly tokenSecret?: { readonly name: string; readonly key: string };
  readonly trustRemoteCode: boolean;
}

export interface DatasetSpec {
  readonly name: string;
  readonly version: string;
  readonly team: string;
  readonly rawPath: string;
  readonly samples: number;
  readonly meanTokensPerSample: number;
  readonly tokenizer: string;
  readonly hub: HubAccess;
  readonly maxSourceLength: number;
  readonly maxTargetLength: number;
  readonly fillerWords: readonly string[];
  readonly bannedPatterns: readonly string[];
  readonly featureTags: readonly string[];
  readonly shardFor: { readonly pool: string; readonly nodes: number };
  readonly memoryBudgetMiB: number;
  /** Undefined: the world size. */
  readonly tokeniseParallelism?: number;
  readonly tokenBytes: 2 | 4;
  readonly seed: number;
}

/** The transformer shape the memory fit and the latency estimate read (a training job's model, plus attention heads). */
export interface ServedModelSpec {
  /** The name clients put in a request's `model` (vLLM --served-model-name). */
  readonly name: string;
  readonly parameters: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly attentionHeads: number;
  /** Key/value heads (grouped-query attention); equal to attentionHeads without GQA. */
  readonly kvHeads: number;
}

export interface LoraAdapterSpec {
  readonly name: string;
  /** Path relative to the shared volume. */
  readonly path: string;
  readonly rank: number;
}

/** Where an endpoint's weights come from: a path on the team's shared volume, or an S3 prefix streamed at start-up. */
export type WeightsSource =
  | { readonly kind: "shared"; readonly path: string }
  | { readonly kind: "s3"; readonly uri: string; readonly bucket: string; readonly prefix: string };

/** One inference endpoint: a vLLM Deployment on an inference pool, autoscaled on queue depth. */
export interface InferenceEndpointSpec {
  readonly name: string;
  readonly team: string;
  readonly pool: string;
  readonly model: ServedModelSpec;
  readonly weights: WeightsSource;
  readonly loraAdapters: readonly LoraAdapterSpec[];
  readonly gpusPerReplica: number;
  readonly replicas: { readonly min: number; readonly max: number; readonly targetQueueDepth: number };
  /** min 0 is allowed only with this set; KEDA then parks the Deployment at zero when idle. */
  readonly scaleToZero: boolean;
  readonly maxOutputTokens: number;
  readonly maxModelLen: number;
  /** Sequences one replica serves at once (vLLM --max-num-seqs): the concurrency the estimate and the memory fit assume. */
  readonly concurrencyPerReplica: number;
  readonly traffic: { readonly requestsPerSecond: number; readonly inputTokens: number; readonly outputTokens: number };
  /** A vLLM release to pin; undefined: the newest release the alignment module finds for the pool. */
  readonly vllmVersion?: string;
  /** Runs Python shipped with the weights (e.g. ChatGLM's tokenizer); the code comes from the weights, not a hub. */
  readonly trustRemoteCode: boolean;
  /** Read throughput one replica gets from where its weights are, MB/s (sizes the start-up probe); undefined: derived. */
  readonly weightsReadMBps?: number;
}

export interface AwsStorageSpec {
  readonly kind: "aws";
  readonly fsx: { readonly storageCapacityGiB: number; readonly throughputPerTiB: number; readonly availabilityZone: string };
  readonly s3: { readonly expectedDataGiB: number };
}

export interface ExistingStorageSpec {
  readonly kind: "existing";
  readonly storageClassName: string;
  readonly claimSizeGiB: number;
}

interface SpecCommon {
  readonly project: string;
  readonly stack: string;
  readonly budgetUsdPerMonth: number;
  readonly gpuStack: GpuStackSpec;
  readonly images: ImagesSpec;
  readonly teams: readonly TeamSpec[];
  readonly datasets: readonly DatasetSpec[];
  /** Every declared training job and variant, resolved. */
  readonly trainingRuns: readonly TrainingRunSpec[];
  readonly pipelines: { readonly enabled: boolean; readonly manifestsDir: string };
  readonly monitoring: MonitoringSpec;
  readonly inferenceEndpoints: readonly InferenceEndpointSpec[];
}

export interface AwsPlatformSpec extends SpecCommon {
  readonly target: "aws";
  readonly region: string;
  readonly storage?: AwsStorageSpec;
  readonly nodePools: readonly AwsNodePoolSpec[];
  readonly network: {
    readonly vpcCidr: string;
    readonly availabilityZones: readonly string[];
    readonly natGateways: NatMode;
  };
  readonly cluster: {
    readonly name: string;
    readonly kubernetesVersion: string;
    /** Empty: the API endpoint is private only. */
    readonly publicAccessCidrs: readonly string[];
    readonly adminRoleArns: readonly string[];
    /** EKS AMI release every node group is pinned to (its NVIDIA AMI ships the stack's driver). */
    readonly nodeImageRelease: string;
  };
}

export interface ExistingPlatformSpec extends SpecCommon {
  readonly target: "existing";
  readonly storage?: ExistingStorageSpec;
  readonly nodePools: readonly ExistingNodePoolSpec[];
  /** The config key holding the (secret) kubeconfig; the program reads it as a secret. */
  readonly kubeconfigKey: string;
}

export type PlatformSpec = AwsPlatformSpec | ExistingPlatformSpec;

/** Stack config as Pulumi holds it: full key (`llm-platform:nodePools`) → string value. */
export interface RawStackConfig {
  readonly stack: string;
  readonly values: Readonly<Record<string, string>>;
  /** Keys whose values are secrets (`secure:` in the stack file). */
  readonly secretKeys: ReadonlySet<string>;
}
