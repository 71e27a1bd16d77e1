/**
 * The bad-config corpus: reference stacks with one thing broken each, and the whole error report
 * each must produce, line for line. config.test.ts checks parseSpec against it; hostile.test.ts
 * runs it through the plan CLI end to end.
 */
import type { RawStackConfig } from "../../infra/config/types";
import { referenceConfig, withValues } from "./stacks";

export const prod = referenceConfig("prod");
export const onprem = referenceConfig("onprem");
export const prodPools = JSON.parse(prod.values["llm-platform:nodePools"]) as Record<string, unknown>[];
export const onpremPools = JSON.parse(onprem.values["llm-platform:nodePools"]) as Record<string, unknown>[];
export const prodCluster = JSON.parse(prod.values["llm-platform:cluster"]) as Record<string, unknown>;
const prodStorage = JSON.parse(prod.values["llm-platform:storage"]) as { fsx: Record<string, unknown>; s3: Record<string, unknown> };
const prodDatasets = JSON.parse(prod.values["llm-platform:datasets"]) as Record<string, unknown>[];
const prodDataset = (change: Record<string, unknown>) => [{ ...prodDatasets[0], ...change }];
const prodJobs = JSON.parse(prod.values["llm-platform:trainingJobs"]) as Record<string, unknown>[];
const prodJob = (change: Record<string, unknown>) => [{ ...prodJobs[0], ...change }];
const prodTeams = JSON.parse(prod.values["llm-platform:teams"]) as Record<string, unknown>[];
const prodNetwork = JSON.parse(prod.values["llm-platform:network"]) as Record<string, unknown>;
const onpremMonitoring = JSON.parse(onprem.values["llm-platform:monitoring"]) as { prometheus: { existing: Record<string, unknown> } };
const withCluster = (change: Record<string, unknown>) => withValues(prod, { "llm-platform:cluster": { ...prodCluster, ...change } });
const withNetwork = (change: Record<string, unknown>) => withValues(prod, { "llm-platform:network": { ...prodNetwork, ...change } });
const withStack = (stack: string, raw: RawStackConfig = prod): RawStackConfig => ({ ...raw, stack });
/** prod's first training job with its env (or a variant's) set. */
const prodJobEnv = (env: Record<string, string>) => prodJob({ env });
const ROLE = "arn:aws:iam::444455556666:role";
/** 41 public ranges: one more than EKS takes. */
const manyCidrs = Array.from({ length: 41 }, (_, i) => `52.94.${i}.0/24`);

/** prod's pools with pool `index` changed. */
export const prodPool = (index: number, change: Record<string, unknown>) => prodPools.map((p, i) => (i === index ? { ...p, ...change } : p));
export const onpremPool = (index: number, change: Record<string, unknown>) => onpremPools.map((p, i) => (i === index ? { ...p, ...change } : p));


// Each case: a bad config and its whole error report, line for line.
export const corpus: [string, RawStackConfig, string[]][] = [
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
    'llm-platform:cluster.adminRoleArns[0]: "arn:aws:iam::444455556666:user/alice" is not an IAM role ARN (arn:aws:iam::<account>:role/[<path>/]<name>, a name of at most 64 letters, digits and +=,.@_-)',
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
    'llm-platform:nodePools[0]: unknown key "instanceType" (valid keys: name, ncclBusBandwidthFloorGBps, minNodes, maxNodes, desiredNodes, purpose, gpu, gpusPerNode, fabric, cpusPerNode, memoryGiBPerNode, networkGbpsPerNode, nodeSelector)',
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
    "llm-platform:datasets[0]: needs shared storage to write its shards to (set llm-platform:storage)",
    "llm-platform:inferenceEndpoints[0].weights: reads checkpoints/sales-dialogue/sales-glm6b/hf from the shared volume, but the stack has none (set llm-platform:storage, or stream the weights from s3://)",
    "llm-platform:storage.storageClassName: is required on an existing cluster (the name of a ReadWriteMany StorageClass the cluster has, e.g. cephfs or nfs-client)",
  ]],
  ["FSx settings on an existing cluster", withValues(onprem, { "llm-platform:storage": { storageClassName: "cephfs", fsx: { storageCapacityGiB: 1200, throughputPerTiB: 125 } } }), [
    "llm-platform:storage.fsx: is only used with target aws (an existing cluster uses storage.storageClassName)",
  ]],
  ["AWS storage without a file system", withValues(prod, { "llm-platform:storage": { s3: { expectedDataGiB: 10 } } }), [
    "llm-platform:datasets[0]: needs shared storage to write its shards to (set llm-platform:storage)",
    "llm-platform:inferenceEndpoints[0].weights: reads checkpoints/sales-dialogue/sales-llama8b-src1024/hf from the shared volume, but the stack has none (set llm-platform:storage, or stream the weights from s3://)",
    "llm-platform:storage.fsx: is required on AWS ({ storageCapacityGiB, throughputPerTiB }: the FSx for Lustre file system for the shards)",
  ]],
  ["a data set cut for a pool that does not exist", withValues(prod, { "llm-platform:datasets": prodDataset({ shardFor: { pool: "train-h10", nodes: 2 } }) }), [
    'llm-platform:datasets[0].shardFor.pool: "train-h10" is not a node pool (did you mean train-h100?)',
  ]],
  ["a data set cut for more nodes than its pool has", withValues(prod, { "llm-platform:datasets": prodDataset({ shardFor: { pool: "train-h100", nodes: 9 } }) }), [
    "llm-platform:datasets[0].shardFor.nodes: 9 is more than pool train-h100's maxNodes 8",
    "llm-platform:trainingJobs[0].nodes: 2 nodes make 16 ranks, which do not divide data set sales-dialogue's 72 shards (cut for 9 nodes of train-h100); match its shardFor",
  ]],
  ["a data set of a team that does not exist", withValues(prod, { "llm-platform:datasets": prodDataset({ team: "sales" }) }), [
    'llm-platform:datasets[0].team: "sales" is not a team of llm-platform:teams (did you mean sales-dialogue?)',
    "llm-platform:trainingJobs[0].dataset: \"sales-dialogue\" is tokenised into team sales's storage; team sales-dialogue's pods see only their own team's tree (use a data set of team sales-dialogue, or declare the data set under team sales-dialogue)",
  ]],
  ["a banned pattern that is not a regular expression", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["transfer (to"] }) }), [
    'llm-platform:datasets[0].bannedPatterns[0]: "transfer (to" is not a valid regular expression (Unterminated group)',
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
  ["a model too large for its GPUs", withValues(prod, { "llm-platform:trainingJobs": prodJob({ model: { name: "/data/models/big", parameters: 400e9, hiddenSize: 16384, layers: 126 } }) }), [
    "llm-platform:trainingJobs[0].nodes: /data/models/big does not fit (variant src512): nothing fits on 2 × 8 GPUs of 80 GiB (68.0 GiB usable each): stage 2 needs 1876.1 GiB, stage 3 462.3 GiB per GPU (activations 13.4 GiB). Add nodes, use a pool with more GPU memory, shorten sequences, or set allowOffload.",
    "llm-platform:trainingJobs[0].nodes: /data/models/big does not fit (variant src1024): nothing fits on 2 × 8 GPUs of 80 GiB (68.0 GiB usable each): stage 2 needs 1880.5 GiB, stage 3 466.8 GiB per GPU (activations 17.9 GiB). Add nodes, use a pool with more GPU memory, shorten sequences, or set allowOffload.",
  ]],
  ["a queue that is not a team's", withValues(prod, { "llm-platform:trainingJobs": prodJob({ queue: "gpu-queue" }) }), [
    'llm-platform:trainingJobs[0].queue: "gpu-queue" is not a queue in team sales-dialogue\'s namespace: it has "sales-dialogue" (the team\'s quota) and "default"',
  ]],
  ["another team's queue (its LocalQueue lives in the other team's namespace)", withValues(prod, { "llm-platform:trainingJobs": prodJob({ queue: "research" }) }), [
    'llm-platform:trainingJobs[0].queue: "research" is not a queue in team sales-dialogue\'s namespace: it has "sales-dialogue" (the team\'s quota) and "default"',
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
  // Hostile input (issue 11): every value that becomes a name, label, path, CIDR, regex or command fragment.
  ["public access CIDRs that together cover the internet", withCluster({ publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }), [
    'llm-platform:cluster.publicAccessCidrs: ["0.0.0.0/1","128.0.0.0/1"] together cover every IPv4 address: as open as 0.0.0.0/0 (list the CIDRs of your CI runners or VPN instead)',
  ]],
  ["a private range in the public endpoint's allow-list", withCluster({ publicAccessCidrs: ["10.0.0.0/8"] }), [
    'llm-platform:cluster.publicAccessCidrs[0]: "10.0.0.0/8" is a private range (RFC 1918): no request to a public endpoint comes from such an address, so it admits no one (list the public addresses your CI runners or VPN leave from; inside the VPC the private endpoint answers)',
  ]],
  ["a loopback address in the public endpoint's allow-list", withCluster({ publicAccessCidrs: ["127.0.0.1/32"] }), [
    'llm-platform:cluster.publicAccessCidrs[0]: "127.0.0.1/32" is a loopback range (RFC 1122): no request to a public endpoint comes from such an address, so it admits no one (list the public addresses your CI runners or VPN leave from; inside the VPC the private endpoint answers)',
  ]],
  ["a CGNAT range in the public endpoint's allow-list", withCluster({ publicAccessCidrs: ["100.64.0.0/10"] }), [
    'llm-platform:cluster.publicAccessCidrs[0]: "100.64.0.0/10" is a shared (CGNAT) range (RFC 6598): no request to a public endpoint comes from such an address, so it admits no one (list the public addresses your CI runners or VPN leave from; inside the VPC the private endpoint answers)',
  ]],
  ["an allow-list CIDR with host bits set", withCluster({ publicAccessCidrs: ["203.0.113.7/24"] }), [
    'llm-platform:cluster.publicAccessCidrs[0]: "203.0.113.7/24" has host bits set (did you mean 203.0.113.0/24, or 203.0.113.7/32 for that one address?)',
  ]],
  ["the same allow-list CIDR twice", withCluster({ publicAccessCidrs: ["203.0.113.0/24", "203.0.113.0/24"] }), [
    'llm-platform:cluster.publicAccessCidrs[1]: "203.0.113.0/24" is the same range as publicAccessCidrs[0] ("203.0.113.0/24"); list it once',
  ]],
  ["an allow-list CIDR inside an earlier one", withCluster({ publicAccessCidrs: ["198.51.100.0/24", "198.51.100.128/25"] }), [
    'llm-platform:cluster.publicAccessCidrs[1]: "198.51.100.128/25" is already covered by publicAccessCidrs[0] ("198.51.100.0/24"); remove it',
  ]],
  ["an allow-list CIDR around an earlier one", withCluster({ publicAccessCidrs: ["198.51.100.128/25", "198.51.100.0/24"] }), [
    'llm-platform:cluster.publicAccessCidrs[1]: "198.51.100.0/24" covers publicAccessCidrs[0] ("198.51.100.128/25"), which is then redundant; keep one of the two',
  ]],
  ["more allow-list CIDRs than EKS takes", withCluster({ publicAccessCidrs: manyCidrs }), [
    'llm-platform:cluster.publicAccessCidrs: lists 41 ranges; an EKS cluster takes at most 40 (Amazon EKS service quota "Public endpoint access CIDR ranges per cluster", not adjustable): merge neighbouring ranges',
  ]],
  ["an IPv6 allow-list entry open to everyone", withCluster({ publicAccessCidrs: ["::/0"] }), [
    'llm-platform:cluster.publicAccessCidrs[0]: "::/0" is not an IPv4 CIDR block (e.g. "203.0.113.0/24")',
    'llm-platform:cluster.publicAccessCidrs[0]: "::/0" opens the API endpoint to the whole internet; list the CIDRs of your CI runners or VPN instead',
  ]],
  ["a loopback VPC", withNetwork({ vpcCidr: "127.0.0.0/16" }), [
    'llm-platform:network.vpcCidr: "127.0.0.0/16" is a loopback range (RFC 1122): packets to it never leave the host that sends them; use a private range (RFC 1918), e.g. "10.0.0.0/16"',
  ]],
  ["a link-local VPC", withNetwork({ vpcCidr: "169.254.0.0/16" }), [
    'llm-platform:network.vpcCidr: "169.254.0.0/16" is a link-local range (RFC 3927): the instance metadata service (169.254.169.254) and the Amazon DNS resolver (169.254.169.253) answer there, and routers never forward it; use a private range (RFC 1918), e.g. "10.0.0.0/16"',
  ]],
  ["a multicast VPC", withNetwork({ vpcCidr: "224.0.0.0/16" }), [
    'llm-platform:network.vpcCidr: "224.0.0.0/16" is a multicast range (RFC 5771): multicast addresses are never assigned to an interface; use a private range (RFC 1918), e.g. "10.0.0.0/16"',
  ]],
  ["a VPC in the reserved class E range", withNetwork({ vpcCidr: "240.0.0.0/16" }), [
    'llm-platform:network.vpcCidr: "240.0.0.0/16" is a reserved range (RFC 1112): it is reserved for future use and not routed; use a private range (RFC 1918), e.g. "10.0.0.0/16"',
  ]],
  ["a VPC on the range AWS services use", withNetwork({ vpcCidr: "172.17.0.0/16" }), [
    "llm-platform:network.vpcCidr: \"172.17.0.0/16\" overlaps 172.17.0.0/16, which some AWS services use (\"To avoid future conflicts, don't use this range when creating your VPC\": Amazon VPC user guide, \"VPC CIDR blocks\"); use e.g. \"10.0.0.0/16\"",
  ]],
  ["a VPC AZ listed twice", withNetwork({ availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1a"] }), [
    'llm-platform:network.availabilityZones[2]: "us-east-1a" is already listed at availabilityZones[0] (each AZ gets one node subnet and one public subnet; EKS needs two different AZs)',
  ]],
  ["a pool AZ listed twice", withValues(prod, { "llm-platform:nodePools": prodPool(3, { availabilityZones: ["us-east-1a", "us-east-1a"] }) }), [
    "llm-platform:nodePools[3].availabilityZones[1]: \"us-east-1a\" is already listed at availabilityZones[0] (the pool's subnets are one per AZ)",
  ]],
  ["the same admin role twice", withCluster({ adminRoleArns: [`${ROLE}/platform-admins`, `${ROLE}/platform-admins`] }), [
    'llm-platform:cluster.adminRoleArns[1]: "arn:aws:iam::444455556666:role/platform-admins" is already listed at adminRoleArns[0]; list it once',
  ]],
  ["one account's role under two paths", withCluster({ adminRoleArns: [`${ROLE}/team-a/admins`, `${ROLE}/team-b/admins`] }), [
    "llm-platform:cluster.adminRoleArns[1]: \"arn:aws:iam::444455556666:role/team-b/admins\" names the same role as adminRoleArns[0] (\"arn:aws:iam::444455556666:role/team-a/admins\"): IAM role names are unique within an account whatever their path and case, so one of the two ARNs names no role (keep the one with the role's real path and spelling)",
  ]],
  ["one account's role spelt in two cases", withCluster({ adminRoleArns: [`${ROLE}/Admins`, `${ROLE}/admins`] }), [
    "llm-platform:cluster.adminRoleArns[1]: \"arn:aws:iam::444455556666:role/admins\" names the same role as adminRoleArns[0] (\"arn:aws:iam::444455556666:role/Admins\"): IAM role names are unique within an account whatever their path and case, so one of the two ARNs names no role (keep the one with the role's real path and spelling)",
  ]],
  ["a role ARN with an empty name", withCluster({ adminRoleArns: [`${ROLE}/platform/`] }), [
    'llm-platform:cluster.adminRoleArns[0]: "arn:aws:iam::444455556666:role/platform/" is not an IAM role ARN (arn:aws:iam::<account>:role/[<path>/]<name>, a name of at most 64 letters, digits and +=,.@_-)',
  ]],
  ["a role name longer than IAM allows", withCluster({ adminRoleArns: [`${ROLE}/${"a".repeat(65)}`] }), [
    'llm-platform:cluster.adminRoleArns[0]: "arn:aws:iam::444455556666:role/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... is not an IAM role ARN (arn:aws:iam::<account>:role/[<path>/]<name>, a name of at most 64 letters, digits and +=,.@_-)',
  ]],
  ["a stack name with capitals and an underscore", withStack("Prod_EU"), [
    "(stack name): \"Prod_EU\" is not a stack name AWS resources can carry: node groups, IAM roles and the S3 bucket are named after it, so use at most 30 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  ]],
  ["a stack name too long for AWS names", withStack("production-us-east-1-llm-tuning"), [
    "(stack name): \"production-us-east-1-llm-tuning\" is not a stack name AWS resources can carry: node groups, IAM roles and the S3 bucket are named after it, so use at most 30 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  ]],
  ["a pool name that makes the node group name too long", withStack("prod-us-east-1-llm-fine-tuning", withValues(prod, { "llm-platform:nodePools": prodPool(0, { name: "system-controllers-and-operators-0" }) })), [
    'llm-platform:nodePools[0].name: "system-controllers-and-operators-0" makes the EKS node group name "prod-us-east-1-llm-fine-tuning-system-controllers-and-operators-0", which is 65 characters, more than the 63 an EKS node group name may have',
  ]],
  ["a pool name that makes the launch template name too long", withValues(prod, { "llm-platform:cluster": { ...prodCluster, name: `llm-${"x".repeat(96)}` }, "llm-platform:nodePools": prodPool(0, { name: "system-controllers-and-operato" }) }), [
    'llm-platform:nodePools[0].name: "system-controllers-and-operato" makes the EC2 launch template name "llm-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..., which is 131 characters, more than the 128 an EC2 launch template name may have',
  ]],
  ["a training pool name too long for its fabric acceptance test", withValues(prod, { "llm-platform:nodePools": [...prodPools, { name: "train-h100-reserved-east", instanceType: "p5.48xlarge", purpose: "training", minNodes: 0, maxNodes: 2 }] }), [
    "llm-platform:nodePools[4].name: \"train-h100-reserved-east\" makes the fabric acceptance TrainJob name \"nccl-allreduce-train-h100-reserved-east-xxxxx\", which is 45 characters, more than the 44 a TrainJob name may have (its JobSet's pods are named <name>-launcher-0-0-xxxxx, and JobSet refuses pod names that are not DNS-1035 labels of at most 63)",
  ]],
  ["a job name starting with a digit", withValues(prod, { "llm-platform:trainingJobs": prodJob({ name: "8b-sales", variants: undefined }) }), [
    "llm-platform:trainingJobs[0].name: \"8b-sales\" is not a valid TrainJob name (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit)",
  ]],
  ["a job and variant name too long for a TrainJob", withValues(prod, { "llm-platform:trainingJobs": prodJob({ name: "sales-llama-3-1-8b-instruct", variants: [{ name: "src1024-lr2e5-ep3" }] }) }), [
    "llm-platform:trainingJobs[0].variants[0].name: \"src1024-lr2e5-ep3\" makes the TrainJob name \"sales-llama-3-1-8b-instruct-src1024-lr2e5-ep3\", which is 45 characters, more than the 44 a TrainJob name may have (its JobSet's pods are named <name>-launcher-0-0-xxxxx, and JobSet refuses pod names that are not DNS-1035 labels of at most 63)",
  ]],
  ["a data set name too long for its tokenise Job", withValues(prod, { "llm-platform:datasets": prodDataset({ name: "sales-dialogue-2026-11-01-deduplicated-en-zh" }), "llm-platform:trainingJobs": prodJob({ dataset: "sales-dialogue-2026-11-01-deduplicated-en-zh" }) }), [
    "llm-platform:datasets[0].name: \"sales-dialogue-2026-11-01-deduplicated-en-zh\" makes the tokenise Job name \"tokenise-sales-dialogue-2026-11-01-deduplicated-en-zh-54b7989415\", which is 64 characters, more than the 63 a Kubernetes Job name may have (the Job controller writes it into each pod's job-name label, which holds at most 63)",
  ]],
  ["an inference endpoint name starting with a digit", withValues(prod, { "llm-platform:inferenceEndpoints": (JSON.parse(prod.values["llm-platform:inferenceEndpoints"]) as Record<string, unknown>[]).map((e) => ({ ...e, name: "8b-sales-assistant" })) }), [
    "llm-platform:inferenceEndpoints[0].name: \"8b-sales-assistant\" makes the Kubernetes Service name \"8b-sales-assistant-vllm\", which is not a valid Kubernetes Service name (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit)",
  ]],
  ["a team named kube-system", withValues(prod, { "llm-platform:teams": [prodTeams[0], { ...prodTeams[1], name: "kube-system" }] }), [
    "llm-platform:teams[1].name: \"kube-system\" is a namespace every Kubernetes cluster has; a team's namespace is named after the team, so choose another name",
  ]],
  ["a team named like the platform's monitoring namespace", withValues(prod, { "llm-platform:teams": [prodTeams[0], { ...prodTeams[1], name: "monitoring" }] }), [
    "llm-platform:teams[1].name: \"monitoring\" is a namespace the platform installs its own components into; a team's namespace is named after the team, so choose another name",
  ]],
  ["a team with the reserved kube- prefix", withValues(prod, { "llm-platform:teams": [prodTeams[0], { ...prodTeams[1], name: "kube-research" }] }), [
    "llm-platform:teams[1].name: \"kube-research\" starts with kube-, a prefix Kubernetes reserves for its system namespaces; a team's namespace is named after the team, so choose another name",
  ]],
  ["a team named like the existing Prometheus's namespace", withValues(onprem, { "llm-platform:monitoring": { prometheus: { existing: { ...onpremMonitoring.prometheus.existing, namespace: "sales-dialogue" } } } }), [
    "llm-platform:teams[0].name: \"sales-dialogue\" is the namespace of the existing Prometheus (monitoring.prometheus.existing.namespace); a team's namespace is its own, so choose another name",
  ]],
  ["two teams with one name", withValues(prod, { "llm-platform:teams": [prodTeams[0], { ...prodTeams[1], name: "sales-dialogue" }] }), [
    'llm-platform:teams[1].name: "sales-dialogue" is already the name of teams[0] (team names must be unique)',
  ]],
  ["two data sets with one name", withValues(prod, { "llm-platform:datasets": [prodDatasets[0], { ...prodDatasets[0], version: "2026-12-01" }] }), [
    'llm-platform:datasets[1].name: "sales-dialogue" is already the name of datasets[0]',
  ]],
  ["two variants with one name", withValues(prod, { "llm-platform:trainingJobs": prodJob({ variants: [{ name: "src512", maxSourceLength: 512 }, { name: "src512", maxSourceLength: 1024 }] }) }), [
    'llm-platform:trainingJobs[0].variants[1].name: "src512" makes the TrainJob name "sales-llama8b-src512", already the name of another training job or variant',
  ]],
  ["an env name with a dash", withValues(prod, { "llm-platform:trainingJobs": prodJobEnv({ "WANDB-PROJECT": "sales" }) }), [
    "llm-platform:trainingJobs[0].env: \"WANDB-PROJECT\" is not an environment variable name a process can read: use letters, digits and '_', not starting with a digit",
  ]],
  ["an env name the platform sets", withValues(prod, { "llm-platform:trainingJobs": prodJobEnv({ SHARD_DIR: "/data/elsewhere" }) }), [
    'llm-platform:trainingJobs[0].env: "SHARD_DIR" is set by the platform for every training run (its value would be replaced); remove it',
  ]],
  ["a variant env name starting with a digit", withValues(prod, { "llm-platform:trainingJobs": prodJob({ variants: [{ name: "src512", maxSourceLength: 512, env: { "1ST_RUN": "yes" } }] }) }), [
    "llm-platform:trainingJobs[0].variants[0].env: \"1ST_RUN\" is not an environment variable name a process can read: use letters, digits and '_', not starting with a digit",
  ]],
  ["a raw path that climbs out of the shared volume", withValues(prod, { "llm-platform:datasets": prodDataset({ rawPath: "raw/../../research/raw" }) }), [
    'llm-platform:datasets[0].rawPath: "raw/../../research/raw" leaves the shared volume (it resolves to ../research/raw, outside /data); give a directory inside it',
  ]],
  ["an absolute raw path", withValues(prod, { "llm-platform:datasets": prodDataset({ rawPath: "/etc/ssl" }) }), [
    'llm-platform:datasets[0].rawPath: "/etc/ssl" is absolute; give it relative to the shared volume (the job reads /data/<path>)',
  ]],
  ["a raw path with backslashes", withValues(prod, { "llm-platform:datasets": prodDataset({ rawPath: "raw\\sales" }) }), [
    "llm-platform:datasets[0].rawPath: \"raw\\\\sales\" contains a backslash; separate directories with '/'",
  ]],
  ["a raw path that is the whole shared volume", withValues(prod, { "llm-platform:datasets": prodDataset({ rawPath: "raw/.." }) }), [
    "llm-platform:datasets[0].rawPath: \"raw/..\" is the shared volume itself: the job would read every team's files under /data; give the data set's own directory",
  ]],
  ["a raw path with a NUL character", withValues(prod, { "llm-platform:datasets": prodDataset({ rawPath: "raw/sales\u0000.jsonl" }) }), [
    'llm-platform:datasets[0].rawPath: "raw/sales\\u0000.jsonl" contains a NUL character',
  ]],
  ["a data set version that climbs directories", withValues(prod, { "llm-platform:datasets": prodDataset({ version: "../../research" }) }), [
    "llm-platform:datasets[0].version: \"../../research\" is not a data set version (at most 128 letters, digits, '.', '_' and '-', starting with a letter or digit: it names the directory raw/<name>/<version>)",
  ]],
  ["a staged tokenizer path that climbs out of the volume", withValues(prod, { "llm-platform:datasets": prodDataset({ tokenizer: "/data/../etc/tokenizer", hubTokenSecret: undefined }) }), [
    'llm-platform:datasets[0].tokenizer: "/data/../etc/tokenizer" is a path outside the shared volume (it resolves to /etc/tokenizer); pods see only /data/… (stage the tokenizer on shared storage, e.g. /data/models/<name>)',
  ]],
  ["a manifests directory with a line break", withValues(prod, { "llm-platform:pipelines": { manifestsDir: "vendor/kfp\nrm -rf /" } }), [
    'llm-platform:pipelines.manifestsDir: "vendor/kfp\\nrm -rf /" contains a NUL or a line break; give a plain directory path',
  ]],
  ["a banned pattern with a JavaScript named group", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["(?<agent>human|live) agent"] }) }), [
    'llm-platform:datasets[0].bannedPatterns[0]: "(?<agent>human|live) agent" uses a named group (?<agent>…), which Python writes (?P<agent>…); use an unnamed group (…) (the job only asks whether a pattern matches)',
  ]],
  ["a banned pattern with a Python named group", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["(?P<agent>human|live) agent"] }) }), [
    "llm-platform:datasets[0].bannedPatterns[0]: \"(?P<agent>human|live) agent\" uses (?P<name>…) or (?P=name), Python's named groups: Python syntax JavaScript cannot check; write it in the syntax both share",
  ]],
  ["a banned pattern with a Unicode property", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["\\p{Han}+ agent"] }) }), [
    "llm-platform:datasets[0].bannedPatterns[0]: \"\\\\p{Han}+ agent\" uses \\p, a Unicode property escape JavaScript reads only with the u flag and Python's re does not know (bad escape \\p)",
  ]],
  ["a banned pattern with a variable look-behind", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["(?<=transfer(red)? )agent"] }) }), [
    'llm-platform:datasets[0].bannedPatterns[0]: "(?<=transfer(red)? )agent" has a look-behind (?<=…) of variable width, which Python refuses (look-behind requires fixed-width pattern); give every alternative one fixed length',
  ]],
  ["a banned pattern with an inline flag", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["(?i)human agent"] }) }), [
    'llm-platform:datasets[0].bannedPatterns[0]: "(?i)human agent" uses an inline flag such as (?i), which Python reads and JavaScript does not (the job matches case-insensitively already): Python syntax JavaScript cannot check; write it in the syntax both share',
  ]],
  ["a banned pattern that is empty", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: [""] }) }), [
    'llm-platform:datasets[0].bannedPatterns[0]: "" can match an empty string, so it matches every response and the tokenise job would drop every sample',
  ]],
  ["a banned pattern with an empty alternative", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["human agent|"] }) }), [
    'llm-platform:datasets[0].bannedPatterns[0]: "human agent|" can match an empty string, so it matches every response and the tokenise job would drop every sample',
  ]],
  ["a banned pattern with Python's end anchor", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["human agent\\Z"] }) }), [
    'llm-platform:datasets[0].bannedPatterns[0]: "human agent\\\\Z" uses \\Z, the end-of-text anchor in Python but the letter Z in JavaScript; use $',
  ]],
  ["a banned pattern listed twice", withValues(prod, { "llm-platform:datasets": prodDataset({ bannedPatterns: ["human agent", "human agent"] }) }), [
    'llm-platform:datasets[0].bannedPatterns[1]: "human agent" is already listed at bannedPatterns[0]; list it once',
  ]],
  ["filler words that differ only in case", withValues(prod, { "llm-platform:datasets": prodDataset({ fillerWords: ["um", "UM"] }) }), [
    'llm-platform:datasets[0].fillerWords[1]: "UM" is already listed at fillerWords[0] (the job strips filler words case-insensitively); list it once',
  ]],
  ["a blank filler word", withValues(prod, { "llm-platform:datasets": prodDataset({ fillerWords: ["um", "  "] }) }), [
    'llm-platform:datasets[0].fillerWords[1]: "  " is blank: a filler word must have a character to strip',
  ]],
  ["a feature tag listed twice", withValues(prod, { "llm-platform:datasets": prodDataset({ featureTags: ["region", "region"] }) }), [
    'llm-platform:datasets[0].featureTags[1]: "region" is already listed at featureTags[0]; list it once',
  ]],
  ["more nodes than an EKS node group may have", withValues(prod, { "llm-platform:nodePools": prodPool(3, { maxNodes: 451 }) }), [
    "llm-platform:nodePools[3].maxNodes: 451 is more than EKS's default quota of 450 nodes per managed node group (Amazon EKS service quotas, \"Nodes per managed node group\"); split the pool into pools of at most 450",
  ]],
  ["more pools than EKS node groups per cluster", withValues(prod, { "llm-platform:nodePools": [...prodPools, ...Array.from({ length: 27 }, (_, i) => ({ name: `infer-${i}`, instanceType: "g6e.xlarge", purpose: "inference", minNodes: 0, maxNodes: 1 }))] }), [
    "llm-platform:nodePools: lists 31 pools; each is an EKS managed node group and EKS's default quota is 30 per cluster (Amazon EKS service quotas, \"Managed node groups per cluster\"): merge pools",
  ]],
  ["a node count YAML read as infinity", withValues(prod, { "llm-platform:nodePools": '[{"name":"system","instanceType":"m6i.2xlarge","purpose":"system","minNodes":3,"maxNodes":1e400}]' }), [
    "llm-platform:nodePools[0].maxNodes: Infinity is not a whole number ≥ 0",
  ]],
  ["a node count written as a string", withValues(prod, { "llm-platform:nodePools": prodPool(3, { minNodes: "2" }) }), [
    'llm-platform:nodePools[3].minNodes: "2" is not a whole number ≥ 0',
  ]],
  ["a fractional GPU quota", withValues(prod, { "llm-platform:teams": [{ ...prodTeams[0], gpuQuota: { "train-h100": 2.5 } }, prodTeams[1]] }), [
    "llm-platform:teams[0].gpuQuota.train-h100: 2.5 is not a whole GPU count",
  ]],
  ["two on-prem pools selecting the same nodes", withValues(onprem, { "llm-platform:nodePools": onpremPools.map((p, i) => (i < 2 ? { ...p, nodeSelector: { "example.com/gpu": "a100", "example.com/rack": "r1" } } : p)) }), [
    'llm-platform:nodePools[1].nodeSelector: {"example.com/gpu":"a100","example.com/rack":"r1"} selects the same nodes as nodePools[0]; their GPUs would be counted twice by quotas and cost (give each pool its own labels)',
  ]],
  ["an on-prem node selector key that is not a label key", withValues(onprem, { "llm-platform:nodePools": onpremPool(0, { nodeSelector: { "gpu type": "a100" } }) }), [
    "llm-platform:nodePools[0].nodeSelector.gpu type: \"gpu type\" is not a label key ([prefix/]name: a name of at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; a prefix of lowercase DNS labels)",
  ]],
  ["an on-prem node selector value that is not a label value", withValues(onprem, { "llm-platform:nodePools": onpremPool(0, { nodeSelector: { "example.com/gpu": "A100 80GB" } }) }), [
    "llm-platform:nodePools[0].nodeSelector.example.com/gpu: \"A100 80GB\" is not a label value (≤ 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)",
  ]],
  ["a Prometheus selector label value with a space", withValues(onprem, { "llm-platform:monitoring": { prometheus: { existing: { ...onpremMonitoring.prometheus.existing, selectorLabels: { release: "cluster monitoring" } } } } }), [
    "llm-platform:monitoring.prometheus.existing.selectorLabels.release: \"cluster monitoring\" is not a label value (≤ 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)",
  ]],
  ["a token Secret key of ..", withValues(prod, { "llm-platform:datasets": prodDataset({ hubTokenSecret: { name: "hf-token", key: ".." } }) }), [
    "llm-platform:datasets[0].hubTokenSecret.key: \"..\" is not a Secret key (at most 253 letters, digits, '-', '_' and '.', not \".\" or \"..\")",
  ]],
  ["a command with an empty word", withValues(prod, { "llm-platform:trainingJobs": prodJob({ command: ["llm-train", ""] }) }), [
    "llm-platform:trainingJobs[0].command[1]: is an empty word: the program and each argument need a character",
  ]],
  ["an empty command", withValues(prod, { "llm-platform:trainingJobs": prodJob({ command: [] }) }), [
    "llm-platform:trainingJobs[0].command: is empty: give the program and its arguments, or leave it out for the image's llm-train",
  ]],
  ["a StorageClass name longer than Kubernetes allows", withValues(onprem, { "llm-platform:storage": { storageClassName: `${"a".repeat(254)}`, claimSizeGiB: 100 } }), [
    'llm-platform:storage.storageClassName: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... is longer than the 253 characters of a Kubernetes object name',
  ]],
];
