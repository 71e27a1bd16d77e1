/**
 * Stack config → one immutable, typed platform spec. Every problem in the config is collected and
 * reported at once (ConfigError), each naming the key path, the bad value and what would be valid.
 * Pure: no Pulumi import, so the policy pack, the plan CLI and tests use it directly.
 */
import { z } from "zod";
import { findInstanceType, InstanceType, supportsEfa } from "../catalog/instances";
import { OnpremGpu } from "../catalog/gpus";
import { ConfigError, ConfigProblem, show } from "./errors";
import {
  awsNodePoolSchema,
  clusterSchema,
  configKey,
  existingNodePoolSchema,
  datasetSchema,
  gpuStackSchema,
  imagesSchema,
  networkSchema,
  storageSchema,
  teamSchema,
  trainingJobSchema,
  PROJECT,
  TARGETS,
} from "./schema";
import { storageAndDataProblems } from "./dataChecks";
import { didYouMean } from "./suggest";

export type Target = (typeof TARGETS)[number];
export type Purpose = "system" | "training" | "inference";
export type Fabric = "efa" | "infiniband" | "tcp";

export interface GpuStackSpec {
  readonly driverVersion: string;
  readonly cudaVersion: string;
  readonly pytorchVersion: string;
  readonly deepspeedVersion: string;
  /** operator: the GPU operator installs driverVersion; node-image: the nodes ship it (EKS accelerated AMI, on-prem hosts). */
  readonly driverManagedBy: "operator" | "node-image";
  readonly migStrategy: "none" | "single" | "mixed";
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

export type CapacityType = "on-demand" | "spot" | "capacity-block" | "reserved";

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
  readonly networkGbpsPerNode: number;
  readonly nodeSelector: Readonly<Record<string, string>>;
}

export type NodePoolSpec = AwsNodePoolSpec | ExistingNodePoolSpec;

export interface TeamSpec {
  readonly name: string;
  /** Nominal GPUs per pool name. */
  readonly gpuQuota: Readonly<Record<string, number>>;
}

export interface JobTuning {
  readonly maxSourceLength: number;
  readonly maxTargetLength: number;
  readonly microBatchSize: number;
  readonly globalBatchSize: number;
  readonly learningRate: number;
  readonly epochs: number;
  readonly zeroStage?: 1 | 2 | 3;
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
  readonly priority: "high" | "normal" | "low";
  readonly model: { readonly name: string; readonly parameters: number; readonly hiddenSize: number; readonly layers: number; readonly largestLayerParameters: number };
  readonly pool: string;
  readonly nodes: number;
  readonly dataset: string;
  readonly precision: "bf16" | "fp16";
  readonly optimizer: "adamw" | "adam" | "sgd";
  readonly allowOffload: boolean;
  readonly checkpointIntervalSteps: number;
  readonly command: readonly string[];
}

export interface DatasetSpec {
  readonly name: string;
  readonly version: string;
  readonly team: string;
  readonly rawPath: string;
  readonly samples: number;
  readonly meanTokensPerSample: number;
  readonly tokenizer: string;
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
  readonly project: typeof PROJECT;
  readonly stack: string;
  readonly budgetUsdPerMonth: number;
  readonly gpuStack: GpuStackSpec;
  readonly images: ImagesSpec;
  readonly teams: readonly TeamSpec[];
  readonly datasets: readonly DatasetSpec[];
  /** Every declared training job and variant, resolved. */
  readonly trainingRuns: readonly TrainingRunSpec[];
  readonly pipelines: { readonly enabled: boolean };
}

export interface AwsPlatformSpec extends SpecCommon {
  readonly target: "aws";
  readonly region: string;
  readonly storage?: AwsStorageSpec;
  readonly nodePools: readonly AwsNodePoolSpec[];
  readonly network: {
    readonly vpcCidr: string;
    readonly availabilityZones: readonly string[];
    readonly natGateways: "single" | "perAz";
  };
  readonly cluster: {
    readonly name: string;
    readonly kubernetesVersion: string;
    /** Empty: the API endpoint is private only. */
    readonly publicAccessCidrs: readonly string[];
    readonly adminRoleArns: readonly string[];
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

type KeyKind = "string" | "number" | "json" | "secret";
/** Every project key, how Pulumi's string value is decoded, and which target uses it. */
export const CONFIG_KEYS: Readonly<Record<string, { kind: KeyKind; targets: readonly Target[] }>> = {
  target: { kind: "string", targets: ["aws", "existing"] },
  budgetUsdPerMonth: { kind: "number", targets: ["aws", "existing"] },
  gpuStack: { kind: "json", targets: ["aws", "existing"] },
  images: { kind: "json", targets: ["aws", "existing"] },
  nodePools: { kind: "json", targets: ["aws", "existing"] },
  cluster: { kind: "json", targets: ["aws"] },
  network: { kind: "json", targets: ["aws"] },
  kubeconfig: { kind: "secret", targets: ["existing"] },
  storage: { kind: "json", targets: ["aws", "existing"] },
  teams: { kind: "json", targets: ["aws", "existing"] },
  datasets: { kind: "json", targets: ["aws", "existing"] },
  trainingJobs: { kind: "json", targets: ["aws", "existing"] },
  pipelines: { kind: "json", targets: ["aws", "existing"] },
};

const DEFAULT_VPC_CIDR = "10.0.0.0/16";
const DEFAULT_SHARD_MEMORY_MIB = 2048;
const DEFAULT_CLAIM_GIB = 1000;
const key = configKey;

export function parseSpec(raw: RawStackConfig): PlatformSpec {
  const problems: ConfigProblem[] = [];
  const decoded: Record<string, unknown> = {};
  const undecodable = new Set<string>();

  for (const [fullKey, text] of Object.entries(raw.values)) {
    const [namespace, ...rest] = fullKey.split(":");
    const name = rest.join(":");
    if (namespace !== PROJECT) continue; // other namespaces belong to providers (aws:region, …)
    const known = CONFIG_KEYS[name];
    if (!known) {
      problems.push({ path: fullKey, message: `is not a known key${didYouMean(name, Object.keys(CONFIG_KEYS)) || ` (known keys: ${Object.keys(CONFIG_KEYS).join(", ")})`}` });
      continue;
    }
    const value = decodeValue(fullKey, text, known.kind, raw.secretKeys.has(fullKey), problems);
    if (value !== undefined) decoded[name] = value;
    else undecodable.add(name);
  }

  const targetResult = z.enum(TARGETS).safeParse(decoded.target);
  if (!targetResult.success) {
    problems.push({ path: key("target"), message: `${show(decoded.target)} is not a target (valid: ${TARGETS.join(", ")})${didYouMean(decoded.target, TARGETS)}` });
    throw new ConfigError(raw.stack, problems);
  }
  const target = targetResult.data;

  for (const [name, meta] of Object.entries(CONFIG_KEYS)) {
    if (decoded[name] !== undefined && !meta.targets.includes(target)) {
      problems.push({ path: key(name), message: `is only used with target ${meta.targets.join(" or ")}, but this stack's target is ${target} (remove it)` });
    }
  }

  const common = z.object({
    budgetUsdPerMonth: z.number({ error: (i) => `${show(i.input)} is not a monthly budget in USD (a number > 0)` }).positive({ error: (i) => `${show(i.input)} is not a monthly budget in USD (a number > 0)` }),
    gpuStack: gpuStackSchema,
    images: imagesSchema,
  });
  const poolSchema = target === "aws" ? awsNodePoolSchema : existingNodePoolSchema;
  const shape = common.extend({
    nodePools: z.array(poolSchema, { error: (i) => `${show(i.input)} is not a list of node pools` }).min(1, { error: "lists no node pool (at least one GPU pool is needed)" }),
    ...(target === "aws" ? { cluster: clusterSchema, network: networkSchema.optional() } : {}),
    storage: storageSchema.optional(),
    teams: z.array(teamSchema, { error: (i) => `${show(i.input)} is not a list of teams` }).optional(),
    datasets: z.array(datasetSchema, { error: (i) => `${show(i.input)} is not a list of data sets` }).optional(),
    trainingJobs: z.array(trainingJobSchema, { error: (i) => `${show(i.input)} is not a list of training jobs` }).optional(),
    pipelines: z.strictObject({ enabled: z.boolean({ error: (i) => `${show(i.input)} is not true or false` }) }).optional(),
  });
  const parsed = shape.safeParse(decoded);
  if (!parsed.success) {
    // A key that could not be decoded was reported already; zod would only add "is required".
    const issues = parsed.error.issues.filter((issue) => !undecodable.has(String(issue.path[0])));
    problems.push(...issues.map((issue) => toProblem(issue, decoded, target)));
  }

  const pools = Array.isArray(decoded.nodePools) ? (decoded.nodePools as unknown[]) : [];
  problems.push(...crossPoolProblems(target, pools));

  const region = raw.values["aws:region"];
  if (target === "aws") {
    if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
      problems.push({ path: "aws:region", message: `${show(region)} is not an AWS region (e.g. "us-east-1")` });
    }
    const configured = (decoded.network as { availabilityZones?: unknown } | undefined)?.availabilityZones;
    if (region && Array.isArray(configured)) {
      configured.forEach((zone, i) => {
        if (typeof zone === "string" && !zone.startsWith(region)) {
          problems.push({ path: `${key("network")}.availabilityZones[${i}]`, message: `${show(zone)} is not in region ${region} (e.g. "${region}a")` });
        }
      });
    }
    const zones = Array.isArray(configured) ? (configured as unknown[]) : defaultZones(region ?? "");
    problems.push(...poolZoneProblems(pools, zones));
  } else if (decoded.kubeconfig === undefined && !problems.some((p) => p.path === key("kubeconfig"))) {
    problems.push({ path: key("kubeconfig"), message: `is required with target existing (set it with: pulumi config set --secret kubeconfig "$(cat ~/.kube/config)")` });
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(raw.stack, sortByPath(problems));
  const spec = buildSpec(raw, target, parsed.data as ParsedShape, region ?? "");
  // Rules that need the resolved spec (pool topologies, AZs, shard plans) run once it is whole.
  const dataProblems = storageAndDataProblems(spec, decoded);
  if (dataProblems.length > 0) throw new ConfigError(raw.stack, sortByPath(dataProblems));
  return deepFreeze(spec);
}

type ParsedShape = {
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
  pipelines?: { enabled: boolean };
};

function buildSpec(raw: RawStackConfig, target: Target, data: ParsedShape, region: string): PlatformSpec {
  const gpuStack: GpuStackSpec = {
    ...data.gpuStack,
    // The EKS accelerated AMI ships the driver and container toolkit; on-prem the operator installs them unless told otherwise.
    driverManagedBy: data.gpuStack.driverManagedBy ?? (target === "aws" ? "node-image" : "operator"),
    migStrategy: data.gpuStack.migStrategy ?? "single",
  };
  const images: ImagesSpec = { registry: data.images.registry, digests: { ...(data.images.digests ?? {}) } };
  const teams = (data.teams ?? []).map((t) => ({ name: t.name, gpuQuota: { ...(t.gpuQuota ?? {}) } }));
  const datasets = (data.datasets ?? []).map((d): DatasetSpec => ({
    name: d.name,
    version: d.version,
    team: d.team,
    rawPath: d.rawPath ?? `raw/${d.name}/${d.version}`,
    samples: d.samples,
    meanTokensPerSample: d.meanTokensPerSample,
    tokenizer: d.tokenizer,
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
  const pipelines = { enabled: data.pipelines?.enabled ?? true };
  const common = { project: PROJECT, stack: raw.stack, budgetUsdPerMonth: data.budgetUsdPerMonth, gpuStack, images, teams, datasets, trainingRuns, pipelines } as const;
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
        networkGbpsPerNode: p.networkGbpsPerNode,
        nodeSelector: p.nodeSelector ?? { [`${PROJECT}/pool`]: p.name },
      }),
    );
    const storage: ExistingStorageSpec | undefined = data.storage?.storageClassName
      ? { kind: "existing", storageClassName: data.storage.storageClassName, claimSizeGiB: data.storage.claimSizeGiB ?? DEFAULT_CLAIM_GIB }
      : undefined;
    return { ...common, target, nodePools, kubeconfigKey: key("kubeconfig"), ...(storage ? { storage } : {}) };
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
      name: cluster.name ?? `llm-${raw.stack}`,
      kubernetesVersion: cluster.kubernetesVersion,
      publicAccessCidrs: cluster.publicAccessCidrs ?? [],
      adminRoleArns: cluster.adminRoleArns ?? [],
    },
  };
}

/** The trainer entry point the platform's training image provides (see README, "Images"). */
export const DEFAULT_TRAIN_COMMAND = ["llm-train"] as const;

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
    model: { ...job.model, largestLayerParameters: job.model.largestLayerParameters ?? Math.round(job.model.parameters * 0.02) },
    pool: job.pool,
    nodes: job.nodes,
    dataset: job.dataset,
    precision: job.precision ?? "bf16",
    optimizer: job.optimizer ?? "adamw",
    allowOffload: job.allowOffload ?? false,
    checkpointIntervalSteps: job.checkpointIntervalSteps ?? 500,
    command: [...(job.command ?? DEFAULT_TRAIN_COMMAND)],
  } as const;
  if (!job.variants || job.variants.length === 0) return [{ ...base, name: job.name, ...tuning({}) }];
  return job.variants.map((v) => ({ ...base, name: `${job.name}-${v.name}`, variant: v.name, ...tuning(v) }));
}

const defaultZones = (region: string) => ["a", "b", "c"].map((suffix) => `${region}${suffix}`);

/** Training gets EFA where the type has it (the field notes' multi-node lesson); serving and system
 * pods do not talk across nodes, so they stay on the VPC's TCP network. */
function resolvedAwsFabric(p: { fabric?: "efa" | "tcp"; purpose: Purpose; instanceType: string }): Fabric {
  const type = findInstanceType(p.instanceType);
  return p.fabric ?? (p.purpose === "training" && type && supportsEfa(type) ? "efa" : "tcp");
}

function decodeValue(fullKey: string, text: string, kind: KeyKind, isSecret: boolean, problems: ConfigProblem[]): unknown {
  switch (kind) {
    case "string":
      return text;
    case "secret":
      if (!isSecret) problems.push({ path: fullKey, message: `is stored in plain text; it holds credentials, so set it as a secret (pulumi config set --secret ${fullKey.split(":")[1]} ...)` });
      return text;
    case "number": {
      const n = Number(text);
      if (text.trim() === "" || Number.isNaN(n)) {
        problems.push({ path: fullKey, message: `${show(text)} is not a number` });
        return undefined;
      }
      return n;
    }
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        problems.push({ path: fullKey, message: `${show(text)} is not a structured value (write it as a YAML map or list in the stack file)` });
        return undefined;
      }
  }
}

/** A pool's AZs must be the VPC's, and an EFA pool must sit in exactly one. */
function poolZoneProblems(pools: unknown[], zones: unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  pools.forEach((pool, i) => {
    if (typeof pool !== "object" || pool === null) return;
    const p = pool as Record<string, unknown>;
    const at = `${key("nodePools")}[${i}].availabilityZones`;
    if (!Array.isArray(p.availabilityZones)) return;
    p.availabilityZones.forEach((zone, j) => {
      if (typeof zone === "string" && !zones.includes(zone)) {
        problems.push({ path: `${at}[${j}]`, message: `${show(zone)} is not one of the VPC's availability zones (${zones.join(", ")})` });
      }
    });
    const efa = typeof p.instanceType === "string" && typeof p.purpose === "string" && resolvedAwsFabric(p as never) === "efa";
    if (efa && p.availabilityZones.length > 1) {
      problems.push({ path: at, message: `${show(p.availabilityZones)} spreads an EFA pool over ${p.availabilityZones.length} subnets; EFA traffic does not cross AZs and jobs that mix subnets fail (list one AZ)` });
    }
  });
  return problems;
}

/** Rules across fields of a pool, and across pools: counts, names, the system pool. */
function crossPoolProblems(target: Target, pools: unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  pools.forEach((pool, i) => {
    if (typeof pool !== "object" || pool === null) return;
    const p = pool as Record<string, unknown>;
    const at = `${key("nodePools")}[${i}]`;
    if (typeof p.name === "string") {
      const first = seen.get(p.name);
      if (first !== undefined) problems.push({ path: `${at}.name`, message: `${show(p.name)} is already the name of nodePools[${first}] (pool names must be unique)` });
      else seen.set(p.name, i);
    }
    const min = p.minNodes;
    const max = p.maxNodes;
    if (typeof min === "number" && typeof max === "number" && min > max) {
      problems.push({ path: `${at}.minNodes`, message: `${min} is greater than maxNodes ${max} (minNodes must be ≤ maxNodes)` });
    }
    const desired = p.desiredNodes;
    if (typeof desired === "number" && typeof min === "number" && typeof max === "number" && min <= max && (desired < min || desired > max)) {
      problems.push({ path: `${at}.desiredNodes`, message: `${desired} is outside minNodes..maxNodes (${min}..${max})` });
    }
  });
  if (target === "aws") {
    const systemPools = pools.filter((p) => typeof p === "object" && p !== null && (p as Record<string, unknown>).purpose === "system");
    if (pools.length > 0 && systemPools.length !== 1) {
      problems.push({ path: key("nodePools"), message: `has ${systemPools.length} pools with purpose system; an AWS stack needs exactly one (it runs CoreDNS, operators and controllers)` });
    }
  }
  return problems;
}

function toProblem(issue: z.core.$ZodIssue, input: Record<string, unknown>, target: Target): ConfigProblem {
  const [top, ...rest] = issue.path;
  const path = key(String(top)) + rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  const value = issue.path.reduce<unknown>((v, p) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined), input);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(issue.path, target);
      return {
        path,
        message: issue.keys
          .map((k) => `unknown key ${show(k)}${didYouMean(k, known) || (known.length ? ` (valid keys: ${known.join(", ")})` : "")}`)
          .join("; "),
      };
    }
    case "invalid_type":
      if (value === undefined) return { path, message: `is required${requiredHint(issue.path)}` };
      return { path, message: issue.message.startsWith("Invalid input") ? `${show(value)} is not a ${issue.expected}` : issue.message };
    default:
      return { path, message: issue.message };
  }
}

const KEYS_BY_PATH: Record<string, readonly string[]> = {
  gpuStack: Object.keys(gpuStackSchema.shape),
  images: Object.keys(imagesSchema.shape),
  cluster: Object.keys(clusterSchema.shape),
  network: Object.keys(networkSchema.shape),
};

function knownKeysAt(path: readonly PropertyKey[], target: Target): readonly string[] {
  if (path[0] === "nodePools") return Object.keys((target === "aws" ? awsNodePoolSchema : existingNodePoolSchema).shape);
  return KEYS_BY_PATH[String(path[0])] ?? [];
}

function requiredHint(path: readonly PropertyKey[]): string {
  const hints: Record<string, string> = {
    budgetUsdPerMonth: " (the monthly USD budget the cost policy enforces, e.g. 5000)",
    gpuStack: " ({ driverVersion, cudaVersion, pytorchVersion, deepspeedVersion })",
    images: ' ({ registry: "<host>/<path>" } where the aligned images are pushed)',
    nodePools: " (a list of node pools)",
    cluster: " ({ kubernetesVersion: \"1.33\", ... })",
    kubernetesVersion: ' (e.g. "1.33")',
  };
  return hints[String(path[path.length - 1])] ?? "";
}

/** Problems in key order (stable within a key), so a long report reads like the stack file. */
function sortByPath(problems: ConfigProblem[]): ConfigProblem[] {
  const order = (p: ConfigProblem) => p.path.replace(/\[(\d+)\]/g, (_, n: string) => `[${n.padStart(4, "0")}]`);
  return [...problems].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
