import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { findInstanceType } from "../infra/catalog/instances";
import { KUEUE_DEFAULT_TIMEOUT_MINUTES, podsReadyEstimate } from "../infra/queues/podsReady";
import type { Fabric } from "../infra/config/types";
import { fabricContradictions, GPU_RESOURCE } from "../infra/fabric/profile";
import { MIN_MULTINODE_GBPS_PER_NODE, RDMA_FABRICS } from "../infra/fabric/requirements";
import { flavorName, KUEUE_API } from "../infra/queues/kueue";
import { QUEUE_LABEL } from "../infra/queues/labels";
import { FABRIC_LABEL, POOL_LABEL } from "../infra/nodes/labels";
import { ZERO_ADVICE_ANNOTATION, ZERO_ADVISED_STAGE_ANNOTATION } from "../infra/metadata";
import { TRAINER_API } from "../infra/training/runtime";
import { findManifest } from "./manifest";

const TRAIN_JOB = `kubernetes:${TRAINER_API}:TrainJob`;
const RUNTIME = `kubernetes:${TRAINER_API}:ClusterTrainingRuntime`;
const CLUSTER_QUEUE = `kubernetes:${KUEUE_API}:ClusterQueue`;
const LOCAL_QUEUE = `kubernetes:${KUEUE_API}:LocalQueue`;

interface JobView {
  job: PolicyResource;
  name: string;
  queue?: string;
  nodes: number;
  gpusPerNode: number;
  pool?: string;
  fabric?: string;
  env: Record<string, string>;
}

function jobViews(resources: readonly PolicyResource[]): JobView[] {
  const runtimes = new Map(resources.filter((r) => r.type === RUNTIME).map((r) => [r.props.metadata?.name as string, r]));
  return resources.filter((r) => r.type === TRAIN_JOB).map((job) => {
    const runtime = runtimes.get(job.props.spec?.runtimeRef?.name);
    const labels = (runtime?.props.metadata?.labels ?? {}) as Record<string, string>;
    const trainer = job.props.spec?.trainer ?? {};
    return {
      job,
      name: `${job.props.metadata?.namespace}/${job.props.metadata?.name ?? job.props.metadata?.generateName}`,
      queue: job.props.metadata?.labels?.[QUEUE_LABEL],
      nodes: Number(trainer.numNodes ?? runtime?.props.spec?.mlPolicy?.numNodes ?? 1),
      gpusPerNode: Number(runtime?.props.spec?.mlPolicy?.mpi?.numProcPerNode ?? 0),
      pool: labels[POOL_LABEL],
      fabric: labels[FABRIC_LABEL],
      env: Object.fromEntries(((trainer.env ?? []) as { name: string; value: string }[]).map((e) => [e.name, e.value])),
    };
  });
}

/** GPUs each ClusterQueue is guaranteed on a flavor. */
function nominalGpus(queue: PolicyResource, flavor: string): number {
  const flavors = (queue.props.spec?.resourceGroups ?? []).flatMap((g: any) => g.flavors ?? []);
  const resources = flavors.find((f: any) => f.name === flavor)?.resources ?? [];
  return Number(resources.find((r: any) => r.name === GPU_RESOURCE)?.nominalQuota ?? 0);
}

/** Every GPU job goes through a queue: no queue, no GPUs (the field notes' shared-GPU chaos). */
export const trainingJobQueued: StackValidationPolicy = {
  name: "training-job-queued",
  description: "Every TrainJob names a Kueue LocalQueue (kueue.x-k8s.io/queue-name) that exists.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const queues = new Set(args.resources.filter((r) => r.type === LOCAL_QUEUE).map((r) => `${r.props.metadata?.namespace}/${r.props.metadata?.name}`));
    for (const view of jobViews(args.resources)) {
      if (!view.queue) reportViolation(`TrainJob ${view.name} has no ${QUEUE_LABEL} label: it would take GPUs outside the queues`, view.job.urn);
      else if (!queues.has(`${view.job.props.metadata?.namespace}/${view.queue}`)) reportViolation(`TrainJob ${view.name} names LocalQueue ${view.queue}, which this stack does not create in its namespace`, view.job.urn);
    }
  },
};

/** A job's nodes × GPUs fit its pool and what its queue can ever get (own quota plus the cohort's). */
export const trainingJobFits: StackValidationPolicy = {
  name: "training-job-fits",
  description: "A TrainJob's nodes fit its pool's maxNodes, and its GPUs fit its team's quota plus what the cohort could lend.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const manifest = findManifest(args.resources);
    const queues = args.resources.filter((r) => r.type === CLUSTER_QUEUE);
    for (const view of jobViews(args.resources)) {
      if (!view.pool) {
        reportViolation(`TrainJob ${view.name} uses runtime ${view.job.props.spec?.runtimeRef?.name}, which is not a platform runtime of a training pool`, view.job.urn);
        continue;
      }
      const pool = manifest?.nodePools.find((p) => p.name === view.pool);
      if (pool && view.nodes > pool.maxNodes) reportViolation(`TrainJob ${view.name} wants ${view.nodes} nodes of pool ${pool.name}, whose maxNodes is ${pool.maxNodes}`, view.job.urn);
      const gpus = view.nodes * view.gpusPerNode;
      const flavor = flavorName(view.pool);
      const own = queues.find((q) => q.props.metadata?.name === view.queue);
      if (!own) continue;
      const nominal = nominalGpus(own, flavor);
      const cohort = queues.reduce((sum, q) => sum + nominalGpus(q, flavor), 0);
      if (gpus > cohort) {
        reportViolation(`TrainJob ${view.name} needs ${gpus} GPUs of pool ${view.pool}, but all queues together guarantee only ${cohort} there (its own ${view.queue}: ${nominal}): it can never be admitted`, view.job.urn);
      }
    }
  },
};

/** Advisory: a job that can run only on borrowed GPUs (and is preempted when their owner needs them). */
export const trainingJobWithinOwnQuota: StackValidationPolicy = {
  name: "training-job-within-own-quota",
  description: "A TrainJob needs more GPUs than its own queue guarantees, so it runs only on borrowed, reclaimable GPUs.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const queues = args.resources.filter((r) => r.type === CLUSTER_QUEUE);
    for (const view of jobViews(args.resources)) {
      const own = queues.find((q) => q.props.metadata?.name === view.queue);
      if (!own || !view.pool) continue;
      const nominal = nominalGpus(own, flavorName(view.pool));
      const gpus = view.nodes * view.gpusPerNode;
      if (gpus > nominal) reportViolation(`TrainJob ${view.name} needs ${gpus} GPUs of pool ${view.pool}; queue ${view.queue} guarantees ${nominal}, so it runs on borrowed GPUs that can be reclaimed`, view.job.urn);
    }
  },
};

/** Multi-node jobs run only where the fabric carries them. */
export const multinodeJobFabric: StackValidationPolicy = {
  name: "multinode-job-fabric",
  description: `A TrainJob on more than one node runs on an EFA or InfiniBand pool with at least ${MIN_MULTINODE_GBPS_PER_NODE} Gbps per node.`,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const manifest = findManifest(args.resources);
    for (const view of jobViews(args.resources)) {
      if (view.nodes <= 1) continue;
      const pool = manifest?.nodePools.find((p) => p.name === view.pool);
      if (!(RDMA_FABRICS as readonly string[]).includes(view.fabric ?? "")) {
        reportViolation(`TrainJob ${view.name} spans ${view.nodes} nodes on pool ${view.pool ?? "?"}, whose fabric is ${view.fabric ?? "unknown"}: the field notes' 64 Gbps network made 4 nodes slower than 1`, view.job.urn);
      } else if (pool && pool.networkGbpsPerNode < MIN_MULTINODE_GBPS_PER_NODE) {
        reportViolation(`TrainJob ${view.name} spans ${view.nodes} nodes on pool ${pool.name} at ${pool.networkGbpsPerNode} Gbps per node (< ${MIN_MULTINODE_GBPS_PER_NODE})`, view.job.urn);
      }
    }
  },
};

/** Hand-set NCCL / libfabric variables must not contradict the pool's fabric (the field notes' .deepspeed_env). */
export const jobNcclEnvMatchesFabric: StackValidationPolicy = {
  name: "job-nccl-env-matches-fabric",
  description: "A TrainJob's own NCCL / libfabric variables must not contradict its pool's fabric (e.g. NCCL_IB_DISABLE=1 on InfiniBand or EFA, socket-only transport on EFA).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const view of jobViews(args.resources)) {
      if (!view.pool || !view.fabric) continue;
      for (const problem of fabricContradictions({ pool: view.pool, fabric: view.fabric as Fabric }, view.env)) {
        reportViolation(`TrainJob ${view.name}: ${problem}; remove it — the runtime sets the fabric's environment`, view.job.urn);
      }
    }
  },
};

/** Advisory: ZeRO stage 3 forced where the advisor found stage 2 fits (the field notes kept 2: faster). */
export const zeroStage3WhereStage2Fits: StackValidationPolicy = {
  name: "zero-stage-3-where-2-fits",
  description: "A job forces ZeRO stage 3 although stage 2 fits its GPUs; stage 3 moves 1.5× the data per step.",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    for (const cm of args.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.props.metadata?.annotations?.[ZERO_ADVISED_STAGE_ANNOTATION])) {
      const advised = Number(cm.props.metadata.annotations[ZERO_ADVISED_STAGE_ANNOTATION]);
      const config = JSON.parse(cm.props.data?.["ds_config.json"] ?? "{}");
      const stage = Number(config.zero_optimization?.stage);
      if (stage === 3 && advised === 2) reportViolation(`${cm.props.metadata.namespace}/${cm.props.metadata.name}: ZeRO stage 3 is forced, but stage 2 fits (${cm.props.metadata.annotations[ZERO_ADVICE_ANNOTATION]})`, cm.urn);
    }
  },
};

/**
 * Kueue's all-or-nothing admission evicts a workload whose pods are not ready within
 * waitForPodsReady.timeout; on a pool that scales from zero the pods need the node to boot and the
 * training image to be pulled first (infra/queues/podsReady.ts), or every job is evicted and requeued.
 */
export const kueueWaitsForPools: StackValidationPolicy = {
  name: "kueue-waits-for-pools",
  description: "Kueue's waitForPodsReady.timeout covers every training pool's scale-up, image pull and start, so jobs on pools that scale from zero are not evicted while their nodes boot.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const manifest = findManifest(args.resources);
    if (!manifest) return;
    for (const release of args.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && String(r.props.chart).endsWith("/kueue"))) {
      const config = parse(String(release.props.values?.managerConfig?.controllerManagerConfigYaml ?? "")) ?? {};
      const wait = config.waitForPodsReady;
      if (!wait || wait.enable === false) continue;
      const timeout = durationMinutes(String(wait.timeout ?? `${KUEUE_DEFAULT_TIMEOUT_MINUTES}m`));
      for (const pool of manifest.nodePools.filter((p) => p.purpose === "training" && p.gpusPerNode > 0)) {
        const type = pool.instanceType ? findInstanceType(pool.instanceType) : undefined;
        const estimate = podsReadyEstimate({ name: pool.name, minNodes: pool.minNodes, maxNodes: pool.maxNodes, ...(type ? { instanceType: type } : {}) });
        if (timeout < estimate.timeoutMinutes) {
          reportViolation(
            `Kueue evicts jobs whose pods are not ready within ${timeout} min, but pool ${pool.name} needs about ${estimate.timeoutMinutes} min (scale-up ${estimate.reactionMinutes} + boot ${estimate.bootMinutes} + image pull ${estimate.pullMinutes.toFixed(1)} + start ${estimate.startMinutes}, with margin): every job on it would be evicted and requeued; raise waitForPodsReady.timeout`,
            release.urn,
          );
        }
      }
    }
  },
};

/** "30m", "1h", "90s", "1h30m" → minutes. */
function durationMinutes(text: string): number {
  let minutes = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) minutes += Number(n) * (unit === "h" ? 60 : unit === "m" ? 1 : 1 / 60);
  return minutes;
}
