/**
 * The stack config schema (zod): field-level rules. Every key lives under the `llm-platform:`
 * namespace except the AWS provider's own `aws:region`. Rules that span keys live in poolRules.ts
 * and dataChecks.ts. Messages are written for the person editing the stack file: what is wrong and
 * what would be valid.
 */
import { z } from "zod";
import { findInstanceType, instanceTypeNames, isGpuInstance, supportsEfa } from "../catalog/instances";
import { ONPREM_GPUS } from "../catalog/gpus";
import { isIpv4Cidr, isOpenToInternet, networkCidr, prefixLength } from "../network/cidr";
import {
  AWS_FABRICS,
  CAPACITY_TYPES,
  DRIVER_MANAGERS,
  MIG_STRATEGIES,
  NAT_MODES,
  ONPREM_FABRICS,
  OPTIMIZERS,
  PRECISIONS,
  PRIORITIES,
  PURPOSES,
  RECLAIM_MODES,
  ZERO_STAGES,
} from "./enums";
import { supportedKubernetesMinors } from "../versions";
import { didYouMean } from "./suggest";
import { show } from "./errors";
import { bannedPatternProblem } from "../data/bannedPatterns";
import { relativeDataPathProblem } from "../data/paths";

// Names of pools, teams, data sets, jobs and variants become namespaces, label values and parts of
// other names: RFC 1123 labels (≤ 63). The names derived from them have their own limits, checked
// in nameChecks.ts against infra/naming.ts.
const poolName = z
  .string({ error: "must be a string" })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: (i) => `${show(i.input)} is not a valid pool name (lowercase letters, digits and '-', starting and ending with a letter or digit)` })
  .max(63, { error: (i) => `${show(i.input)} is longer than 63 characters (a Kubernetes label value)` });

// Label keys: an optional DNS-subdomain prefix (≤ 253) and a name of ≤ 63 characters; values ≤ 63
// ("Labels and Selectors", kubernetes.io/docs/concepts/overview/working-with-objects/labels/;
// IsQualifiedName and IsValidLabelValue in k8s.io/apimachinery pkg/util/validation/validation.go).
const labelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { error: (i) => `${show(i.input)} is not a label key ([prefix/]name: a name of at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; a prefix of lowercase DNS labels)` })
  .refine((k) => !k.includes("/") || k.indexOf("/") <= 253, { error: (i) => `${show(i.input)} has a prefix longer than 253 characters (a label key's prefix is a DNS subdomain)` });
const labelValue = z.string({ error: (i) => `${show(i.input)} is not a label value (strings only)` }).regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, { error: (i) => `${show(i.input)} is not a label value (≤ 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)` });

const positiveInt = (what: string) => z.number({ error: (i) => `${show(i.input)} is not ${what}` }).int({ error: (i) => `${show(i.input)} is not ${what}` }).positive({ error: (i) => `${show(i.input)} is not ${what}` });
const nodeCount = z.number({ error: (i) => `${show(i.input)} is not a whole number ≥ 0` }).int({ error: (i) => `${show(i.input)} is not a whole number ≥ 0` }).min(0, { error: (i) => `${show(i.input)} is not a whole number ≥ 0` });

const purpose = z.enum(PURPOSES, { error: (i) => `${show(i.input)} is not a pool purpose (valid: ${PURPOSES.join(", ")})${didYouMean(i.input, PURPOSES)}` });

const poolCommon = {
  name: poolName,
  /** Override of the NCCL all-reduce bus bandwidth (GB/s) the fabric acceptance test demands of this pool. */
  ncclBusBandwidthFloorGBps: z.number({ error: (i) => `${show(i.input)} is not a bandwidth in GB/s` }).positive({ error: (i) => `${show(i.input)} is not a bandwidth in GB/s > 0` }).optional(),
  minNodes: nodeCount,
  maxNodes: nodeCount.refine((n) => n >= 1, { error: (i) => `${show(i.input)} must be at least 1 (a pool that can never have a node is not a pool)` }),
  /** Nodes the pool starts with, and the count the cost model calls "expected"; default minNodes. */
  desiredNodes: nodeCount.optional(),
  purpose,
};

const instanceType = z.string({ error: (i) => `${show(i.input)} is not an instance type name` }).refine((name) => findInstanceType(name) !== undefined, {
  error: (i) => `${show(i.input)} is not a known instance type${didYouMean(i.input, instanceTypeNames())}`,
});

export const awsNodePoolSchema = z
  .strictObject({
    ...poolCommon,
    instanceType,
    /** efa (default where the type supports it) or tcp. */
    fabric: z.enum(AWS_FABRICS, { error: (i) => `${show(i.input)} is not a fabric on AWS (valid: ${AWS_FABRICS.join(", ")}; InfiniBand exists only on-prem)` }).optional(),
    /** AZs of the pool's subnets; an EFA pool has exactly one. */
    availabilityZones: z.array(z.string({ error: (i) => `${show(i.input)} is not an availability zone name` }), { error: (i) => `${show(i.input)} is not a list of availability zones` }).min(1, { error: "lists no availability zone" }).optional(),
    /** on-demand (default), spot, capacity-block (EC2 Capacity Blocks for ML) or reserved (an On-Demand Capacity Reservation). */
    capacityType: z.enum(CAPACITY_TYPES, { error: (i) => `${show(i.input)} is not a capacity type (valid: ${CAPACITY_TYPES.join(", ")})${didYouMean(i.input, CAPACITY_TYPES)}` }).optional(),
    /** The reservation (cr-…) a capacity-block or reserved pool launches into. */
    capacityReservationId: z.string().regex(/^cr-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: (i) => `${show(i.input)} is not a capacity reservation id (cr- followed by 8 or 17 hex digits)` }).optional(),
  })
  .superRefine((pool, ctx) => {
    const type = findInstanceType(pool.instanceType);
    if (!type) return;
    if (pool.purpose !== "system" && !isGpuInstance(type)) {
      ctx.addIssue({ code: "custom", path: ["instanceType"], input: pool.instanceType, message: `${show(pool.instanceType)} has no GPU, but the pool's purpose is ${pool.purpose} (use a GPU type such as g6e.xlarge, p5.48xlarge)` });
    }
    if (pool.purpose === "system" && isGpuInstance(type)) {
      ctx.addIssue({ code: "custom", path: ["instanceType"], input: pool.instanceType, message: `${show(pool.instanceType)} is a GPU type; a system pool runs controllers, not GPU work (use a CPU type such as m6i.xlarge)` });
    }
    if (pool.fabric === "efa" && !supportsEfa(type)) {
      ctx.addIssue({ code: "custom", path: ["fabric"], input: pool.fabric, message: `"efa" is not supported by ${pool.instanceType} (use fabric tcp, or an EFA type such as p5.48xlarge or g6e.8xlarge)` });
    }
    const reserved = pool.capacityType === "capacity-block" || pool.capacityType === "reserved";
    if (reserved && !pool.capacityReservationId) {
      ctx.addIssue({ code: "custom", path: ["capacityReservationId"], input: undefined, message: `is required with capacityType ${pool.capacityType} (the cr-… id of the reservation)` });
    }
    if (!reserved && pool.capacityReservationId) {
      ctx.addIssue({ code: "custom", path: ["capacityReservationId"], input: pool.capacityReservationId, message: `${show(pool.capacityReservationId)} is only used with capacityType capacity-block or reserved (this pool's is ${pool.capacityType ?? "on-demand"})` });
    }
  });

export const existingNodePoolSchema = z.strictObject({
  ...poolCommon,
  gpu: z.enum(ONPREM_GPUS, { error: (i) => `${show(i.input)} is not a supported on-prem GPU (valid: ${ONPREM_GPUS.join(", ")})${didYouMean(i.input, ONPREM_GPUS)}` }),
  gpusPerNode: z.number({ error: (i) => `${show(i.input)} is not a GPU count (1, 2, 4, 8 or 16)` }).refine((n) => [1, 2, 4, 8, 16].includes(n), { error: (i) => `${show(i.input)} is not a GPU count (1, 2, 4, 8 or 16)` }),
  fabric: z.enum(ONPREM_FABRICS, {
    error: (i) => (i.input === "efa" ? `"efa" exists only on AWS; on-prem pools use infiniband or tcp` : `${show(i.input)} is not an on-prem fabric (valid: ${ONPREM_FABRICS.join(", ")})${didYouMean(i.input, ONPREM_FABRICS)}`),
  }),
  /** The hosts' CPUs and memory: workers request and are limited to 90 % of them (the rest is for system daemons). */
  cpusPerNode: positiveInt("a CPU count (a whole number > 0, e.g. 128)"),
  memoryGiBPerNode: positiveInt("a memory size in GiB (a whole number > 0, e.g. 1024)"),
  /** Inter-node bandwidth of one node in Gbps (e.g. 4 × 200 Gb/s HDR = 800). */
  networkGbpsPerNode: z.number({ error: (i) => `${show(i.input)} is not a bandwidth in Gbps (a number > 0, e.g. 800 for 4 × HDR 200)` }).positive({ error: (i) => `${show(i.input)} is not a bandwidth in Gbps (a number > 0, e.g. 800 for 4 × HDR 200)` }),
  /** Node labels that select this pool's nodes on the existing cluster; default `llm-platform/pool: <name>`. */
  nodeSelector: z.record(labelKey, labelValue, { error: (i) => `${show(i.input)} is not a map of node labels` }).optional(),
});

// Version strings stay strings: YAML would read 12.10 as the number 12.1.
const version = (what: string, pattern: RegExp, example: string) =>
  z.string({ error: (i) => `${show(i.input)} is not a ${what} version string (write it quoted, e.g. "${example}")` }).regex(pattern, { error: (i) => `${show(i.input)} is not a ${what} version (e.g. "${example}")` });


export const gpuStackSchema = z.strictObject({
  driverVersion: version("driver", /^\d{3}(\.\d{1,3}){1,2}$/, "580.105.08"),
  cudaVersion: version("CUDA", /^\d{2}\.\d{1,2}$/, "12.8"),
  pytorchVersion: version("PyTorch", /^\d+\.\d+\.\d+$/, "2.7.1"),
  deepspeedVersion: version("DeepSpeed", /^\d+\.\d+\.\d+$/, "0.17.1"),
  /** Who installs the driver: the GPU operator (pinned to driverVersion) or the node image (which ships driverVersion). */
  driverManagedBy: z.enum(DRIVER_MANAGERS, { error: (i) => `${show(i.input)} is not a driver manager (valid: ${DRIVER_MANAGERS.join(", ")})${didYouMean(i.input, DRIVER_MANAGERS)}` }).optional(),
  /** The GPU operator's MIG strategy. */
  migStrategy: z.enum(MIG_STRATEGIES, { error: (i) => `${show(i.input)} is not a MIG strategy (valid: ${MIG_STRATEGIES.join(", ")})` }).optional(),
});

export const imagesSchema = z.strictObject({
  /** Registry path the platform's aligned images are pushed to, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-platform. */
  registry: z.string({ error: (i) => `${show(i.input)} is not a registry path` }).regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/, { error: (i) => `${show(i.input)} is not a registry path (host[:port]/path, lowercase, no tag)` }),
  /** Known digests by image reference without digest ("<registry>/llm-train:<tag>" → "sha256:…"), so pods pull by digest. */
  digests: z.record(z.string(), z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: (i) => `${show(i.input)} is not an image digest (sha256: followed by 64 hex digits)` })).optional(),
});

const cidr = z.string({ error: (i) => `${show(i.input)} is not a CIDR block` }).refine(isIpv4Cidr, { error: (i) => `${show(i.input)} is not an IPv4 CIDR block (e.g. "203.0.113.0/24")` });

export const clusterSchema = z.strictObject({
  /** EKS cluster name; default `llm-<stack>`. */
  name: z.string().regex(/^[a-zA-Z][-a-zA-Z0-9_]{0,99}$/, { error: (i) => `${show(i.input)} is not a valid EKS cluster name (letters, digits, '-' and '_', starting with a letter, ≤ 100)` }).optional(),
  kubernetesVersion: z
    .string({ error: (i) => `${show(i.input)} is not a Kubernetes version string (quote it, e.g. "1.34")` })
    .regex(/^1\.\d{2}$/, { error: (i) => `${show(i.input)} is not a Kubernetes minor version (e.g. "1.34")` })
    // The autoscaler's image and chart follow the cluster's minor; only pinned, contract-tested minors run.
    .refine((v) => !/^1\.\d{2}$/.test(v) || supportedKubernetesMinors().includes(v), {
      error: (i) => `${show(i.input)} has no pinned cluster autoscaler (chart and image of that minor); supported: ${supportedKubernetesMinors().join(", ")}`,
    }),
  /** CIDRs allowed to reach a public API endpoint; empty (default) keeps the endpoint private. */
  publicAccessCidrs: z
    .array(
      cidr.refine((c) => !isOpenToInternet(c), { error: (i) => `${show(i.input)} opens the API endpoint to the whole internet; list the CIDRs of your CI runners or VPN instead` }),
      { error: (i) => `${show(i.input)} is not a list of CIDR blocks` },
    )
    .optional(),
  /**
   * EKS AMI release every node group is pinned to (`releaseVersion`, e.g. "1.34.2-20260116");
   * default: the newest known release of the cluster's minor that ships gpuStack.driverVersion.
   */
  nodeImageRelease: z.string({ error: (i) => `${show(i.input)} is not an EKS AMI release version` }).regex(/^1\.\d{2}\.\d+-\d{8}$/, { error: (i) => `${show(i.input)} is not an EKS AMI release version (<kubernetes patch>-<yyyymmdd>, e.g. "1.34.2-20260116")` }).optional(),
  /** IAM roles granted cluster-admin through EKS access entries, besides the deploying role. */
  // IAM: a role name is 1–64 of [\w+=,.@-]; a path is /-separated segments (IAM API reference, CreateRole).
  adminRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, { error: (i) => `${show(i.input)} is not an IAM role ARN (arn:aws:iam::<account>:role/[<path>/]<name>, a name of at most 64 letters, digits and +=,.@_-)` })).optional(),
});

export const networkSchema = z.strictObject({
  vpcCidr: cidr
    .refine((c) => !isIpv4Cidr(c) || (prefixLength(c) >= 16 && prefixLength(c) <= 20), { error: (i) => `${show(i.input)} must be a /16 to /20 block so each AZ gets its node and public subnets` })
    .refine((c) => !isIpv4Cidr(c) || networkCidr(c) === c, { error: (i) => `${show(i.input)} has host bits set (did you mean ${networkCidr(String(i.input))}?)` })
    .optional(),
  /** Availability zones for the node subnets; default the region's a, b, c. */
  availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: (i) => `${show(i.input)} is not an availability zone name (e.g. "us-east-1a")` })).min(2, { error: "needs at least 2 availability zones (EKS requires subnets in two AZs)" }).max(6, { error: "at most 6 availability zones" }).optional(),
  /** single: one NAT gateway (cheap, dev); perAz: one per AZ (no cross-AZ dependency, prod). */
  natGateways: z.enum(NAT_MODES, { error: (i) => `${show(i.input)} is not a NAT gateway mode (valid: ${NAT_MODES.join(", ")})` }).optional(),
});


// FSx for Lustre PERSISTENT_2 (SSD): 125, 250, 500 or 1000 MB/s per TiB; capacity 1,200 GiB,
// 2,400 GiB or a multiple of 2,400 GiB (docs.aws.amazon.com/fsx/latest/LustreGuide/managing-storage-capacity.html).
const FSX_THROUGHPUT_TIERS = [125, 250, 500, 1000] as const;
const isFsxPersistent2Capacity = (gib: number) => gib === 1200 || (gib > 0 && gib % 2400 === 0);

export const storageSchema = z.strictObject({
  /** AWS: the FSx for Lustre file system the tokenised shards live on. */
  fsx: z
    .strictObject({
      storageCapacityGiB: positiveInt("a capacity in GiB").refine(isFsxPersistent2Capacity, {
        error: (i) => `${show(i.input)} is not a PERSISTENT_2 capacity (1200, 2400, or a multiple of 2400 GiB, e.g. ${Math.max(2400, Math.ceil(Number(i.input) / 2400) * 2400)})`,
      }),
      throughputPerTiB: z.number({ error: (i) => `${show(i.input)} is not a throughput tier` }).refine((t) => (FSX_THROUGHPUT_TIERS as readonly number[]).includes(t), {
        error: (i) => `${show(i.input)} is not a PERSISTENT_2 throughput tier (valid: ${FSX_THROUGHPUT_TIERS.join(", ")} MB/s per TiB)`,
      }),
      /** The file system's AZ; default the AZ of the EFA training pools. Training pools must share it. */
      availabilityZone: z.string().optional(),
    })
    .optional(),
  /** AWS: the S3 bucket behind the file system (raw data, shards, checkpoints). */
  s3: z.strictObject({ expectedDataGiB: z.number({ error: (i) => `${show(i.input)} is not a size in GiB` }).min(0, { error: (i) => `${show(i.input)} is not a size in GiB ≥ 0` }) }).optional(),
  /** Existing clusters: a ReadWriteMany StorageClass (NFS, Lustre, CephFS, …) the cluster already has. */
  storageClassName: z.string({ error: (i) => `${show(i.input)} is not a StorageClass name` }).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: (i) => `${show(i.input)} is not a StorageClass name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)` }).max(253, { error: (i) => `${show(i.input)} is longer than the 253 characters of a Kubernetes object name` }).optional(),
  /** Existing clusters: the size each team's shared-data claim requests. */
  claimSizeGiB: positiveInt("a size in GiB").optional(),
});

/** Shortest idle grace the reclaimer accepts: model loading and checkpoint writes idle GPUs for minutes at a time. */
const MIN_IDLE_GRACE_MINUTES = 30;

export const reclaimSchema = z.strictObject({
  /** off: never looked at; dry-run: idle workloads are annotated and an Event says what would happen; deactivate: also set spec.active false. */
  mode: z.enum(RECLAIM_MODES, { error: (i) => `${show(i.input)} is not a reclaim mode (valid: ${RECLAIM_MODES.join(", ")})${didYouMean(i.input, RECLAIM_MODES)}` }).optional(),
  /** Minutes of idle GPUs (every GPU of the workload below gpuIdle.utilizationBelowPercent) before the workload is reclaimed. */
  idleGraceMinutes: positiveInt("a number of minutes (a whole number > 0)")
    .refine((m) => m >= MIN_IDLE_GRACE_MINUTES, { error: (i) => `${show(i.input)} is shorter than ${MIN_IDLE_GRACE_MINUTES} minutes (loading a model or writing a checkpoint idles GPUs for minutes; use ≥ ${MIN_IDLE_GRACE_MINUTES})` })
    .optional(),
});

export const teamSchema = z.strictObject({
  /** Team name; also its namespace. */
  name: poolName,
  /** Guaranteed GPUs per pool (Kueue nominal quota); idle quota is lent within the cohort. */
  gpuQuota: z.record(z.string(), z.number({ error: (i) => `${show(i.input)} is not a GPU count` }).int({ error: (i) => `${show(i.input)} is not a whole GPU count` }).min(0, { error: (i) => `${show(i.input)} is not a GPU count ≥ 0` })).optional(),
  /** The idle-GPU reclaimer's policy for this team; default dry-run after 120 minutes. */
  reclaim: reclaimSchema.optional(),
  /**
   * Who works in the team's namespace (and only there): IAM role ARNs on AWS (EKS access entries),
   * Kubernetes group names on an existing cluster.
   */
  members: z.array(z.string({ error: (i) => `${show(i.input)} is not a member (an IAM role ARN on AWS, a group name on an existing cluster)` }).min(1, { error: "is empty" }), { error: (i) => `${show(i.input)} is not a list of members` }).optional(),
});

const k8sName = (what: string) =>
  z.string({ error: (i) => `${show(i.input)} is not a ${what}` }).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: (i) => `${show(i.input)} is not a ${what} (lowercase letters, digits, '-' and '.')` }).max(253, { error: (i) => `${show(i.input)} is longer than the 253 characters of a Kubernetes object name` });

export const monitoringSchema = z.strictObject({
  prometheus: z
    .strictObject({
      /** Days of metrics kept (the platform's Prometheus). */
      retentionDays: positiveInt("a number of days (a whole number > 0)").refine((d) => d <= 366, { error: (i) => `${show(i.input)} days is more than a year; keep long-term metrics in remote storage` }).optional(),
      /** Size of the Prometheus volume; retention by size is set just below it. */
      storageGiB: positiveInt("a size in GiB (a whole number > 0)").refine((g) => g >= 10, { error: (i) => `${show(i.input)} GiB is too small for a Prometheus volume (≥ 10)` }).optional(),
      /** StorageClass of the Prometheus volume (ReadWriteOnce); default the cluster's default class. Required on-prem. */
      storageClassName: k8sName("StorageClass name").optional(),
      /** Use a Prometheus the cluster already runs (prometheus-operator): only monitors, rules and dashboards are created. */
      existing: z
        .strictObject({
          url: z.string({ error: (i) => `${show(i.input)} is not a URL` }).regex(/^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/, { error: (i) => `${show(i.input)} is not an http(s) URL (e.g. "http://prometheus-operated.monitoring.svc:9090")` }),
          namespace: poolName,
          selectorLabels: z.record(labelKey, labelValue, { error: (i) => `${show(i.input)} is not a map of labels` }).optional(),
        })
        .optional(),
    })
    .optional(),
  grafana: z.strictObject({ enabled: z.boolean({ error: (i) => `${show(i.input)} is not true or false` }) }).optional(),
  gpuIdle: z
    .strictObject({
      /** A GPU below this utilization (DCGM_FI_DEV_GPU_UTIL, %) counts as idle. */
      utilizationBelowPercent: z.number({ error: (i) => `${show(i.input)} is not a percentage` }).gt(0, { error: (i) => `${show(i.input)} is not a percentage in (0, 100]` }).max(100, { error: (i) => `${show(i.input)} is not a percentage in (0, 100]` }).optional(),
      /** Minutes a held GPU must stay idle before GPUAllocatedIdle fires. */
      forMinutes: positiveInt("a number of minutes (a whole number > 0)").optional(),
    })
    .optional(),
});


/** A Secret in the team's namespace holding a Hugging Face token (its name and key, never the value). */
const hubTokenSecret = z.strictObject({
  name: z.string({ error: (i) => `${show(i.input)} is not a Secret name` }).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: (i) => `${show(i.input)} is not a Secret name (lowercase letters, digits, '-' and '.')` }).max(253),
  // Secret data keys: IsConfigMapKey (k8s.io/apimachinery validation.go): ≤ 253 of [-._a-zA-Z0-9], not "." or "..".
  key: z.string({ error: (i) => `${show(i.input)} is not a key of the Secret` }).regex(/^(?!\.{1,2}$)[-._a-zA-Z0-9]{1,253}$/, { error: (i) => `${show(i.input)} is not a Secret key (at most 253 letters, digits, '-', '_' and '.', not "." or "..")` }),
});

/** Where a model or tokenizer comes from, and what loading it needs. */
const hubAccess = {
  /** Token for a gated Hugging Face repository, from a Secret the team creates (never the value in config). */
  hubTokenSecret: hubTokenSecret.optional(),
  /** The repository's own Python runs in the job (`trust_remote_code`): custom tokenizers such as ChatGLM's need it. */
  trustRemoteCode: z.boolean({ error: (i) => `${show(i.input)} is not true or false` }).optional(),
};

const jobTuning = {
  maxSourceLength: positiveInt("a token count (a whole number > 0)").optional(),
  maxTargetLength: positiveInt("a token count (a whole number > 0)").optional(),
  microBatchSize: positiveInt("a batch size (a whole number > 0)").optional(),
  globalBatchSize: positiveInt("a batch size (a whole number > 0)").optional(),
  learningRate: z.number().positive().optional(),
  epochs: positiveInt("an epoch count").optional(),
  /** Force a ZeRO stage (1, 2 or 3) instead of the advisor's choice. */
  zeroStage: z.literal(ZERO_STAGES, { error: (i) => `${show(i.input)} is not a ZeRO stage (1, 2 or 3)` }).optional(),
  /** Extra environment for the trainer; NCCL settings that contradict the pool's fabric are rejected by policy. */
  env: z.record(z.string(), z.string()).optional(),
};

export const trainingJobSchema = z.strictObject({
  name: poolName,
  team: z.string({ error: (i) => `${show(i.input)} is not a team name` }),
  model: z.strictObject({
    /** Hugging Face name or a path on the shared volume. */
    name: z.string().min(1),
    parameters: z.number({ error: (i) => `${show(i.input)} is not a parameter count` }).positive({ error: (i) => `${show(i.input)} is not a parameter count > 0` }),
    hiddenSize: positiveInt("a hidden size"),
    layers: positiveInt("a layer count"),
    /** Parameters of the largest layer (ZeRO-3 gathers one at a time); default the embedding-sized 2 % of the model. */
    largestLayerParameters: z.number().positive().optional(),
    ...hubAccess,
  }),
  pool: z.string({ error: (i) => `${show(i.input)} is not a pool name` }),
  nodes: positiveInt("a node count (a whole number > 0)"),
  dataset: z.string({ error: (i) => `${show(i.input)} is not a data set name` }),
  queue: z.string().optional(),
  priority: z.enum(PRIORITIES, { error: (i) => `${show(i.input)} is not a priority (valid: ${PRIORITIES.join(", ")})` }).optional(),
  precision: z.enum(PRECISIONS, { error: (i) => `${show(i.input)} is not a training precision (valid: ${PRECISIONS.join(", ")}: mixed precision)` }).optional(),
  optimizer: z.enum(OPTIMIZERS, { error: (i) => `${show(i.input)} is not an optimizer (valid: ${OPTIMIZERS.join(", ")})` }).optional(),
  /** Offload optimizer state to CPU memory when even ZeRO-3 does not fit (slower; only when asked). */
  allowOffload: z.boolean().optional(),
  checkpointIntervalSteps: positiveInt("a step count (a whole number > 0)").optional(),
  /** The trainer's command in the training image; default the image's `llm-train` entry point. */
  command: z.array(z.string({ error: (i) => `${show(i.input)} is not a command word (a string)` }).min(1, { error: "is an empty word: the program and each argument need a character" }), { error: (i) => `${show(i.input)} is not a command (a list of words: program, then arguments)` }).min(1, { error: "is empty: give the program and its arguments, or leave it out for the image's llm-train" }).optional(),
  ...jobTuning,
  /** Runs that differ from the job only in what they override (e.g. the 512 vs 1024 experiment). */
  variants: z.array(z.strictObject({ name: poolName, ...jobTuning })).optional(),
});

export const datasetSchema = z.strictObject({
  name: poolName,
  /** The data set's version: part of the tokenised shards' identity. */
  // A directory name under raw/<name>/ by default, and part of the shards' identity.
  version: z.string({ error: (i) => `${show(i.input)} is not a version string` }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: (i) => `${show(i.input)} is not a data set version (at most 128 letters, digits, '.', '_' and '-', starting with a letter or digit: it names the directory raw/<name>/<version>)` }),
  /** The team whose namespace runs the tokenise job. */
  team: z.string({ error: (i) => `${show(i.input)} is not a team name` }),
  /** Path of the raw JSONL files under the shared volume; default raw/<name>/<version>. */
  rawPath: z.string({ error: (i) => `${show(i.input)} is not a path` }).superRefine((p, ctx) => {
    const problem = relativeDataPathProblem(p);
    if (problem) ctx.addIssue({ code: "custom", input: p, message: `${show(p)} ${problem}` });
  }).optional(),
  samples: positiveInt("a sample count (a whole number > 0)"),
  meanTokensPerSample: z.number({ error: (i) => `${show(i.input)} is not a token count` }).positive({ error: (i) => `${show(i.input)} is not a token count > 0` }),
  /** Tokenizer name or path, as the tokenisation image loads it. */
  tokenizer: z.string({ error: (i) => `${show(i.input)} is not a tokenizer name` }).min(1, { error: "is empty" }),
  ...hubAccess,
  maxSourceLength: positiveInt("a token count (a whole number > 0)"),
  maxTargetLength: positiveInt("a token count (a whole number > 0)"),
  fillerWords: z.array(z.string({ error: (i) => `${show(i.input)} is not a word` }).refine((w) => w.trim().length > 0, { error: (i) => `${show(i.input)} is blank: a filler word must have a character to strip` })).superRefine(repeatedEntries("fillerWords", (w) => w.trim().toLowerCase(), "the job strips filler words case-insensitively")).optional(),
  /** Compiled by the tokenise job with Python's re (IGNORECASE): see infra/data/bannedPatterns.ts. */
  bannedPatterns: z.array(z.string({ error: (i) => `${show(i.input)} is not a regular expression` }).superRefine((p, ctx) => {
    const problem = bannedPatternProblem(p);
    if (problem) ctx.addIssue({ code: "custom", input: p, message: `${show(p)} ${problem}` });
  })).superRefine(repeatedEntries("bannedPatterns", (p) => p, "")).optional(),
  featureTags: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: (i) => `${show(i.input)} is not a feature field name` })).superRefine(repeatedEntries("featureTags", (t) => t, "")).optional(),
  /** The training topology the shards are cut for: world size = nodes × the pool's GPUs per node. */
  shardFor: z.strictObject({ pool: z.string({ error: (i) => `${show(i.input)} is not a pool name` }), nodes: positiveInt("a node count (a whole number > 0)") }),
  /** Per-process memory for shards (the one in use plus one prefetched), MiB. */
  memoryBudgetMiB: z.number({ error: (i) => `${show(i.input)} is not a size in MiB` }).positive({ error: (i) => `${show(i.input)} is not a size in MiB > 0` }).optional(),
  /** Tokenise workers (indexed Job completions); default the world size. */
  tokeniseParallelism: positiveInt("a worker count (a whole number > 0)").optional(),
  /** Bytes per token id: 2 for vocabularies under 65,536 tokens, else 4. */
  tokenBytes: z.union([z.literal(2), z.literal(4)], { error: (i) => `${show(i.input)} is not 2 or 4` }).optional(),
  seed: z.number().int().optional(),
});

/** A list check: an entry equal (after `canonical`) to an earlier one is reported at its index. */
function repeatedEntries(list: string, canonical: (entry: string) => string, why: string) {
  return (entries: string[], ctx: z.RefinementCtx) => {
    const seen = entries.map(canonical);
    seen.forEach((entry, j) => {
      const first = seen.indexOf(entry);
      if (first !== j) ctx.addIssue({ code: "custom", path: [j], input: entries[j], message: `${show(entries[j])} is already listed at ${list}[${first}]${why ? ` (${why})` : ""}; list it once` });
    });
  };
}

// A path under the team's shared volume: relative, no "..", no empty segment (it becomes a subPath).
const volumePath = z
  .string({ error: (i) => `${show(i.input)} is not a path on the shared volume` })
  .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\s'"\\]+$/, { error: (i) => `${show(i.input)} is not a path on the shared volume (relative to it, no leading /, no . or .. segments, no spaces or quotes, e.g. "checkpoints/<team>/<run>/hf")` })
  .refine((p) => !p.includes("//") && !p.endsWith("/"), { error: (i) => `${show(i.input)} is not a path on the shared volume (no empty segments, no trailing /)` });

// S3 bucket names: 3–63 lowercase letters, digits, '.', '-' (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+[^/])\/?$/;
export const parseS3Uri = (uri: string) => {
  const m = S3_URI.exec(uri);
  return m ? { bucket: m[1], prefix: m[2] } : undefined;
};

const weights = z.string({ error: (i) => `${show(i.input)} is not a weights location (a path on the shared volume, or s3://bucket/prefix)` }).refine(
  (w) => (w.startsWith("s3://") ? parseS3Uri(w) !== undefined : volumePath.safeParse(w).success),
  { error: (i) => String(i.input).startsWith("s3://")
    ? `${show(i.input)} is not an S3 prefix (s3://<bucket>/<prefix>, e.g. "s3://acme-models/sales-llama8b")`
    : `${show(i.input)} is not a weights location (a path on the shared volume relative to it, e.g. "checkpoints/<team>/<run>/hf", or s3://<bucket>/<prefix>)` },
);

const count = (what: string) => z.number({ error: (i) => `${show(i.input)} is not ${what}` }).int({ error: (i) => `${show(i.input)} is not ${what}` });

export const inferenceEndpointSchema = z.strictObject({
  /** Endpoint name: the Deployment, Service (`<name>-vllm`) and ScaledObject are named from it. */
  name: poolName,
  /** The team whose namespace serves it (and whose shared volume holds its weights). */
  team: z.string({ error: (i) => `${show(i.input)} is not a team name` }),
  /** An inference pool. */
  pool: z.string({ error: (i) => `${show(i.input)} is not a pool name` }),
  model: z.strictObject({
    /** What clients ask for in a request's `model` field. */
    name: z.string({ error: (i) => `${show(i.input)} is not a model name` }).regex(/^[A-Za-z0-9][A-Za-z0-9._\/-]*$/, { error: (i) => `${show(i.input)} is not a model name (letters, digits, '.', '_', '-', '/')` }),
    parameters: z.number({ error: (i) => `${show(i.input)} is not a parameter count` }).positive({ error: (i) => `${show(i.input)} is not a parameter count > 0` }),
    hiddenSize: positiveInt("a hidden size"),
    layers: positiveInt("a layer count"),
    /** Query heads (config.json num_attention_heads): head dimension = hiddenSize / attentionHeads. */
    attentionHeads: positiveInt("a head count (a whole number > 0)"),
    /** Key/value heads for grouped-query attention (num_key_value_heads); default attentionHeads. */
    kvHeads: positiveInt("a head count (a whole number > 0)").optional(),
  }),
  weights,
  loraAdapters: z.array(z.strictObject({
    name: poolName,
    path: volumePath,
    /** The adapter's LoRA rank r (adapter_config.json "r"). */
    rank: positiveInt("a LoRA rank (a whole number > 0)").refine((r) => r <= 512, { error: (i) => `${show(i.input)} is above 512, the largest LoRA rank vLLM accepts` }),
  }), { error: (i) => `${show(i.input)} is not a list of LoRA adapters ({ name, path, rank })` }).optional(),
  /** GPUs per replica (tensor parallel size); one replica stays on one node. */
  gpusPerReplica: positiveInt("a GPU count (a whole number > 0)"),
  replicas: z.strictObject({
    min: count("a replica count (a whole number ≥ 0)").min(0, { error: (i) => `${show(i.input)} is not a replica count (a whole number ≥ 0)` }),
    max: positiveInt("a replica count (a whole number > 0)"),
    /** Requests waiting per replica (vllm:num_requests_waiting) above which KEDA adds replicas; default 5. */
    targetQueueDepth: positiveInt("a queue depth (a whole number > 0)").optional(),
  }),
  /** Allows replicas.min 0: KEDA parks the endpoint at zero replicas when idle. */
  scaleToZero: z.boolean({ error: (i) => `${show(i.input)} is not true or false` }).optional(),
  /** Server-side cap on the tokens of one reply. */
  maxOutputTokens: positiveInt("a token count (a whole number > 0)"),
  /** Prompt plus reply, in tokens (vLLM --max-model-len). */
  maxModelLen: positiveInt("a token count (a whole number > 0)"),
  /** Sequences a replica serves at once (vLLM --max-num-seqs); default 16. */
  concurrencyPerReplica: positiveInt("a sequence count (a whole number > 0)").optional(),
  /** Expected load: sizes the estimate and the replicas it needs. */
  traffic: z.strictObject({
    requestsPerSecond: z.number({ error: (i) => `${show(i.input)} is not a request rate` }).positive({ error: (i) => `${show(i.input)} is not a request rate > 0` }),
    inputTokens: positiveInt("a token count (a whole number > 0)"),
    outputTokens: positiveInt("a token count (a whole number > 0)"),
  }),
  /** Pin a vLLM release (e.g. "0.11.0"); default: the newest release the alignment module finds for the pool. */
  vllmVersion: version("vLLM", /^\d+\.\d+\.\d+(\.\d+|\.post\d+)?$/, "0.11.0").optional(),
  /** Run the model's own Python from the weights directory (ChatGLM's tokenizer needs it). */
  trustRemoteCode: z.boolean({ error: (i) => `${show(i.input)} is not true or false` }).optional(),
  /** MB/s one replica reads its weights at; default derived from FSx throughput (AWS) or 250 (existing clusters). */
  weightsReadMBps: z.number({ error: (i) => `${show(i.input)} is not a throughput in MB/s` }).positive({ error: (i) => `${show(i.input)} is not a throughput in MB/s > 0` }).optional(),
  /** The compliance gateway in front of the endpoint (gateway/): only approved replies reach a customer. */
  gateway: z.strictObject({
    /** The approved-reply library (YAML), relative to the project directory, reviewed in pull requests. */
    library: z.string({ error: (i) => `${show(i.input)} is not a file path` })
      .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\w./-]+\.ya?ml$/, { error: (i) => `${show(i.input)} is not a library file (a .yaml path inside the project, no .. segments, e.g. "gateway/libraries/sales-dialogue.yaml")` }),
    /** The embedding model TEI serves, as a directory on the team's shared volume (no hub at run time). */
    embeddingModel: volumePath,
    /** Gateway replicas (and embedder replicas); default 2, so a drain never takes the endpoint offline. */
    replicas: positiveInt("a replica count (a whole number > 0)").optional(),
    /** Namespaces whose pods may call the gateway (the customer-facing applications); default none. */
    clientNamespaces: z.array(poolName.max(63, { error: (i) => `${show(i.input)} is longer than 63 characters` }), { error: (i) => `${show(i.input)} is not a list of namespace names` }).optional(),
    /** How long the gateway waits for the model; default twice the estimated reply time, at least 10 s. */
    upstreamTimeoutMs: positiveInt("a time in milliseconds (a whole number > 0)").max(600_000, { error: (i) => `${show(i.input)} is more than 600000 ms, the longest upstream timeout the gateway accepts (gateway/config.ts)` }).optional(),
  }).optional(),
});

export const pipelinesSchema = z.strictObject({
  enabled: z.boolean({ error: (i) => `${show(i.input)} is not true or false` }).optional(),
  /**
   * Where the deployer finds Kubeflow Pipelines' kustomize manifests at the pinned release (a local
   * directory: `npm run kfp:vendor` fills the default, or a mirror for air-gapped clusters).
   */
  manifestsDir: z.string({ error: (i) => `${show(i.input)} is not a directory path` }).min(1, { error: "is empty" }).refine((p) => !p.includes("://"), { error: (i) => `${show(i.input)} is a URL; give a local directory (the Kubernetes provider's kustomize v2 builds only local directories, pulumi-kubernetes#3844)` }).refine((p) => !/[\0\n\r]/.test(p), { error: (i) => `${show(i.input)} contains a NUL or a line break; give a plain directory path` }).optional(),
});
