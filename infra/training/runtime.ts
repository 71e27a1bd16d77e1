/**
 * Training objects as plain Kubernetes manifests (pure): a ClusterTrainingRuntime per training pool
 * (the pool's fabric, resources and placement baked in) and a TrainJob per declared run. Built on
 * Kubeflow Trainer v2.3.0's DeepSpeed runtime (manifests/base/runtimes/deepspeed_distributed.yaml):
 * an MPI launcher and one SSH-reachable node per host, where the operator writes the hostfile with
 * the JobSet's pod DNS names — resolvable because the headless service publishes not-ready
 * addresses — so nobody hand-writes a hostfile of IPs (the field notes' "host not found").
 */
import type { NodePoolSpec, PlatformSpec, TrainingRunSpec } from "../config/types";
import { datasetShardPlan, datasetWorldSize } from "../data/datasets";
import { HF_CACHE_SUBPATH, hubEnv, isStagedPath } from "../data/modelSource";
import { DATA_ROOT, tokeniseJobConfig } from "../data/tokenise";
import { fabricProfile } from "../fabric/profile";
import { FABRIC_LABEL, GPU_TOLERATION, gpuModelOf, gpusPerNode, POOL_LABEL, poolNodeSelector } from "../nodes/labels";
import { GPU_MODELS, GpuModelName } from "../catalog/gpus";
import { SHARED_DATA_CLAIM } from "../storage/values";
import { CHECKPOINT_SUBPATH } from "../storage/teamDirectories";
import { PRIORITY_LABEL, QUEUE_LABEL } from "../queues/labels";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../security/podSecurity";
import { afterPeersReachable, forwardedEnvNames, mpirunCommand } from "./launcher";
import { adviseZero, deepspeedConfig, ZeroAdvice } from "./zero";
import { JOB_LABEL, VARIANT_LABEL } from "../metadata";
import { runtimeName } from "../naming";

export const TRAINER_API = "trainer.kubeflow.org/v1alpha1";
const CHECKPOINT_ROOT = "/checkpoints";
/** The pod volume of the shared claim. */
const SHARED_VOLUME = "shared";
/** Where training pods see the shared Hugging Face cache (claim directory HF_CACHE_SUBPATH). */
const HF_CACHE_ROOT = "/hf-cache";
const DEEPSPEED_CONFIG_DIR = "/etc/deepspeed";
const SSH_AUTH_PATH = "/home/mpiuser/.ssh";
/** Restarts of the whole JobSet before the TrainJob fails; each restart resumes from the last checkpoint. */
const MAX_RESTARTS = 3;
/** Share of a node's CPU and memory the worker requests (the rest is for system daemons). */
const NODE_SHARE = 0.9;

export { runtimeName } from "../naming";
const CHECK_SHARDS = "check-shards";

/** CPU and memory a worker requests and is limited to: its share of the node (catalog on AWS, config on-prem). */
export function workerCpuMemory(pool: NodePoolSpec): { cpu: string; memory: string } {
  const [vcpu, memoryGiB] = pool.kind === "aws" ? [pool.instanceType.vcpu, pool.instanceType.memoryGiB] : [pool.cpusPerNode, pool.memoryGiBPerNode];
  return { cpu: String(Math.floor(vcpu * NODE_SHARE)), memory: `${Math.floor(memoryGiB * NODE_SHARE)}Gi` };
}

/** What the shard check (a shell test of one file) needs. */
const CHECK_RESOURCES = { cpu: "100m", memory: "64Mi" };

/** The ClusterTrainingRuntime for one training pool. */
export function clusterTrainingRuntime(pool: NodePoolSpec, image: string) {
  const profile = fabricProfile(pool);
  const resources = { ...workerCpuMemory(pool), ...profile.podResources };
  const env = Object.entries(profile.env).map(([name, value]) => ({ name, value }));
  // restricted, plus only what the fabric needs (RDMA: IPC_LOCK; see security/podSecurity.ts).
  const securityContext = restrictedContainerSecurityContext(profile.capabilities);
  // One volume for the shared claim, mounted twice: the data read-only, checkpoints by subPath.
  // Two volumes naming one claim never finish mounting before Kubernetes 1.35 (kubernetes#99453).
  const volumes = [
    // NCCL moves intra-node traffic through shared memory; the container default of 64 MiB stalls it.
    { name: "dshm", emptyDir: { medium: "Memory" } },
    { name: SHARED_VOLUME, persistentVolumeClaim: { claimName: SHARED_DATA_CLAIM } },
  ];
  const volumeMounts = [
    { name: "dshm", mountPath: "/dev/shm" },
    { name: SHARED_VOLUME, mountPath: DATA_ROOT, readOnly: true },
    { name: SHARED_VOLUME, mountPath: CHECKPOINT_ROOT, subPath: CHECKPOINT_SUBPATH },
    // The Hugging Face cache the tokenise jobs fill, writable: a model is fetched once per volume, not per pod.
    { name: SHARED_VOLUME, mountPath: HF_CACHE_ROOT, subPath: HF_CACHE_SUBPATH },
  ];
  const podSpec = (container: Record<string, unknown>) => ({
    nodeSelector: poolNodeSelector(pool),
    tolerations: [GPU_TOLERATION],
    securityContext: restrictedPodSecurityContext(),
    // Training never calls the Kubernetes API: no token in the pod (the MPI operator mounts its SSH keys itself).
    automountServiceAccountToken: false,
    volumes,
    // A TrainJob (which sets SHARD_DIR through a runtime patch) is created after its data set's
    // tokenise Job completed; if the shards are gone anyway, fail at once with the reason rather than
    // hold GPUs waiting (Kueue would evict a pod that stays unready).
    initContainers: [{
      name: CHECK_SHARDS,
      image,
      command: ["sh", "-c", 'if [ -n "${SHARD_DIR:-}" ] && [ ! -f "$SHARD_DIR/manifest.json" ]; then echo "no tokenised shards at $SHARD_DIR: run the data set\'s tokenise job first"; exit 1; fi'],
      volumeMounts: [{ name: SHARED_VOLUME, mountPath: DATA_ROOT, readOnly: true }],
      resources: { requests: CHECK_RESOURCES, limits: CHECK_RESOURCES },
      // A shell test writes nothing: the root filesystem is read-only (Trivy KSV014, Checkov CKV_K8S_22).
      securityContext: restrictedContainerSecurityContext([], { readOnlyRootFilesystem: true }),
    }],
    containers: [{ name: "node", image, env, volumeMounts, securityContext, ...container }],
  });
  return {
    apiVersion: TRAINER_API,
    kind: "ClusterTrainingRuntime",
    metadata: {
      name: runtimeName(pool.name),
      labels: { "trainer.kubeflow.org/framework": "deepspeed", [POOL_LABEL]: pool.name, [FABRIC_LABEL]: pool.fabric },
    },
    spec: {
      mlPolicy: {
        numNodes: 1,
        mpi: { numProcPerNode: gpusPerNode(pool), mpiImplementation: "OpenMPI", sshAuthMountPath: SSH_AUTH_PATH, runLauncherAsNode: true },
      },
      template: {
        spec: {
          network: { publishNotReadyAddresses: true },
          successPolicy: { operator: "All", targetReplicatedJobs: ["launcher"] },
          failurePolicy: { maxRestarts: MAX_RESTARTS },
          replicatedJobs: [
            {
              name: "node",
              template: {
                spec: {
                  template: {
                    spec: podSpec({
                      command: ["/usr/sbin/sshd"],
                      args: ["-De", "-f", "/home/mpiuser/.sshd_config"],
                      readinessProbe: { tcpSocket: { port: 2222 }, initialDelaySeconds: 5 },
                      resources: { requests: resources, limits: resources },
                    }),
                  },
                },
              },
            },
            {
              name: "launcher",
              dependsOn: [{ name: "node", status: "Ready" }],
              template: {
                metadata: { labels: { "trainer.kubeflow.org/trainjob-ancestor-step": "trainer" } },
                spec: { template: { spec: podSpec({ resources: { requests: resources, limits: resources } }) } },
              },
            },
          ],
        },
      },
    },
  };
}

export interface TrainingRunPlan {
  readonly run: TrainingRunSpec;
  readonly worldSize: number;
  readonly gradientAccumulationSteps: number;
  readonly zero: ZeroAdvice;
  /** The stage the job runs with: its own zeroStage, else the advisor's. */
  readonly stage: 1 | 2 | 3;
  readonly deepspeed: Record<string, unknown>;
  readonly shardDir: string;
}

export function planTrainingRun(spec: PlatformSpec, run: TrainingRunSpec): TrainingRunPlan {
  const pool = spec.nodePools.find((p) => p.name === run.pool);
  if (!pool) throw new Error(`training run ${run.name}: no pool ${run.pool}`);
  const gpu = GPU_MODELS[gpuModelOf(pool) as GpuModelName];
  const worldSize = run.nodes * gpusPerNode(pool);
  const zero = adviseZero({
    parameters: run.model.parameters,
    largestLayerParameters: run.model.largestLayerParameters,
    hiddenSize: run.model.hiddenSize,
    layers: run.model.layers,
    optimizer: run.optimizer,
    gpuMemoryGiB: gpu.memoryGiB,
    gpusPerNode: gpusPerNode(pool),
    nodes: run.nodes,
    sequenceLength: run.maxSourceLength + run.maxTargetLength,
    microBatchSize: run.microBatchSize,
    allowOffload: run.allowOffload,
  });
  const gradientAccumulationSteps = Math.max(1, Math.round(run.globalBatchSize / (run.microBatchSize * worldSize)));
  const stage = run.zeroStage ?? zero.stage;
  const dataset = spec.datasets.find((d) => d.name === run.dataset)!;
  return {
    run,
    worldSize,
    gradientAccumulationSteps,
    zero,
    stage,
    deepspeed: deepspeedConfig({ stage, offload: stage === 3 && zero.offload, precision: run.precision, microBatchSize: run.microBatchSize, gradientAccumulationSteps, worldSize }),
    shardDir: `${DATA_ROOT}/${tokeniseJobConfig(spec, dataset).shardDir}`,
  };
}

/** The TrainJob of a run, admitted through its team's Kueue LocalQueue. */
export function trainJob(spec: PlatformSpec, plan: TrainingRunPlan, image: string, configMapName: string) {
  const { run } = plan;
  const pool = spec.nodePools.find((p) => p.name === run.pool)!;
  const dataset = spec.datasets.find((d) => d.name === run.dataset)!;
  const shardPlan = datasetShardPlan(spec, dataset);
  const env: Record<string, string> = {
    ...run.env,
    DEEPSPEED_CONFIG: `${DEEPSPEED_CONFIG_DIR}/ds_config.json`,
    MODEL_NAME_OR_PATH: run.model.name,
    SHARD_DIR: plan.shardDir,
    SHARD_COUNT: String(shardPlan.shardCount),
    SHARD_WORLD_SIZE: String(datasetWorldSize(spec, dataset)),
    SHARD_SEED: String(dataset.seed),
    MAX_SOURCE_LENGTH: String(run.maxSourceLength),
    MAX_TARGET_LENGTH: String(run.maxTargetLength),
    LEARNING_RATE: String(run.learningRate),
    EPOCHS: String(run.epochs),
    // Resume: the trainer loads the newest checkpoint here (DeepSpeed load_checkpoint "latest") before step 1.
    CHECKPOINT_DIR: `${CHECKPOINT_ROOT}/${run.team}/${run.name}`,
    CHECKPOINT_INTERVAL_STEPS: String(run.checkpointIntervalSteps),
    RESUME_FROM_CHECKPOINT: "latest",
    // The image's llm-train passes it to from_pretrained (ChatGLM-style repositories ship their own code).
    ...(run.model.hub.trustRemoteCode ? { TRUST_REMOTE_CODE: "1" } : {}),
  };
  const hub = hubEnv(`${HF_CACHE_ROOT}/huggingface`, run.model.hub, isStagedPath(run.model.name));
  const envList = [...Object.entries(env).map(([name, value]) => ({ name, value })), ...hub];
  return {
    apiVersion: TRAINER_API,
    kind: "TrainJob",
    metadata: {
      name: run.name,
      namespace: run.team,
      labels: {
        [QUEUE_LABEL]: run.queue,
        [PRIORITY_LABEL]: run.priority,
        [JOB_LABEL]: run.job,
        ...(run.variant ? { [VARIANT_LABEL]: run.variant } : {}),
      },
    },
    spec: {
      runtimeRef: { apiGroup: "trainer.kubeflow.org", kind: "ClusterTrainingRuntime", name: runtimeName(run.pool) },
      trainer: {
        image,
        numNodes: run.nodes,
        command: afterPeersReachable(mpirunCommand({ ranks: plan.worldSize, forwardEnv: forwardedEnvNames(pool, envList.map((e) => e.name)), program: run.command })),
        env: envList,
      },
      runtimePatches: [{
        manager: "llm-platform",
        trainingRuntimeSpec: {
          template: {
            spec: {
              replicatedJobs: ["node", "launcher"].map((name) => ({
                name,
                template: { spec: { template: { spec: {
                  volumes: [{ name: "deepspeed-config", configMap: { name: configMapName } }],
                  initContainers: [{ name: CHECK_SHARDS, env: [{ name: "SHARD_DIR", value: plan.shardDir }] }],
                  containers: [{ name: "node", volumeMounts: [{ name: "deepspeed-config", mountPath: DEEPSPEED_CONFIG_DIR, readOnly: true }] }],
                } } } },
              })),
            },
          },
        },
      }],
    },
  };
}
