/**
 * Config rules that need the resolved spec: storage per target, the file system's AZ against the
 * training pools, teams, and each data set's topology and shard plan.
 */
import { DEFAULT_LOCAL_QUEUE } from "../queues/kueue";
import { datasetShardPlan, MIB, shardPool } from "../data/datasets";
import { modelSourceProblems } from "../data/modelSource";
import { ShardPlanError } from "../data/shardPlan";
import { driversOfMinor, releaseMinor } from "../nodes/eksAmi";
import { gpusPerNode, isGpuPool } from "../nodes/labels";
import { tensorParallelSizes } from "../inference/memory";
import { planTrainingRun } from "../training/runtime";
import { ConfigProblem, show } from "./errors";
import { configKey as key } from "./keys";
import type { PlatformSpec } from "./types";
import { didYouMean } from "./suggest";


export function storageAndDataProblems(spec: PlatformSpec, decoded: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const rawStorage = (decoded.storage ?? undefined) as Record<string, unknown> | undefined;

  if (rawStorage) {
    if (spec.target === "aws") {
      if (!rawStorage.fsx) problems.push({ path: key("storage.fsx"), message: "is required on AWS ({ storageCapacityGiB, throughputPerTiB }: the FSx for Lustre file system for the shards)" });
      for (const k of ["storageClassName", "claimSizeGiB"]) {
        if (rawStorage[k] !== undefined) problems.push({ path: key(`storage.${k}`), message: "is only used with target existing (AWS stacks get FSx for Lustre)" });
      }
    } else {
      if (!rawStorage.storageClassName) problems.push({ path: key("storage.storageClassName"), message: "is required on an existing cluster (the name of a ReadWriteMany StorageClass the cluster has, e.g. cephfs or nfs-client)" });
      for (const k of ["fsx", "s3"]) {
        if (rawStorage[k] !== undefined) problems.push({ path: key(`storage.${k}`), message: "is only used with target aws (an existing cluster uses storage.storageClassName)" });
      }
    }
  }

  if (spec.target === "aws" && spec.storage) {
    const zone = spec.storage.fsx.availabilityZone;
    if (!spec.network.availabilityZones.includes(zone)) {
      problems.push({ path: key("storage.fsx.availabilityZone"), message: `${show(zone)} is not one of the VPC's availability zones (${spec.network.availabilityZones.join(", ")})` });
    } else {
      spec.nodePools.forEach((pool, i) => {
        if (pool.purpose !== "training") return;
        if (pool.availabilityZones.length !== 1 || pool.availabilityZones[0] !== zone) {
          problems.push({
            path: `${key("nodePools")}[${i}].availabilityZones`,
            message: `${show(pool.availabilityZones)} puts training pool ${pool.name} outside the file system's AZ ${zone}; shards would cross AZs (set [${JSON.stringify(zone)}] or move storage.fsx.availabilityZone)`,
          });
        }
      });
    }
  }

  const teamNames = spec.teams.map((t) => t.name);
  spec.teams.forEach((team, i) => {
    const first = teamNames.indexOf(team.name);
    if (first !== i) problems.push({ path: `${key("teams")}[${i}].name`, message: `${show(team.name)} is already the name of teams[${first}] (team names must be unique)` });
  });

  const datasetNames = spec.datasets.map((d) => d.name);
  spec.datasets.forEach((dataset, i) => {
    const at = `${key("datasets")}[${i}]`;
    if (datasetNames.indexOf(dataset.name) !== i) problems.push({ path: `${at}.name`, message: `${show(dataset.name)} is already the name of datasets[${datasetNames.indexOf(dataset.name)}]` });
    if (!spec.storage) problems.push({ path: at, message: `needs shared storage to write its shards to (set ${key("storage")})` });
    if (!teamNames.includes(dataset.team)) {
      problems.push({ path: `${at}.team`, message: `${show(dataset.team)} is not a team of ${key("teams")}${didYouMean(dataset.team, teamNames) || ` (teams: ${teamNames.join(", ") || "none"})`}` });
    }
    for (const p of modelSourceProblems(dataset.tokenizer, dataset.hub, "tokenizer")) problems.push({ path: `${at}.${p.key}`, message: p.message });
    const pool = shardPool(spec, dataset);
    if (!pool) {
      problems.push({ path: `${at}.shardFor.pool`, message: `${show(dataset.shardFor.pool)} is not a node pool${didYouMean(dataset.shardFor.pool, spec.nodePools.map((p) => p.name))}` });
      return;
    }
    if (pool.purpose !== "training" || !isGpuPool(pool)) {
      problems.push({ path: `${at}.shardFor.pool`, message: `${show(pool.name)} is a ${pool.purpose} pool; shards are cut for a GPU training pool` });
      return;
    }
    if (dataset.shardFor.nodes > pool.maxNodes) {
      problems.push({ path: `${at}.shardFor.nodes`, message: `${dataset.shardFor.nodes} is more than pool ${pool.name}'s maxNodes ${pool.maxNodes}` });
      return;
    }
    try {
      datasetShardPlan(spec, dataset);
    } catch (e) {
      if (!(e instanceof ShardPlanError)) throw e;
      problems.push({ path: `${at}.memoryBudgetMiB`, message: `${dataset.memoryBudgetMiB}: ${e.message} (memoryBudgetMiB ≥ ${Math.ceil(e.smallestBudgetBytes / MIB)})` });
    }
  });
  problems.push(...queueAndJobProblems(spec));
  problems.push(...nodeImageProblems(spec));
  problems.push(...monitoringProblems(spec, decoded));
  problems.push(...inferenceEndpointProblems(spec));
  return problems;
}

function inferenceEndpointProblems(spec: PlatformSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = spec.inferenceEndpoints.map((e) => e.name);
  const teamNames = spec.teams.map((t) => t.name);
  const poolNames = spec.nodePools.map((p) => p.name);
  spec.inferenceEndpoints.forEach((e, i) => {
    const at = `${key("inferenceEndpoints")}[${i}]`;
    if (names.indexOf(e.name) !== i) problems.push({ path: `${at}.name`, message: `${show(e.name)} is already the name of inferenceEndpoints[${names.indexOf(e.name)}] (endpoint names must be unique)` });
    if (!teamNames.includes(e.team)) problems.push({ path: `${at}.team`, message: `${show(e.team)} is not a team of ${key("teams")}${didYouMean(e.team, teamNames) || ` (teams: ${teamNames.join(", ") || "none"})`}` });
    const { model } = e;
    if (model.hiddenSize % model.attentionHeads !== 0) {
      problems.push({ path: `${at}.model.attentionHeads`, message: `${model.attentionHeads} does not divide hiddenSize ${model.hiddenSize} (head dimension = hiddenSize / attentionHeads, e.g. 4096 / 32 = 128)` });
    }
    if (model.kvHeads > model.attentionHeads || model.attentionHeads % model.kvHeads !== 0) {
      problems.push({ path: `${at}.model.kvHeads`, message: `${model.kvHeads} must divide attentionHeads ${model.attentionHeads} (grouped-query attention shares each key/value head among a whole group of query heads)` });
    }
    if (e.replicas.min > e.replicas.max) problems.push({ path: `${at}.replicas.min`, message: `${e.replicas.min} is greater than replicas.max ${e.replicas.max}` });
    if (e.replicas.min === 0 && !e.scaleToZero) {
      problems.push({ path: `${at}.replicas.min`, message: "0 parks the endpoint at zero replicas, where the first request waits minutes for a model to load; set replicas.min ≥ 1, or scaleToZero: true to mean it" });
    }
    if (e.scaleToZero && e.replicas.min > 0) problems.push({ path: `${at}.scaleToZero`, message: `true needs replicas.min 0 (it is ${e.replicas.min})` });
    else if (e.scaleToZero) {
      // At zero replicas vLLM's queue metrics vanish, and the gateway answers a fallback at once when
      // vLLM has no pod: no metric rises to wake the endpoint (the pending-requests gauge the
      // ScaledObject would watch is not exported). A parked endpoint would stay parked.
      problems.push({ path: `${at}.scaleToZero`, message: "true is not supported yet: nothing wakes a parked endpoint (vLLM's metrics vanish with its last pod and the gateway answers fallbacks at once); keep replicas.min ≥ 1" });
    }
    if (e.maxOutputTokens >= e.maxModelLen) problems.push({ path: `${at}.maxOutputTokens`, message: `${e.maxOutputTokens} leaves no room for a prompt within maxModelLen ${e.maxModelLen} (prompt + reply ≤ maxModelLen)` });
    if (e.traffic.outputTokens > e.maxOutputTokens) problems.push({ path: `${at}.traffic.outputTokens`, message: `${e.traffic.outputTokens} is more than maxOutputTokens ${e.maxOutputTokens}: the server caps every reply there` });
    if (e.traffic.inputTokens + e.traffic.outputTokens > e.maxModelLen) {
      problems.push({ path: `${at}.traffic.inputTokens`, message: `${e.traffic.inputTokens} + ${e.traffic.outputTokens} output tokens exceed maxModelLen ${e.maxModelLen}: such requests are refused by the server` });
    }
    const needsVolume = e.weights.kind === "shared" || e.loraAdapters.length > 0;
    if (needsVolume && !spec.storage) problems.push({ path: `${at}.weights`, message: `reads ${e.weights.kind === "shared" ? e.weights.path : "LoRA adapters"} from the shared volume, but the stack has none (set ${key("storage")}, or stream the weights from s3://)` });
    if (e.weights.kind === "s3" && spec.target !== "aws") problems.push({ path: `${at}.weights`, message: `${show(e.weights.uri)}: streaming from S3 needs an EKS Pod Identity (target aws); on an existing cluster put the weights on the shared volume` });
    const loraNames = e.loraAdapters.map((a) => a.name);
    e.loraAdapters.forEach((a, j) => {
      if (loraNames.indexOf(a.name) !== j) problems.push({ path: `${at}.loraAdapters[${j}].name`, message: `${show(a.name)} is already the name of loraAdapters[${loraNames.indexOf(a.name)}]` });
    });
    const pool = spec.nodePools.find((p) => p.name === e.pool);
    if (!pool) {
      problems.push({ path: `${at}.pool`, message: `${show(e.pool)} is not a node pool${didYouMean(e.pool, poolNames)}` });
      return;
    }
    if (!isGpuPool(pool)) {
      problems.push({ path: `${at}.pool`, message: `${show(e.pool)} has no GPUs; an endpoint serves on a GPU inference pool` });
      return;
    }
    const onNode = gpusPerNode(pool);
    const sizes = tensorParallelSizes(model, onNode);
    if (e.gpusPerReplica > onNode) {
      problems.push({ path: `${at}.gpusPerReplica`, message: `${e.gpusPerReplica} is more than pool ${pool.name}'s ${onNode} GPUs per node (a replica stays on one node; valid: ${sizes.join(", ")})` });
    } else if (!sizes.includes(e.gpusPerReplica)) {
      problems.push({ path: `${at}.gpusPerReplica`, message: `${e.gpusPerReplica} does not divide the model's ${model.attentionHeads} attention heads, which vLLM splits across the GPUs (valid on pool ${pool.name}: ${sizes.join(", ")})` });
    } else {
      const capacity = pool.maxNodes * Math.floor(onNode / e.gpusPerReplica);
      if (e.replicas.max > capacity) {
        problems.push({ path: `${at}.replicas.max`, message: `${e.replicas.max} is more than pool ${pool.name} can hold (maxNodes ${pool.maxNodes} × ${Math.floor(onNode / e.gpusPerReplica)} replicas per node = ${capacity})` });
      }
    }
  });
  return problems;
}

/** Monitoring keys that only make sense together, and each team's grace against the idle alert and the retention. */
function monitoringProblems(spec: PlatformSpec, decoded: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const raw = (decoded.monitoring ?? {}) as { prometheus?: Record<string, unknown>; grafana?: { enabled?: boolean } };
  const { prometheus, gpuIdle } = spec.monitoring;
  if (prometheus.kind === "existing") {
    for (const k of ["retentionDays", "storageGiB", "storageClassName"]) {
      if (raw.prometheus?.[k] !== undefined) problems.push({ path: key(`monitoring.prometheus.${k}`), message: "is only used when the platform installs Prometheus; the existing Prometheus keeps its own (remove it, or remove prometheus.existing)" });
    }
    if (raw.grafana?.enabled === true) problems.push({ path: key("monitoring.grafana.enabled"), message: "true installs Grafana only beside the platform's own Prometheus; with prometheus.existing the cluster's Grafana shows the dashboards (its sidecar reads ConfigMaps labelled grafana_dashboard)" });
  } else if (spec.target === "existing" && !prometheus.storageClassName) {
    problems.push({ path: key("monitoring.prometheus.storageClassName"), message: "is required on an existing cluster when the platform installs Prometheus (a ReadWriteOnce StorageClass the cluster has, e.g. ceph-rbd); or set monitoring.prometheus.existing to use the cluster's own Prometheus" });
  }
  spec.teams.forEach((team, i) => {
    if (team.reclaim.mode === "off") return;
    const at = `${key("teams")}[${i}].reclaim.idleGraceMinutes`;
    if (team.reclaim.idleGraceMinutes < gpuIdle.forMinutes) {
      problems.push({ path: at, message: `${team.reclaim.idleGraceMinutes} is shorter than monitoring.gpuIdle.forMinutes (${gpuIdle.forMinutes}): the team's workloads would be reclaimed before the GPUAllocatedIdle alert warns them (use ≥ ${gpuIdle.forMinutes})` });
    }
    if (prometheus.kind === "platform" && team.reclaim.idleGraceMinutes > prometheus.retentionDays * 24 * 60) {
      problems.push({ path: at, message: `${team.reclaim.idleGraceMinutes} minutes is longer than Prometheus keeps metrics (monitoring.prometheus.retentionDays ${prometheus.retentionDays}); the reclaimer could never see a whole grace period` });
    }
  });
  return problems;
}

/** Every node group is pinned to one EKS AMI release, which must be of the cluster's minor and ship the stack's driver. */
function nodeImageProblems(spec: PlatformSpec): ConfigProblem[] {
  if (spec.target !== "aws") return [];
  const { kubernetesVersion, nodeImageRelease } = spec.cluster;
  const driver = spec.gpuStack.driverVersion;
  if (nodeImageRelease === "") {
    const known = driversOfMinor(kubernetesVersion).map((d) => `${d.driver} (${d.releaseVersion})`).join(", ");
    return [{
      path: key("gpuStack.driverVersion"),
      message: `${show(driver)} is shipped by no known EKS AL2023 NVIDIA AMI release for Kubernetes ${kubernetesVersion} (known: ${known || "none"}); use one of those drivers, or set ${key("cluster.nodeImageRelease")} to a release that ships it (newer than the platform's table)`,
    }];
  }
  if (releaseMinor(nodeImageRelease) !== kubernetesVersion) {
    return [{ path: key("cluster.nodeImageRelease"), message: `${show(nodeImageRelease)} is a release for Kubernetes ${releaseMinor(nodeImageRelease)}, but the cluster runs ${kubernetesVersion} (node groups take the cluster's minor)` }];
  }
  return [];
}

function queueAndJobProblems(spec: PlatformSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const poolNames = spec.nodePools.map((p) => p.name);
  spec.teams.forEach((team, i) => {
    for (const poolName of Object.keys(team.gpuQuota)) {
      const pool = spec.nodePools.find((p) => p.name === poolName);
      const at = `${key("teams")}[${i}].gpuQuota.${poolName}`;
      if (!pool) problems.push({ path: at, message: `${show(poolName)} is not a node pool${didYouMean(poolName, poolNames)}` });
      else if (pool.purpose !== "training" || !isGpuPool(pool)) problems.push({ path: at, message: `${show(poolName)} is a ${pool.purpose} pool; quotas are for GPU training pools` });
    }
  });
  for (const pool of spec.nodePools) {
    const total = spec.teams.reduce((sum, t) => sum + (t.gpuQuota[pool.name] ?? 0), 0);
    const capacity = pool.maxNodes * gpusPerNode(pool);
    if (total > capacity) problems.push({ path: key("teams"), message: `nominal GPU quotas on pool ${pool.name} add up to ${total}, more than its ${capacity} GPUs (maxNodes × GPUs per node); guaranteed quota must exist` });
  }

  const teamNames = spec.teams.map((t) => t.name);
  const runNames = spec.trainingRuns.map((r) => r.name);
  spec.trainingRuns.forEach((run, r) => {
    const at = `${key("trainingJobs")}[${jobIndex(spec, run.job)}]`;
    const variantAt = run.variant ? `${at}.variants[${spec.trainingRuns.filter((x) => x.job === run.job).indexOf(run)}]` : at;
    if (runNames.indexOf(run.name) !== r) problems.push({ path: `${variantAt}.name`, message: run.variant ? `${show(run.variant)} makes the TrainJob name ${show(run.name)}, already the name of another training job or variant` : `${show(run.name)} is already the name of another training job or variant` });
    if (!teamNames.includes(run.team)) problems.push({ path: `${at}.team`, message: `${show(run.team)} is not a team of ${key("teams")}${didYouMean(run.team, teamNames)}` });
    // The job runs in its team's namespace, where the LocalQueues are the team's own and `default`.
    if (run.queue !== run.team && run.queue !== DEFAULT_LOCAL_QUEUE) {
      problems.push({ path: `${at}.queue`, message: `${show(run.queue)} is not a queue in team ${run.team}'s namespace: it has ${show(run.team)} (the team's quota) and ${show(DEFAULT_LOCAL_QUEUE)}` });
    }
    const pool = spec.nodePools.find((p) => p.name === run.pool);
    if (!pool) {
      problems.push({ path: `${at}.pool`, message: `${show(run.pool)} is not a node pool${didYouMean(run.pool, poolNames)}` });
      return;
    }
    if (pool.purpose !== "training" || !isGpuPool(pool)) {
      problems.push({ path: `${at}.pool`, message: `${show(run.pool)} is a ${pool.purpose} pool; training jobs run on GPU training pools` });
      return;
    }
    if (run.nodes > pool.maxNodes) problems.push({ path: `${at}.nodes`, message: `${run.nodes} is more than pool ${pool.name}'s maxNodes ${pool.maxNodes}` });
    if (runNames.indexOf(run.name) === r && spec.trainingRuns.findIndex((x) => x.job === run.job) === r) {
      for (const p of modelSourceProblems(run.model.name, run.model.hub, "model")) problems.push({ path: `${at}.model.${p.key}`, message: p.message });
    }
    const dataset = spec.datasets.find((d) => d.name === run.dataset);
    if (!dataset) {
      problems.push({ path: `${at}.dataset`, message: `${show(run.dataset)} is not a data set${didYouMean(run.dataset, spec.datasets.map((d) => d.name))}` });
      return;
    }
    if (run.maxSourceLength > dataset.maxSourceLength || run.maxTargetLength > dataset.maxTargetLength) {
      problems.push({ path: `${at}${run.variant ? `.variants[${run.variant}]` : ""}.maxSourceLength`, message: `${run.maxSourceLength}/${run.maxTargetLength} exceeds data set ${dataset.name}'s tokenised lengths ${dataset.maxSourceLength}/${dataset.maxTargetLength}; shards hold no longer samples (raise the data set's lengths to re-tokenise)` });
    }
    const world = run.nodes * gpusPerNode(pool);
    if (run.globalBatchSize % (run.microBatchSize * world) !== 0) {
      problems.push({ path: `${at}.globalBatchSize`, message: `${run.globalBatchSize} is not a multiple of microBatchSize × world size (${run.microBatchSize} × ${world}); e.g. ${Math.max(1, Math.round(run.globalBatchSize / (run.microBatchSize * world))) * run.microBatchSize * world}` });
    }
    if (dataset.team !== run.team) {
      // Each team's claim is its own volume (AWS: its own tree on the file system): another team's shards are not there.
      problems.push({ path: `${at}.dataset`, message: `${show(dataset.name)} is tokenised into team ${dataset.team}'s storage; team ${run.team}'s pods see only their own team's tree (use a data set of team ${run.team}, or declare the data set under team ${run.team})` });
    }
    let shardCount: number;
    try {
      shardCount = datasetShardPlan(spec, dataset).shardCount;
    } catch {
      return; // the data set's own problem is reported at datasets[…]
    }
    if (shardCount % world !== 0) problems.push({ path: `${at}.nodes`, message: `${run.nodes} nodes make ${world} ranks, which do not divide data set ${dataset.name}'s ${shardCount} shards (cut for ${dataset.shardFor.nodes} nodes of ${dataset.shardFor.pool}); match its shardFor` });
    const plan = planTrainingRun(spec, run);
    if (!plan.zero.fits) problems.push({ path: `${at}.nodes`, message: `${run.model.name} does not fit${run.variant ? ` (variant ${run.variant})` : ""}: ${plan.zero.explanation}` });
  });
  return problems;
}

function jobIndex(spec: PlatformSpec, job: string): number {
  return [...new Set(spec.trainingRuns.map((r) => r.job))].indexOf(job);
}
