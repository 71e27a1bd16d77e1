import { ConfigError, formatProblem } from "../infra/config/errors";
import { parseSpec } from "../infra/config/spec";
import type { AwsPlatformSpec, ExistingPlatformSpec, RawStackConfig } from "../infra/config/types";
import { closestMatch } from "../infra/config/suggest";
import { referenceConfig, withValues } from "./helpers/stacks";

const prod = referenceConfig("prod");
const onprem = referenceConfig("onprem");
const prodPools = JSON.parse(prod.values["llm-platform:nodePools"]) as Record<string, unknown>[];
const onpremPools = JSON.parse(onprem.values["llm-platform:nodePools"]) as Record<string, unknown>[];
const prodCluster = JSON.parse(prod.values["llm-platform:cluster"]) as Record<string, unknown>;
const prodStorage = JSON.parse(prod.values["llm-platform:storage"]) as { fsx: Record<string, unknown>; s3: Record<string, unknown> };
const prodDatasets = JSON.parse(prod.values["llm-platform:datasets"]) as Record<string, unknown>[];
const prodDataset = (change: Record<string, unknown>) => [{ ...prodDatasets[0], ...change }];
const prodJobs = JSON.parse(prod.values["llm-platform:trainingJobs"]) as Record<string, unknown>[];
const prodJob = (change: Record<string, unknown>) => [{ ...prodJobs[0], ...change }];
const prodTeams = JSON.parse(prod.values["llm-platform:teams"]) as Record<string, unknown>[];

/** prod's pools with pool `index` changed. */
const prodPool = (index: number, change: Record<string, unknown>) => prodPools.map((p, i) => (i === index ? { ...p, ...change } : p));
const onpremPool = (index: number, change: Record<string, unknown>) => onpremPools.map((p, i) => (i === index ? { ...p, ...change } : p));

function problemsOf(raw: RawStackConfig): string[] {
  try {
    parseSpec(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

// Each case: a bad config and every line its error report must contain (exact lines).
const corpus: [string, RawStackConfig, string[]][] = [
  ["a truncated instance type", withValues(prod, { "llm-platform:nodePools": prodPool(1, { instanceType: "p5.48xl" }) }), [
    'llm-platform:nodePools[1].instanceType: "p5.48xl" is not a known instance type (did you mean p5.48xlarge?)',
  ]],
  ["a misspelt instance type", withValues(prod, { "llm-platform:nodePools": prodPool(3, { instanceType: "g6e.12xlarg" }) }), [
    'llm-platform:nodePools[3].instanceType: "g6e.12xlarg" is not a known instance type (did you mean g6e.12xlarge?)',
  ]],
  ["an instance type nothing resembles", withValues(prod, { "llm-platform:nodePools": prodPool(1, { instanceType: "quantum.huge" }) }), [
    'llm-platform:nodePools[1].instanceType: "quantum.huge" is not a known instance type',
  ]],
  ["minNodes above maxNodes", withValues(prod, { "llm-platform:nodePools": prodPool(1, { minNodes: 9, maxNodes: 8 }) }), [
    "llm-platform:nodePools[1].minNodes: 9 is greater than maxNodes 8 (minNodes must be ≤ maxNodes)",
  ]],
  ["desiredNodes outside the range", withValues(prod, { "llm-platform:nodePools": prodPool(1, { desiredNodes: 12 }) }), [
    "llm-platform:nodePools[1].desiredNodes: 12 is outside minNodes..maxNodes (0..8)",
  ]],
  ["a negative node count", withValues(prod, { "llm-platform:nodePools": prodPool(1, { minNodes: -1 }) }), [
    "llm-platform:nodePools[1].minNodes: -1 is not a whole number ≥ 0",
  ]],
  ["a fractional node count", withValues(prod, { "llm-platform:nodePools": prodPool(2, { maxNodes: 2.5 }) }), [
    "llm-platform:nodePools[2].maxNodes: 2.5 is not a whole number ≥ 0",
  ]],
  ["maxNodes of zero", withValues(prod, { "llm-platform:nodePools": prodPool(2, { minNodes: 0, maxNodes: 0, desiredNodes: 0 }) }), [
    "llm-platform:nodePools[2].maxNodes: 0 must be at least 1 (a pool that can never have a node is not a pool)",
  ]],
  ["two pools with one name", withValues(prod, { "llm-platform:nodePools": prodPool(2, { name: "train-h100" }) }), [
    'llm-platform:nodePools[2].name: "train-h100" is already the name of nodePools[1] (pool names must be unique)',
  ]],
  ["a pool name that is not a DNS label", withValues(prod, { "llm-platform:nodePools": prodPool(1, { name: "Train_H100" }) }), [
    'llm-platform:nodePools[1].name: "Train_H100" is not a valid pool name (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
  ]],
  ["a misspelt purpose", withValues(prod, { "llm-platform:nodePools": prodPool(1, { purpose: "trainng" }) }), [
    'llm-platform:nodePools[1].purpose: "trainng" is not a pool purpose (valid: system, training, inference) (did you mean training?)',
  ]],
  ["a GPU pool on a CPU type", withValues(prod, { "llm-platform:nodePools": prodPool(1, { instanceType: "m6i.4xlarge" }) }), [
    'llm-platform:nodePools[1].instanceType: "m6i.4xlarge" has no GPU, but the pool\'s purpose is training (use a GPU type such as g6e.xlarge, p5.48xlarge)',
  ]],
  ["a system pool on a GPU type", withValues(prod, { "llm-platform:nodePools": prodPool(0, { instanceType: "g5.xlarge" }) }), [
    'llm-platform:nodePools[0].instanceType: "g5.xlarge" is a GPU type; a system pool runs controllers, not GPU work (use a CPU type such as m6i.xlarge)',
  ]],
  ["fabric efa on a type without EFA", withValues(prod, { "llm-platform:nodePools": prodPool(3, { instanceType: "g5.2xlarge", fabric: "efa" }) }), [
    'llm-platform:nodePools[3].fabric: "efa" is not supported by g5.2xlarge (use fabric tcp, or an EFA type such as p5.48xlarge or g6e.8xlarge)',
  ]],
  ["infiniband on AWS", withValues(prod, { "llm-platform:nodePools": prodPool(1, { fabric: "infiniband" }) }), [
    'llm-platform:nodePools[1].fabric: "infiniband" is not a fabric on AWS (valid: efa, tcp; InfiniBand exists only on-prem)',
  ]],
  ["an unknown key in a pool", withValues(prod, { "llm-platform:nodePools": prodPool(1, { maxNode: 3 }) }), [
    'llm-platform:nodePools[1]: unknown key "maxNode" (did you mean maxNodes?)',
  ]],
  ["on-prem keys in an AWS pool", withValues(prod, { "llm-platform:nodePools": prodPool(1, { gpu: "H100" }) }), [
    'llm-platform:nodePools[1]: unknown key "gpu" (valid keys: name, ncclBusBandwidthFloorGBps, minNodes, maxNodes, desiredNodes, purpose, instanceType, fabric, availabilityZones, capacityType, capacityReservationId)',
  ]],
  ["no system pool on AWS", withValues(prod, { "llm-platform:nodePools": prodPools.slice(1) }), [
    "llm-platform:nodePools: has 0 pools with purpose system; an AWS stack needs exactly one (it runs CoreDNS, operators and controllers)",
  ]],
  ["an empty pool list", withValues(prod, { "llm-platform:nodePools": [] }), [
    "llm-platform:nodePools: lists no node pool (at least one GPU pool is needed)",
  ]],
  ["a pool list that is a map", withValues(prod, { "llm-platform:nodePools": { system: {} } }), [
    'llm-platform:nodePools: {"system":{}} is not a list of node pools',
  ]],
  ["an unknown target", withValues(prod, { "llm-platform:target": "gcp" }), [
    'llm-platform:target: "gcp" is not a target (valid: aws, existing)',
  ]],
  ["a misspelt target", withValues(prod, { "llm-platform:target": "exsting" }), [
    'llm-platform:target: "exsting" is not a target (valid: aws, existing) (did you mean existing?)',
  ]],
  ["a misspelt top-level key", withValues(prod, { "llm-platform:budgetUSDPerMonth": 5, "llm-platform:budgetUsdPerMonth": 175000 }), [
    "llm-platform:budgetUSDPerMonth: is not a known key (did you mean budgetUsdPerMonth?)",
  ]],
  ["a budget that is not a number", withValues(prod, { "llm-platform:budgetUsdPerMonth": "lots" }), [
    'llm-platform:budgetUsdPerMonth: "lots" is not a number',
  ]],
  ["a zero budget", withValues(prod, { "llm-platform:budgetUsdPerMonth": "0" }), [
    "llm-platform:budgetUsdPerMonth: 0 is not a monthly budget in USD (a number > 0)",
  ]],
  ["a missing budget", withValues(prod, { "llm-platform:budgetUsdPerMonth": undefined }), [
    "llm-platform:budgetUsdPerMonth: is required (the monthly USD budget the cost policy enforces, e.g. 5000)",
  ]],
  ["a missing gpuStack key", withValues(prod, { "llm-platform:gpuStack": { driverVersion: "580.105.08", cudaVersion: "12.8", pytorchVersion: "2.7.1" } }), [
    "llm-platform:gpuStack.deepspeedVersion: is required",
  ]],
  ["a CUDA version YAML read as a number", withValues(prod, { "llm-platform:gpuStack": { driverVersion: "580.105.08", cudaVersion: 12.1, pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1" } }), [
    'llm-platform:gpuStack.cudaVersion: 12.1 is not a CUDA version string (write it quoted, e.g. "12.8")',
  ]],
  ["a malformed driver version", withValues(prod, { "llm-platform:gpuStack": { driverVersion: "R580", cudaVersion: "12.8", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1" } }), [
    'llm-platform:gpuStack.driverVersion: "R580" is not a driver version (e.g. "580.105.08")',
  ]],
  ["an API endpoint open to the internet", withValues(prod, { "llm-platform:cluster": { ...prodCluster, publicAccessCidrs: ["0.0.0.0/0"] } }), [
    'llm-platform:cluster.publicAccessCidrs[0]: "0.0.0.0/0" opens the API endpoint to the whole internet; list the CIDRs of your CI runners or VPN instead',
  ]],
  ["a malformed CIDR", withValues(prod, { "llm-platform:cluster": { ...prodCluster, publicAccessCidrs: ["203.0.113.300/24"] } }), [
    'llm-platform:cluster.publicAccessCidrs[0]: "203.0.113.300/24" is not an IPv4 CIDR block (e.g. "203.0.113.0/24")',
  ]],
  ["a role ARN that is a user", withValues(prod, { "llm-platform:cluster": { ...prodCluster, adminRoleArns: ["arn:aws:iam::444455556666:user/alice"] } }), [
    'llm-platform:cluster.adminRoleArns[0]: "arn:aws:iam::444455556666:user/alice" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
  ]],
  ["a Kubernetes version YAML read as a number", withValues(prod, { "llm-platform:cluster": { ...prodCluster, kubernetesVersion: 1.3 } }), [
    'llm-platform:cluster.kubernetesVersion: 1.3 is not a Kubernetes version string (quote it, e.g. "1.34")',
  ]],
  ["a missing cluster block on AWS", withValues(prod, { "llm-platform:cluster": undefined }), [
    'llm-platform:cluster: is required ({ kubernetesVersion: "1.34", ... })',
  ]],
  ["an AZ outside the region", withValues(prod, { "llm-platform:network": { availabilityZones: ["us-east-1a", "us-west-2b"] } }), [
    'llm-platform:network.availabilityZones[1]: "us-west-2b" is not in region us-east-1 (e.g. "us-east-1a")',
  ]],
  ["a VPC block too small for the layout", withValues(prod, { "llm-platform:network": { vpcCidr: "10.0.0.0/24" } }), [
    'llm-platform:network.vpcCidr: "10.0.0.0/24" must be a /16 to /20 block so each AZ gets its node and public subnets',
  ]],
  ["a VPC block with host bits set", withValues(prod, { "llm-platform:network": { vpcCidr: "10.0.1.0/16" } }), [
    'llm-platform:network.vpcCidr: "10.0.1.0/16" has host bits set (did you mean 10.0.0.0/16?)',
  ]],
  ["a single availability zone", withValues(prod, { "llm-platform:network": { availabilityZones: ["us-east-1a"] } }), [
    "llm-platform:network.availabilityZones: needs at least 2 availability zones (EKS requires subnets in two AZs)",
  ]],
  ["no region", withValues(prod, { "aws:region": undefined }), [
    'aws:region: (missing) is not an AWS region (e.g. "us-east-1")',
  ]],
  ["a kubeconfig on an AWS stack", withValues(prod, { "llm-platform:kubeconfig": "apiVersion: v1" }), [
    "llm-platform:kubeconfig: is only used with target existing, but this stack's target is aws (remove it)",
  ]],
  ["a kubeconfig missing on-prem", withValues(onprem, { "llm-platform:kubeconfig": undefined }), [
    'llm-platform:kubeconfig: is required with target existing (set it with: pulumi config set --secret kubeconfig "$(cat ~/.kube/config)")',
  ]],
  ["a kubeconfig in plain text", { ...withValues(onprem, { "llm-platform:kubeconfig": "apiVersion: v1" }), secretKeys: new Set() }, [
    "llm-platform:kubeconfig: is stored in plain text; it holds credentials, so set it as a secret (pulumi config set --secret kubeconfig ...)",
  ]],
  ["AWS-only keys on-prem", withValues(onprem, { "llm-platform:cluster": prodCluster }), [
    "llm-platform:cluster: is only used with target aws, but this stack's target is existing (remove it)",
  ]],
  ["EFA on-prem", withValues(onprem, { "llm-platform:nodePools": onpremPool(0, { fabric: "efa" }) }), [
    'llm-platform:nodePools[0].fabric: "efa" exists only on AWS; on-prem pools use infiniband or tcp',
  ]],
  ["an unknown on-prem GPU", withValues(onprem, { "llm-platform:nodePools": onpremPool(0, { gpu: "A10" }) }), [
    'llm-platform:nodePools[0].gpu: "A10" is not a supported on-prem GPU (valid: V100, A100, A800, H100, H800, H200, L40S) (did you mean A100?)',
  ]],
  ["an odd GPU count on-prem", withValues(onprem, { "llm-platform:nodePools": onpremPool(1, { gpusPerNode: 6 }) }), [
    "llm-platform:nodePools[1].gpusPerNode: 6 is not a GPU count (1, 2, 4, 8 or 16)",
  ]],
  ["an instance type on-prem", withValues(onprem, { "llm-platform:nodePools": onpremPool(0, { instanceType: "p4d.24xlarge" }) }), [
    'llm-platform:nodePools[0]: unknown key "instanceType" (valid keys: name, ncclBusBandwidthFloorGBps, minNodes, maxNodes, desiredNodes, purpose, gpu, gpusPerNode, fabric, networkGbpsPerNode, nodeSelector)',
  ]],
  ["an EFA pool spread over several subnets", withValues(prod, { "llm-platform:nodePools": prodPool(1, { availabilityZones: ["us-east-1a", "us-east-1b"] }) }), [
    'llm-platform:nodePools[1].availabilityZones: ["us-east-1a","us-east-1b"] spreads an EFA pool over 2 subnets; EFA traffic does not cross AZs and jobs that mix subnets fail (list one AZ)',
  ]],
  ["a pool in an AZ the VPC does not span", withValues(prod, { "llm-platform:nodePools": prodPool(3, { availabilityZones: ["us-east-1d"] }) }), [
    'llm-platform:nodePools[3].availabilityZones[0]: "us-east-1d" is not one of the VPC\'s availability zones (us-east-1a, us-east-1b, us-east-1c)',
  ]],
  ["a capacity block without its reservation", withValues(prod, { "llm-platform:nodePools": prodPool(1, { capacityType: "capacity-block" }) }), [
    "llm-platform:nodePools[1].capacityReservationId: is required with capacityType capacity-block (the cr-… id of the reservation)",
  ]],
  ["a reservation id on an on-demand pool", withValues(prod, { "llm-platform:nodePools": prodPool(1, { capacityReservationId: "cr-0123456789abcdef0" }) }), [
    'llm-platform:nodePools[1].capacityReservationId: "cr-0123456789abcdef0" is only used with capacityType capacity-block or reserved (this pool\'s is on-demand)',
  ]],
  ["a misspelt capacity type", withValues(prod, { "llm-platform:nodePools": prodPool(1, { capacityType: "spott" }) }), [
    'llm-platform:nodePools[1].capacityType: "spott" is not a capacity type (valid: on-demand, spot, capacity-block, reserved) (did you mean spot?)',
  ]],
  ["an on-prem pool without its bandwidth", withValues(onprem, { "llm-platform:nodePools": onpremPools.map((p, i) => (i === 0 ? { ...p, networkGbpsPerNode: undefined } : p)) }), [
    "llm-platform:nodePools[0].networkGbpsPerNode: is required",
  ]],
  ["a misspelt driver manager", withValues(prod, { "llm-platform:gpuStack": { ...JSON.parse(prod.values["llm-platform:gpuStack"]), driverManagedBy: "operater" } }), [
    'llm-platform:gpuStack.driverManagedBy: "operater" is not a driver manager (valid: operator, node-image) (did you mean operator?)',
  ]],
  ["an image registry with a tag", withValues(prod, { "llm-platform:images": { registry: "ghcr.io/acme/llm:latest" } }), [
    'llm-platform:images.registry: "ghcr.io/acme/llm:latest" is not a registry path (host[:port]/path, lowercase, no tag)',
  ]],
  ["a malformed image digest", withValues(prod, { "llm-platform:images": { registry: "ghcr.io/acme", digests: { "ghcr.io/acme/llm-train:x": "sha256:abc" } } }), [
    'llm-platform:images.digests.ghcr.io/acme/llm-train:x: "sha256:abc" is not an image digest (sha256: followed by 64 hex digits)',
  ]],
  ["no images block", withValues(prod, { "llm-platform:images": undefined }), [
    'llm-platform:images: is required ({ registry: "<host>/<path>" } where the aligned images are pushed)',
  ]],
  ["an FSx capacity off the PERSISTENT_2 increments", withValues(prod, { "llm-platform:storage": { ...prodStorage, fsx: { ...prodStorage.fsx, storageCapacityGiB: 3000 } } }), [
    "llm-platform:storage.fsx.storageCapacityGiB: 3000 is not a PERSISTENT_2 capacity (1200, 2400, or a multiple of 2400 GiB, e.g. 4800)",
  ]],
  ["an FSx throughput tier that does not exist", withValues(prod, { "llm-platform:storage": { ...prodStorage, fsx: { ...prodStorage.fsx, throughputPerTiB: 200 } } }), [
    "llm-platform:storage.fsx.throughputPerTiB: 200 is not a PERSISTENT_2 throughput tier (valid: 125, 250, 500, 1000 MB/s per TiB)",
  ]],
  ["a shard memory budget that cannot hold one shard", withValues(prod, { "llm-platform:datasets": prodDataset({ memoryBudgetMiB: 0.001 }) }), [
    "llm-platform:datasets[0].memoryBudgetMiB: 0.001: a 1.0 KiB budget cannot hold one shard of one sample plus 1 prefetched (3.5 KiB per sample); the smallest budget that works is 7.1 KiB (memoryBudgetMiB ≥ 1)",
  ]],
  ["a training pool in another AZ than the file system", withValues(prod, { "llm-platform:nodePools": prodPool(2, { availabilityZones: ["us-east-1b"] }) }), [
    'llm-platform:nodePools[2].availabilityZones: ["us-east-1b"] puts training pool train-h200 outside the file system\'s AZ us-east-1a; shards would cross AZs (set ["us-east-1a"] or move storage.fsx.availabilityZone)',
  ]],
  ["on-prem storage without a StorageClass", withValues(onprem, { "llm-platform:storage": { claimSizeGiB: 100 } }), [
    "llm-platform:storage.storageClassName: is required on an existing cluster (the name of a ReadWriteMany StorageClass the cluster has, e.g. cephfs or nfs-client)",
  ]],
  ["FSx settings on an existing cluster", withValues(onprem, { "llm-platform:storage": { storageClassName: "cephfs", fsx: { storageCapacityGiB: 1200, throughputPerTiB: 125 } } }), [
    "llm-platform:storage.fsx: is only used with target aws (an existing cluster uses storage.storageClassName)",
  ]],
  ["AWS storage without a file system", withValues(prod, { "llm-platform:storage": { s3: { expectedDataGiB: 10 } } }), [
    "llm-platform:storage.fsx: is required on AWS ({ storageCapacityGiB, throughputPerTiB }: the FSx for Lustre file system for the shards)",
  ]],
  ["a data set cut for a pool that does not exist", withValues(prod, { "llm-platform:datasets": prodDataset({ shardFor: { pool: "train-h10", nodes: 2 } }) }), [
    'llm-platform:datasets[0].shardFor.pool: "train-h10" is not a node pool (did you mean train-h100?)',
  ]],
  ["a data set cut for more nodes than its pool has", withValues(prod, { "llm-platform:datasets": prodDataset({ shardFor: { pool: "train-h100", nodes: 9 } }) }), [
    "llm-platform:datasets[0].shardFor.nodes: 9 is more than pool train-h100's maxNodes 8",
  ]],
  ["a data set of a team that does not exist", withValues(prod, { "llm-platform:datasets": prodDataset({ team: "sales" }) }), [
    'llm-platform:datasets[0].team: "sales" is not a team of llm-platform:teams (did you mean sales-dialogue?)',
  ]],
  ["a banned pattern that is not a regular expression", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["transfer (to"] }) }), [
    'llm-platform:datasets[0].bannedPatterns[0]: "transfer (to" is not a valid regular expression',
  ]],
  ["a training job on a pool that does not exist", withValues(prod, { "llm-platform:trainingJobs": prodJob({ pool: "train-h1000" }) }), [
    'llm-platform:trainingJobs[0].pool: "train-h1000" is not a node pool (did you mean train-h100?)',
  ]],
  ["a global batch the ranks cannot share", withValues(prod, { "llm-platform:trainingJobs": prodJob({ globalBatchSize: 100 }) }), [
    "llm-platform:trainingJobs[0].globalBatchSize: 100 is not a multiple of microBatchSize × world size (2 × 16); e.g. 96",
  ]],
  ["a job whose ranks do not divide the shards", withValues(prod, { "llm-platform:trainingJobs": prodJob({ nodes: 3, globalBatchSize: 96 }) }), [
    "llm-platform:trainingJobs[0].nodes: 3 nodes make 24 ranks, which do not divide data set sales-dialogue's 16 shards (cut for 2 nodes of train-h100); match its shardFor",
  ]],
  ["a model too large for its GPUs", withValues(prod, { "llm-platform:trainingJobs": prodJob({ model: { name: "big", parameters: 400e9, hiddenSize: 16384, layers: 126 } }) }), [
    "llm-platform:trainingJobs[0].nodes: big does not fit: nothing fits on 2 × 8 GPUs of 80 GiB (68.0 GiB usable each): stage 2 needs 1876.1 GiB, stage 3 462.3 GiB per GPU (activations 13.4 GiB). Add nodes, use a pool with more GPU memory, shorten sequences, or set allowOffload.",
  ]],
  ["a queue that is not a team's", withValues(prod, { "llm-platform:trainingJobs": prodJob({ queue: "gpu-queue" }) }), [
    'llm-platform:trainingJobs[0].queue: "gpu-queue" is not a queue: each team has one LocalQueue named after it (sales-dialogue, research)',
  ]],
  ["quotas that add up to more GPUs than the pool has", withValues(prod, { "llm-platform:teams": prodTeams.map((t) => ({ ...t, gpuQuota: { "train-h100": 40 } })) }), [
    "llm-platform:teams: nominal GPU quotas on pool train-h100 add up to 80, more than its 64 GPUs (maxNodes × GPUs per node); guaranteed quota must exist",
  ]],
  ["a variant asking for longer sources than the shards hold", withValues(prod, { "llm-platform:trainingJobs": prodJob({ variants: [{ name: "src2048", maxSourceLength: 2048 }] }) }), [
    "llm-platform:trainingJobs[0].variants[src2048].maxSourceLength: 2048/1024 exceeds data set sales-dialogue's tokenised lengths 1024/1024; shards hold no longer samples (raise the data set's lengths to re-tokenise)",
  ]],
  ["a structured key that is not a map", withValues(prod, { "llm-platform:gpuStack": "580/12.8" }), [
    'llm-platform:gpuStack: "580/12.8" is not a structured value (write it as a YAML map or list in the stack file)',
  ]],
  // Run-time defects turned into config checks (issue 9).
  ["a Kubernetes minor without a pinned autoscaler", withValues(prod, { "llm-platform:cluster": { ...prodCluster, kubernetesVersion: "1.32" } }), [
    'llm-platform:cluster.kubernetesVersion: "1.32" has no pinned cluster autoscaler (chart and image of that minor); supported: 1.33, 1.34',
  ]],
  ["a node image of another minor than the cluster", withValues(prod, { "llm-platform:cluster": { ...prodCluster, nodeImageRelease: "1.33.5-20251120" } }), [
    'llm-platform:cluster.nodeImageRelease: "1.33.5-20251120" is a release for Kubernetes 1.33, but the cluster runs 1.34 (node groups take the cluster\'s minor)',
  ]],
  ["a malformed node image release", withValues(prod, { "llm-platform:cluster": { ...prodCluster, nodeImageRelease: "v20251120" } }), [
    'llm-platform:cluster.nodeImageRelease: "v20251120" is not an EKS AMI release version (<kubernetes patch>-<yyyymmdd>, e.g. "1.34.2-20260116")',
  ]],
  ["a driver no known EKS AMI of the cluster's minor ships", withValues(prod, { "llm-platform:gpuStack": { driverVersion: "580.105.09", cudaVersion: "12.8", pytorchVersion: "2.7.1", deepspeedVersion: "0.17.1", driverManagedBy: "node-image" } }), [
    'llm-platform:gpuStack.driverVersion: "580.105.09" is shipped by no known EKS AL2023 NVIDIA AMI release for Kubernetes 1.34 (known: 570.172.08 (1.34.1-20250920), 570.195.03 (1.34.1-20251016), 580.95.05 (1.34.1-20251112), 580.105.08 (1.34.2-20260116), 580.126.09 (1.34.7-20260505), 580.159.03 (1.34.9-20260714)); use one of those drivers, or set llm-platform:cluster.nodeImageRelease to a release that ships it (newer than the platform\'s table)',
  ]],
  ["a gated tokenizer without a token Secret", withValues(prod, { "llm-platform:datasets": prodDataset({ hubTokenSecret: undefined }) }), [
    "llm-platform:datasets[0].hubTokenSecret: is required: meta-llama/Llama-3.1-8B-Instruct is a gated Hugging Face repository and the job would fail with 401 Unauthorized (give { name, key } of a Secret in the team's namespace holding a token with access, or stage the tokenizer on shared storage and name its path)",
  ]],
  ["a ChatGLM tokenizer without trustRemoteCode", withValues(prod, { "llm-platform:datasets": prodDataset({ tokenizer: "/data/models/chatglm3-6b", hubTokenSecret: undefined }) }), [
    "llm-platform:datasets[0].trustRemoteCode: must be true: /data/models/chatglm3-6b ships its tokenizer as code in the repository, which transformers loads only with trust_remote_code (set trustRemoteCode: true; the plan then advises that the repository's code runs in the job)",
  ]],
  ["a tokenizer path the pods cannot see", withValues(prod, { "llm-platform:datasets": prodDataset({ tokenizer: "/opt/tokenizers/llama", hubTokenSecret: undefined }) }), [
    'llm-platform:datasets[0].tokenizer: "/opt/tokenizers/llama" is a path outside the shared volume; pods see only /data/… (stage the tokenizer on shared storage, e.g. /data/models/<name>)',
  ]],
  ["a gated model without a token Secret", withValues(prod, { "llm-platform:trainingJobs": prodJob({ model: { name: "meta-llama/Llama-3.1-8B-Instruct", parameters: 8.03e9, hiddenSize: 4096, layers: 32 } }) }), [
    "llm-platform:trainingJobs[0].model.hubTokenSecret: is required: meta-llama/Llama-3.1-8B-Instruct is a gated Hugging Face repository and the job would fail with 401 Unauthorized (give { name, key } of a Secret in the team's namespace holding a token with access, or stage the model on shared storage and name its path)",
  ]],
  ["a token Secret name that is not a Kubernetes name", withValues(prod, { "llm-platform:datasets": prodDataset({ hubTokenSecret: { name: "HF Token", key: "token" } }) }), [
    'llm-platform:datasets[0].hubTokenSecret.name: "HF Token" is not a Secret name (lowercase letters, digits, \'-\' and \'.\')',
  ]],
  ["Kubeflow Pipelines manifests from a URL", withValues(prod, { "llm-platform:pipelines": { manifestsDir: "https://github.com/kubeflow/pipelines//manifests/kustomize?ref=2.14.3" } }), [
    'llm-platform:pipelines.manifestsDir: "https://github.com/kubeflow/pipelines//manifests/kustomize?ref=2.14.3" is a URL; give a local directory (the Kubernetes provider\'s kustomize v2 builds only local directories, pulumi-kubernetes#3844)',
  ]],
];

describe("stack config → spec", () => {
  it("has a corpus of at least 25 bad configs", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
  });

  it.each(corpus)("rejects %s with a message naming key, value and what is valid", (_what, raw, expected) => {
    const problems = problemsOf(raw);
    for (const line of expected) expect(problems).toContain(line);
  });

  it("reports every problem of a config at once, in key order", () => {
    const raw = withValues(prod, {
      "llm-platform:budgetUsdPerMonth": "lots",
      "llm-platform:nodePools": [
        { ...prodPools[0] },
        { ...prodPools[1], instanceType: "p5.48xl" },
        { ...prodPools[2], minNodes: 5, maxNodes: 4 },
        { ...prodPools[3], name: "train-h100" },
      ],
      "llm-platform:cluster": { ...prodCluster, publicAccessCidrs: ["0.0.0.0/0"] },
    });
    const problems = problemsOf(raw);
    expect(problems).toEqual([
      'llm-platform:budgetUsdPerMonth: "lots" is not a number',
      'llm-platform:cluster.publicAccessCidrs[0]: "0.0.0.0/0" opens the API endpoint to the whole internet; list the CIDRs of your CI runners or VPN instead',
      'llm-platform:nodePools[1].instanceType: "p5.48xl" is not a known instance type (did you mean p5.48xlarge?)',
      "llm-platform:nodePools[2].minNodes: 5 is greater than maxNodes 4 (minNodes must be ≤ maxNodes)",
      'llm-platform:nodePools[3].name: "train-h100" is already the name of nodePools[1] (pool names must be unique)',
    ]);
  });

  it("names the stack and counts the problems in the thrown error", () => {
    expect(() => parseSpec(withValues(prod, { "llm-platform:target": "gcp" }))).toThrow(/^stack prod: 1 config problem:\n {2}- llm-platform:target: "gcp"/);
  });

  it("parses every reference stack into a spec", () => {
    for (const stack of ["dev", "staging", "prod", "onprem"] as const) {
      expect(parseSpec(referenceConfig(stack)).stack).toBe(stack);
    }
  });

  it("resolves AWS pools against the catalog and fills defaults", () => {
    const spec = parseSpec(prod) as AwsPlatformSpec;
    const h100 = spec.nodePools.find((p) => p.name === "train-h100")!;
    expect(h100.instanceType.gpu?.model.name).toBe("H100");
    expect(h100.fabric).toBe("efa"); // training on an EFA type gets EFA by default
    expect(spec.nodePools.find((p) => p.name === "infer-l40s")!.fabric).toBe("tcp"); // serving stays on TCP
    expect(spec.nodePools.find((p) => p.name === "infer-l40s")!.desiredNodes).toBe(2); // default: minNodes
    expect(spec.cluster.name).toBe("llm-prod");
    expect(spec.cluster.publicAccessCidrs).toEqual([]);
    expect(spec.network.natGateways).toBe("perAz");
    expect(spec.region).toBe("us-east-1");
    expect(h100.availabilityZones).toEqual(["us-east-1a"]); // EFA: one AZ, the first by default
    expect(spec.nodePools.find((p) => p.name === "infer-l40s")!.availabilityZones).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(h100.capacityType).toBe("on-demand");
  });

  it("accepts a capacity-block pool with its reservation id", () => {
    const spec = parseSpec(withValues(prod, { "llm-platform:nodePools": prodPool(1, { capacityType: "capacity-block", capacityReservationId: "cr-0123456789abcdef0" }) })) as AwsPlatformSpec;
    expect(spec.nodePools[1]).toMatchObject({ capacityType: "capacity-block", capacityReservationId: "cr-0123456789abcdef0" });
  });

  it("defaults AZs to the region's a, b, c and the VPC to 10.0.0.0/16", () => {
    const spec = parseSpec(withValues(prod, { "llm-platform:network": undefined })) as AwsPlatformSpec;
    expect(spec.network).toEqual({ vpcCidr: "10.0.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"], natGateways: "single" });
  });

  it("gives on-prem pools a node selector on the pool label unless one is configured", () => {
    const spec = parseSpec(withValues(onprem, { "llm-platform:nodePools": onpremPool(1, { nodeSelector: { "example.com/gpu": "a800" } }) })) as ExistingPlatformSpec;
    expect(spec.nodePools[0].nodeSelector).toEqual({ "llm-platform/pool": "train-a100" });
    expect(spec.nodePools[1].nodeSelector).toEqual({ "example.com/gpu": "a800" });
    expect(spec.kubeconfigKey).toBe("llm-platform:kubeconfig");
  });

  it("returns a deeply frozen spec", () => {
    const spec = parseSpec(prod) as AwsPlatformSpec;
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.nodePools[1])).toBe(true);
    expect(() => {
      (spec.nodePools[1] as { maxNodes: number }).maxNodes = 99;
    }).toThrow(TypeError);
  });
});

describe("did-you-mean suggestions", () => {
  it("prefers a known name that starts with the input", () => {
    expect(closestMatch("p5.48xl", ["p5.48xlarge", "p5e.48xlarge", "p4d.24xlarge"])).toBe("p5.48xlarge");
  });
  it("falls back to edit distance for typos", () => {
    expect(closestMatch("trainng", ["system", "training", "inference"])).toBe("training");
  });
  it("suggests nothing when nothing is close", () => {
    expect(closestMatch("quantum.huge", ["p5.48xlarge", "g5.xlarge"])).toBeUndefined();
  });
});
