import { parseSpec } from "../infra/config/spec";
import { adviseZero, deepspeedConfig, estimateStages } from "../infra/training/zero";
import { clusterTrainingRuntime, planTrainingRun, trainJob } from "../infra/training/runtime";
import { ncclAcceptanceTrainJob, poolBusBandwidthFloorGBps } from "../infra/training/ncclAcceptance";
import { clusterQueue, kueueManagerConfig, kueueValues, localQueue, resourceFlavor, workloadPriorityClasses } from "../infra/queues/kueue";
import { findInstanceType, ncclBusBandwidthFloorGBps } from "../infra/catalog/instances";
import { kubeflowTrainerValues } from "../infra/training/trainerValues";
import { missingKustomizations, pipelinesKustomizations } from "../infra/pipelines/manifests";
import { runFabricTestCli } from "../infra/plan/fabricTestCli";
import { named, ofType, referencePlan, itWithPlan } from "./helpers/plan";
import { referenceConfig } from "./helpers/stacks";
import { crdValidator } from "./helpers/crds";
import { describeWithUpstream, readUpstreamYaml, unknownValueKeys } from "./helpers/upstream";
import { parse } from "yaml";

const GIB = 1024 ** 3;
const prod = parseSpec(referenceConfig("prod"));
const onprem = parseSpec(referenceConfig("onprem"));
const dev = parseSpec(referenceConfig("dev"));
const pool = (spec: typeof prod, name: string) => spec.nodePools.find((p) => p.name === name)!;
const IMAGE = "registry.example.com/llm-train:torch2.7.1-cu128-ds0.17.1";

describe("ZeRO advisor", () => {
  const llama7b = { parameters: 7e9, largestLayerParameters: 0.02 * 7e9, hiddenSize: 4096, layers: 32, optimizer: "adamw" as const, gpuMemoryGiB: 80, gpusPerNode: 8, sequenceLength: 2048, microBatchSize: 1, allowOffload: false };
  const none = { hiddenSize: 0, layers: 0, sequenceLength: 0, microBatchSize: 0, gpuMemoryGiB: 80, optimizer: "adamw" as const, allowOffload: false };
  const gib = (bytes: number) => bytes / GIB;

  // DeepSpeed's own estimators, as published in its docs (model states only, no activations):
  // docs/code-docs/source/memory.rst — t5-3b (2851M params) on 1 node × 8 GPUs, ZeRO-2 without
  // offload: 15.93GB per GPU; the Hugging Face DeepSpeed guide — bigscience/T0_3B (2783M params,
  // 65M largest layer) on 1 GPU, ZeRO-3: 46.91GB without offload, 5.43GB with the optimizer on CPU.
  // (Their "GB" is bytes / 2^30; their parameter counts are rounded to 1M, hence 2 decimals.)
  it("matches DeepSpeed's published ZeRO-2 estimate for t5-3b on 8 GPUs", () => {
    const [, stage2] = estimateStages({ ...none, parameters: 2851e6, largestLayerParameters: 0, gpusPerNode: 8, nodes: 1 });
    expect(gib(stage2.modelStatesBytes)).toBeCloseTo(15.93, 1);
  });

  it("matches DeepSpeed's published ZeRO-3 estimates for T0_3B on one GPU, with and without offload", () => {
    const [, , stage3, offload] = estimateStages({ ...none, parameters: 2783e6, largestLayerParameters: 65e6, gpusPerNode: 1, nodes: 1 });
    expect(gib(stage3.modelStatesBytes)).toBeCloseTo(46.91, 1);
    expect(gib(offload.modelStatesBytes)).toBeCloseTo(5.43, 1);
    expect([stage3.offload, offload.offload]).toEqual([false, true]);
  });

  it("picks stage 2 for a 7B model on one node of 8 × 80 GB (Adam, bf16), showing the arithmetic", () => {
    const advice = adviseZero({ ...llama7b, nodes: 1 });
    expect(advice.stage).toBe(2);
    const [s1, s2, s3] = advice.estimates;
    // By hand, Ψ = 7e9, N = 8: stage 1 = 4Ψ + 12Ψ/8 = 28e9 + 10.5e9 B; stage 2 = 28e9 + 14e9 B;
    // stage 3 = 4 × 0.14e9 + 18Ψ/8 = 0.56e9 + 15.75e9 B; activations 1 × 2048 × 4096 × (2 × 32 + 34) = 822,083,584 B.
    expect(s1.modelStatesBytes).toBe(38.5e9);
    expect(s2.modelStatesBytes).toBe(42e9);
    expect(s3.modelStatesBytes).toBe(16.31e9);
    expect(s2.activationBytes).toBe(822_083_584);
    expect(advice.estimates.map((e) => [e.stage, e.offload])).toEqual([[1, false], [2, false], [3, false], [3, true]]);
    expect(s2.totalBytes).toBe(42_822_083_584); // 39.88 GiB
    // usable: 80 GiB × 0.85 = 68 GiB = 73,014,444,032 B
    expect(advice.usableBytes).toBe(73_014_444_032);
    expect(advice.explanation).toBe(
      "ZeRO stage 2: it fits on 1 × 8 GPUs of 80 GiB (68.0 GiB usable each); stage 2 needs 39.9 GiB, stage 3 16.0 GiB per GPU (activations 0.8 GiB). " +
        "Stage 3 would add a parameter all-gather per layer (1.5× the traffic) for memory this job does not need.",
    );
  });

  it("counts 8 bytes of optimizer state per parameter for SGD with momentum", () => {
    // Ψ = 1e9, N = 4: stage 1 = 4e9 + 8e9/4 = 6e9; stage 2 = 4e9 + 12e9/4 = 7e9; stage 3 = 4 × 1e8 + 14e9/4 = 3.9e9 B.
    const [s1, s2, s3] = estimateStages({ ...none, optimizer: "sgd", parameters: 1e9, largestLayerParameters: 1e8, gpusPerNode: 4, nodes: 1 });
    expect([s1.modelStatesBytes, s2.modelStatesBytes, s3.modelStatesBytes]).toEqual([6e9, 7e9, 3.9e9]);
  });

  it("keeps stage 2 when it needs exactly the usable memory, and moves to stage 3 one byte over", () => {
    // 10 GiB × 0.85 = 8.5 GiB = 9,126,805,504 B usable. Stage 2 on 1 GPU with Adam is 4Ψ + 16Ψ = 20Ψ bytes:
    // Ψ = 456,340,270 gives 9,126,805,400 B, plus activations of 1 × 1 × 1 × (2 × 35 + 34) = 104 B for 35 layers.
    const onTheLine = { ...none, gpuMemoryGiB: 10, parameters: 456_340_270, largestLayerParameters: 1, gpusPerNode: 1, nodes: 1, hiddenSize: 1, layers: 35, sequenceLength: 1, microBatchSize: 1 };
    const fits = adviseZero(onTheLine);
    expect(fits.estimates[1].totalBytes).toBe(9_126_805_504);
    expect([fits.stage, fits.fits]).toEqual([2, true]);
    const over = adviseZero({ ...onTheLine, hiddenSize: 2 }); // activations 208 B: 104 B over
    expect([over.stage, over.offload, over.fits]).toEqual([3, false, true]);
  });

  it("picks stage 3 for a 70B model on 8 nodes of 8 × 80 GB", () => {
    const llama70b = { ...llama7b, parameters: 70e9, largestLayerParameters: 1.4e9, hiddenSize: 8192, layers: 80, nodes: 8 };
    const advice = adviseZero(llama70b);
    expect(advice.stage).toBe(3);
    const [, s2, s3] = advice.estimates;
    expect(s2.fits).toBe(false); // 4 × 70e9 = 280 GB resident alone
    // stage 3 by hand: 4 × 1.4e9 + 18 × 70e9 / 64 = 5.6e9 + 19.6875e9 B; activations 2048 × 8192 × (2 × 80 + 34) = 3,254,779,904 B
    expect(s3.totalBytes).toBe(28_542_279_904);
    expect(s3.fits).toBe(true);
    expect(advice.explanation).toMatch(/^ZeRO stage 3: stage 2 does not fit on 8 × 8 GPUs of 80 GiB \(68\.0 GiB usable each\); stage 2 needs 280\.1 GiB, stage 3 26\.6 GiB per GPU \(activations 3\.0 GiB\)\. Stage 3 partitions the parameters too, at 1\.5× stage 2's communication\.$/);
  });

  it("offloads only when asked, and says when nothing fits", () => {
    const huge = { ...llama7b, parameters: 70e9, largestLayerParameters: 1.4e9, hiddenSize: 8192, layers: 80, nodes: 1 };
    const refused = adviseZero(huge);
    expect([refused.stage, refused.offload, refused.fits]).toEqual([3, false, false]);
    expect(refused.explanation).toMatch(/^nothing fits on 1 × 8 GPUs .* Add nodes, use a pool with more GPU memory, shorten sequences, or set allowOffload\.$/);
    // offloaded by hand: 4 × 1.4e9 + 2 × 70e9 / 8 = 5.6e9 + 17.5e9 = 23.1e9 B plus 3,254,779,904 B of activations: 24.5 GiB, fits in 68
    const offloaded = adviseZero({ ...huge, allowOffload: true });
    expect([offloaded.stage, offloaded.offload, offloaded.fits]).toEqual([3, true, true]);
    expect(offloaded.estimates[3].totalBytes).toBe(26_354_779_904);
    expect(offloaded.explanation).toMatch(/; offloaded, 24\.5 GiB per GPU\.$/);
    // 405B on one node: 4 × 8e9 + 2 × 405e9 / 8 = 133.25e9 B offloaded: still too much
    const tooBig = adviseZero({ ...huge, parameters: 405e9, largestLayerParameters: 8e9, allowOffload: true });
    expect([tooBig.offload, tooBig.fits]).toEqual([true, false]);
    expect(tooBig.explanation).toMatch(/ — still too much\.$/);
  });

  it("renders the DeepSpeed config for the chosen stage", () => {
    const config = deepspeedConfig({ stage: 2, offload: false, precision: "bf16", microBatchSize: 2, gradientAccumulationSteps: 4, worldSize: 16 });
    // train_batch_size = 2 per GPU × 4 steps × 16 ranks = 128 (DeepSpeed requires exactly this product)
    expect(config).toEqual({
      train_micro_batch_size_per_gpu: 2,
      gradient_accumulation_steps: 4,
      train_batch_size: 128,
      gradient_clipping: 1.0,
      bf16: { enabled: true },
      fp16: { enabled: false },
      zero_optimization: { stage: 2, overlap_comm: true, contiguous_gradients: true, reduce_bucket_size: 5e8, allgather_bucket_size: 5e8, reduce_scatter: true },
      activation_checkpointing: { partition_activations: false, contiguous_memory_optimization: false },
      steps_per_print: 50,
      wall_clock_breakdown: false,
    });
    const stage3 = deepspeedConfig({ stage: 3, offload: true, precision: "fp16", microBatchSize: 1, gradientAccumulationSteps: 1, worldSize: 8 });
    expect(stage3).toMatchObject({ train_batch_size: 8, bf16: { enabled: false }, fp16: { enabled: true }, activation_checkpointing: { partition_activations: true } });
    expect(stage3.zero_optimization).toEqual({
      stage: 3, overlap_comm: true, contiguous_gradients: true, reduce_bucket_size: 5e8,
      stage3_prefetch_bucket_size: 5e8, stage3_param_persistence_threshold: 1e6, stage3_gather_16bit_weights_on_model_save: true,
      offload_optimizer: { device: "cpu", pin_memory: true },
    });
    expect((deepspeedConfig({ stage: 1, offload: false, precision: "bf16", microBatchSize: 1, gradientAccumulationSteps: 1, worldSize: 1 }).zero_optimization as any).allgather_bucket_size).toBe(5e8);
  });
});

describe("training runtime per fabric", () => {
  const nodeContainer = (runtime: any) => runtime.spec.template.spec.replicatedJobs[0].template.spec.template.spec;

  it("on EFA (prod H100): EFA devices, huge pages, GPUDirect RDMA env, /dev/shm, read-only shards, pool placement", () => {
    const runtime = clusterTrainingRuntime(pool(prod, "train-h100"), IMAGE);
    expect(runtime.spec.mlPolicy.mpi).toEqual({ numProcPerNode: 8, mpiImplementation: "OpenMPI", sshAuthMountPath: "/home/mpiuser/.ssh", runLauncherAsNode: true });
    const spec = nodeContainer(runtime);
    const container = spec.containers[0];
    expect(container.resources.limits).toEqual({ cpu: "172", memory: "1843Gi", "nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32", "hugepages-2Mi": "5120Mi" });
    expect(container.env).toEqual(expect.arrayContaining([{ name: "FI_PROVIDER", value: "efa" }, { name: "FI_EFA_USE_DEVICE_RDMA", value: "1" }, { name: "NCCL_SOCKET_IFNAME", value: "eth0" }]));
    expect(container.volumeMounts).toEqual([
      { name: "dshm", mountPath: "/dev/shm" },
      // One volume for the claim, mounted three times: two volumes naming one claim never finish
      // mounting before Kubernetes 1.35 (kubernetes#99453), and a readOnly claim would make all mounts read-only.
      { name: "shared", mountPath: "/data", readOnly: true },
      { name: "shared", mountPath: "/checkpoints", subPath: "checkpoints" },
      { name: "shared", mountPath: "/hf-cache", subPath: "cache" },
    ]);
    expect(spec.volumes).toEqual([
      { name: "dshm", emptyDir: { medium: "Memory" } },
      { name: "shared", persistentVolumeClaim: { claimName: "llm-shared-data" } },
    ]);
    expect(spec.nodeSelector).toEqual({ "llm-platform/pool": "train-h100" });
    expect(spec.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(runtime.spec.template.spec.network).toEqual({ publishNotReadyAddresses: true });
    expect(runtime.spec.template.spec.failurePolicy).toEqual({ maxRestarts: 3 });
  });

  it("on InfiniBand (on-prem A100): the RDMA resource, IPC_LOCK, mlx5 HCAs, the pool's node selector", () => {
    const spec = nodeContainer(clusterTrainingRuntime(pool(onprem, "train-a100"), IMAGE));
    const container = spec.containers[0];
    // 90% of the node (onprem stack: cpusPerNode 128, memoryGiBPerNode 1024): 115.2 → 115 CPUs, 921.6 → 921 GiB.
    expect(container.resources.limits).toEqual({ cpu: "115", memory: "921Gi", "nvidia.com/gpu": "8", "rdma/rdma_shared_device_a": "1" });
    // Pod Security restricted, plus the one capability RDMA's memory pinning needs.
    expect(container.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["IPC_LOCK"] }, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.env).toEqual(expect.arrayContaining([{ name: "NCCL_IB_HCA", value: "mlx5" }, { name: "NCCL_IB_DISABLE", value: "0" }]));
    expect(spec.nodeSelector).toEqual({ "llm-platform/pool": "train-a100" });
  });

  it("on TCP (dev L40S): GPUs only and InfiniBand probing off", () => {
    const container = nodeContainer(clusterTrainingRuntime(pool(dev, "smoke-l40s"), IMAGE)).containers[0];
    expect(container.resources.limits).toEqual({ cpu: "3", memory: "28Gi", "nvidia.com/gpu": "1" });
    expect(container.env).toEqual(expect.arrayContaining([{ name: "NCCL_IB_DISABLE", value: "1" }]));
    expect(container.env.map((e: any) => e.name)).not.toContain("FI_PROVIDER");
  });

  it("fails fast, naming the cause, when a job's shards are missing (instead of holding GPUs)", () => {
    const init = nodeContainer(clusterTrainingRuntime(pool(prod, "train-h100"), IMAGE)).initContainers[0];
    expect(init.name).toBe("check-shards");
    expect(init.command[2]).toBe('if [ -n "${SHARD_DIR:-}" ] && [ ! -f "$SHARD_DIR/manifest.json" ]; then echo "no tokenised shards at $SHARD_DIR: run the data set\'s tokenise job first"; exit 1; fi');
    expect(init.volumeMounts).toEqual([{ name: "shared", mountPath: "/data", readOnly: true }]);
  });

  itWithPlan("creates a declared run only after its data set's tokenise job (which pulumi up awaits)", async () => {
    const plan = await referencePlan("prod");
    const tokenise = ofType(plan, "kubernetes:batch/v1:Job").find((j) => j.name === "prod-tokenise-sales-dialogue")!;
    expect((tokenise.inputs as any).metadata.annotations).toEqual({ "pulumi.com/timeoutSeconds": "21600" });
    expect(named(plan, "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", "prod-jobs-sales-llama8b-src512").options.dependsOn).toContain(tokenise.urn);
  });

  itWithPlan("renders one runtime per training pool, on the aligned image, in the plan", async () => {
    const plan = await referencePlan("prod");
    const runtimes = ofType(plan, "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime");
    expect(runtimes.map((r) => (r.inputs as any).metadata.name)).toEqual(["deepspeed-train-h100", "deepspeed-train-h200"]);
    expect(nodeContainer(runtimes[0].inputs).containers[0].image).toBe("444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/llm-train:torch2.7.1-cu128-ds0.17.1");
    expect(runtimes[0].options.dependsOn).toEqual([named(plan, "kubernetes:helm.sh/v3:Release", "prod-trainer").urn]);
  });
});

describe("declared training jobs", () => {
  itWithPlan("render the 512 vs 1024 experiment as two TrainJobs from one declaration", async () => {
    const plan = await referencePlan("prod");
    const jobs = ofType(plan, "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob").map((r) => r.inputs as any);
    expect(jobs.map((j) => j.metadata.name)).toEqual(["sales-llama8b-src512", "sales-llama8b-src1024"]);
    const env = (j: any) => Object.fromEntries(j.spec.trainer.env.map((e: any) => [e.name, e.value]));
    expect([env(jobs[0]).MAX_SOURCE_LENGTH, env(jobs[1]).MAX_SOURCE_LENGTH]).toEqual(["512", "1024"]);
    const { MAX_SOURCE_LENGTH: _a, ...rest0 } = env(jobs[0]);
    const { MAX_SOURCE_LENGTH: _b, ...rest1 } = env(jobs[1]);
    expect({ ...rest0, CHECKPOINT_DIR: "" }).toEqual({ ...rest1, CHECKPOINT_DIR: "" });
  });

  itWithPlan("queue through the team's LocalQueue, resume from the last checkpoint and read the shard plan", async () => {
    const job = named(await referencePlan("prod"), "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", "prod-jobs-sales-llama8b-src1024").inputs as any;
    expect(job.metadata).toMatchObject({ namespace: "sales-dialogue", labels: { "kueue.x-k8s.io/queue-name": "sales-dialogue", "kueue.x-k8s.io/priority-class": "normal" } });
    expect(job.spec.runtimeRef).toEqual({ apiGroup: "trainer.kubeflow.org", kind: "ClusterTrainingRuntime", name: "deepspeed-train-h100" });
    expect(job.spec.trainer.numNodes).toBe(2);
    // As Kubeflow Trainer's own DeepSpeed runtime: mpirun over the operator's hostfile, 2 nodes × 8 GPUs = 16
    // ranks; ranks on the other node start through sshd, so every fabric, job and hub variable is forwarded.
    // …after waiting for every peer's sshd (the launcher's wrapper: sh -c <script> launcher mpirun …).
    expect(job.spec.trainer.command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(job.spec.trainer.command[3]).toBe("launcher");
    const command: string[] = job.spec.trainer.command.slice(4);
    expect(command.slice(0, 7)).toEqual(["mpirun", "--hostfile", "/etc/mpi/hostfile", "-np", "16", "--bind-to", "none"]);
    expect(command[command.length - 1]).toBe("llm-train");
    const forwarded = command.slice(7, -1).filter((_, i) => i % 2 === 1);
    expect(command.slice(7, -1).filter((_, i) => i % 2 === 0).every((flag) => flag === "-x")).toBe(true);
    expect(forwarded).toEqual([
      "NCCL_DEBUG", "NCCL_SOCKET_IFNAME", "FI_PROVIDER", "FI_EFA_USE_DEVICE_RDMA", "FI_EFA_FORK_SAFE",
      "DEEPSPEED_CONFIG", "MODEL_NAME_OR_PATH", "SHARD_DIR", "SHARD_COUNT", "SHARD_WORLD_SIZE", "SHARD_SEED", "MAX_SOURCE_LENGTH", "MAX_TARGET_LENGTH",
      "LEARNING_RATE", "EPOCHS", "CHECKPOINT_DIR", "CHECKPOINT_INTERVAL_STEPS", "RESUME_FROM_CHECKPOINT", "HF_HOME", "HF_TOKEN", "PATH", "LD_LIBRARY_PATH",
    ]);
    // The gated model's token comes from the Secret the stack names, never a value in config.
    expect(job.spec.trainer.env).toContainEqual({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } });
    expect(job.spec.trainer.env).toContainEqual({ name: "HF_HOME", value: "/hf-cache/huggingface" });
    const env = Object.fromEntries(job.spec.trainer.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ RESUME_FROM_CHECKPOINT: "latest", CHECKPOINT_DIR: "/checkpoints/sales-dialogue/sales-llama8b-src1024", CHECKPOINT_INTERVAL_STEPS: "500", SHARD_COUNT: "16", SHARD_WORLD_SIZE: "16", DEEPSPEED_CONFIG: "/etc/deepspeed/ds_config.json" });
    expect(env.SHARD_DIR).toMatch(/^\/data\/shards\/sales-dialogue\/[0-9a-f]{64}$/);
  });

  itWithPlan("ship the DeepSpeed config the advisor chose, with its reasoning", async () => {
    const cm = named(await referencePlan("prod"), "kubernetes:core/v1:ConfigMap", "prod-jobs-sales-llama8b-src1024-deepspeed").inputs as any;
    const config = JSON.parse(cm.data["ds_config.json"]);
    expect(config.zero_optimization.stage).toBe(2);
    expect(config.train_batch_size).toBe(128);
    expect(cm.metadata.annotations["llm-platform/zero-advised-stage"]).toBe("2");
    expect(cm.metadata.annotations["llm-platform/zero-advice"]).toMatch(/^ZeRO stage 2: it fits on 2 × 8 GPUs of 80 GiB/);
  });
});

describe("Kueue", () => {
  it("flavors each GPU pool, gives each team a ClusterQueue with its quota in one cohort, and reclaims borrowed GPUs", () => {
    expect(resourceFlavor(pool(prod, "train-h100")).spec).toEqual({
      nodeLabels: { "llm-platform/pool": "train-h100" },
      nodeTaints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
    });
    // No tolerations on the flavor: Kueue would add them to the pod's when checking the taint, and admit CPU-only jobs here.
    expect(resourceFlavor(pool(prod, "train-h100")).spec).not.toHaveProperty("tolerations");
    const queue = clusterQueue(prod, prod.teams[0]);
    expect(queue.spec.cohortName).toBe("llm-platform");
    // CPU-only work first. sales-dialogue tokenises one data set with 16 workers of 1 CPU and
    // 2048 MiB budget + 2048 MiB overhead each: 16 CPUs, 16 × 4096 MiB = 64 GiB; no GPUs.
    expect(queue.spec.resourceGroups[0].flavors[0]).toEqual({
      name: "cpu",
      resources: [{ name: "cpu", nominalQuota: "16" }, { name: "memory", nominalQuota: "64Gi" }, { name: "nvidia.com/gpu", nominalQuota: 0 }],
    });
    expect(queue.spec.resourceGroups[0].flavors[1]).toEqual({
      name: "pool-train-h100",
      // 32 GPUs = 4 nodes' worth: 4 × 172 vCPU, 4 × 1843 GiB requested by workers
      resources: [{ name: "cpu", nominalQuota: "688" }, { name: "memory", nominalQuota: "7372Gi" }, { name: "nvidia.com/gpu", nominalQuota: 32 }],
    });
    expect(queue.spec.preemption).toEqual({ reclaimWithinCohort: "Any", borrowWithinCohort: { policy: "LowerPriority", maxPriorityThreshold: 100 }, withinClusterQueue: "LowerPriority" });
    expect(localQueue("research")).toEqual({ apiVersion: "kueue.x-k8s.io/v1beta2", kind: "LocalQueue", metadata: { name: "research", namespace: "research" }, spec: { clusterQueue: "research" } });
  });

  it("enables the TrainJob integration and ignores per-node device resources", () => {
    const config = parse(kueueManagerConfig(prod));
    expect(config.integrations.frameworks).toContain("trainer.kubeflow.org/trainjob");
    expect(config.resources.excludeResourcePrefixes).toEqual(["vpc.amazonaws.com/", "hugepages-", "rdma/"]);
    // prod's p5 pools scale from zero: 1 min scale-up + 12 min HGX boot + 20 GiB pulled twice through a
    // 125 MiB/s root volume (20 × 1024 × 2 / 125 / 60 = 5.46 min) + 2 min start = 20.46 min; × 1.25 = 25.6 → 30 min.
    expect(config.waitForPodsReady).toEqual({ timeout: "30m", blockAdmission: true });
    // onprem's hosts are always there: 5.46 min pull + 2 min start = 7.46 × 1.25 = 9.3 → 10 min (Kueue's default floor).
    expect(parse(kueueManagerConfig(onprem)).waitForPodsReady.timeout).toBe("10m");
  });

  itWithPlan("creates queues, flavors and priorities after the Kueue release, in the plan", async () => {
    const plan = await referencePlan("prod");
    const release = named(plan, "kubernetes:helm.sh/v3:Release", "prod-kueue");
    expect(release.inputs).toMatchObject({ chart: "oci://registry.k8s.io/kueue/charts/kueue", version: "0.19.2", namespace: "kueue-system" });
    const lq = named(plan, "kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue", "prod-kueue-lq-research");
    expect((lq.inputs as any).metadata.namespace).toBe("research");
    expect(ofType(plan, "kubernetes:kueue.x-k8s.io/v1beta2:WorkloadPriorityClass").map((r) => (r.inputs as any).value)).toEqual([1000, 100, 10]);
  });
});

describe("fabric acceptance test", () => {
  it("derives each pool's floor: measured where published, else 70 % of the ring bound, overridable", () => {
    expect(ncclBusBandwidthFloorGBps(findInstanceType("p4d.24xlarge")!)).toBe(40); // 0.7 × 57.2 (NVIDIA/nccl#527)
    expect(ncclBusBandwidthFloorGBps(findInstanceType("p5.48xlarge")!)).toBe(65.6); // 0.7 × 50 GB/s × 30/16
    expect(ncclBusBandwidthFloorGBps(findInstanceType("g5.xlarge")!)).toBeUndefined();
    expect(poolBusBandwidthFloorGBps(pool(onprem, "train-a100"))).toBe(16.4); // 0.7 × (800 Gbps / 8 / 8 GPUs = 12.5 GB/s) × 30/16
    expect(poolBusBandwidthFloorGBps({ ...pool(prod, "train-h100"), ncclBusBandwidthFloorGBps: 300 })).toBe(300);
  });

  it("prints one TrainJob that runs all_reduce_perf across two nodes through the pool's runtime", async () => {
    const out: string[] = [];
    expect(await runFabricTestCli(["--stack", "prod", "--pool", "train-h100"], (t) => out.push(t), () => undefined)).toBe(0);
    expect(out[0]).toBe("# NCCL all-reduce acceptance for pool train-h100: fails below 65.6 GB/s bus bandwidth\n");
    const job = parse(out.join("").split("\n").slice(1).join("\n"));
    expect(job.metadata).toEqual({
      generateName: "nccl-allreduce-train-h100-",
      namespace: "sales-dialogue",
      labels: { "kueue.x-k8s.io/queue-name": "sales-dialogue", "kueue.x-k8s.io/priority-class": "high", "llm-platform/acceptance-test": "train-h100" },
    });
    expect(job.spec.runtimeRef.name).toBe("deepspeed-train-h100");
    expect(job.spec.trainer.numNodes).toBe(2);
    expect(job.spec.trainer.image).toBe("444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/llm-train:torch2.7.1-cu128-ds0.17.1");
    expect(job.spec.trainer.command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(job.spec.trainer.command.slice(4).join(" ")).toBe(
      "python3 /opt/llm-platform/nccl/check_busbw.py --min-busbw-gbps 65.6 -- mpirun --hostfile /etc/mpi/hostfile -np 16 --bind-to none " +
        "-x NCCL_DEBUG -x NCCL_SOCKET_IFNAME -x FI_PROVIDER -x FI_EFA_USE_DEVICE_RDMA -x FI_EFA_FORK_SAFE -x PATH -x LD_LIBRARY_PATH " +
        "/opt/nccl-tests/build/all_reduce_perf -b 1G -e 8G -f 2 -g 1",
    );
    expect(job.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec.volumes).toEqual([{ name: "nccl-check", configMap: { name: "llm-nccl-acceptance" } }]);
  });

  it("refuses a single-node pool or an unknown pool with a clear message", async () => {
    const errors: string[] = [];
    expect(await runFabricTestCli(["--stack", "dev", "--pool", "smoke-l40s"], () => undefined, (l) => errors.push(l))).toBe(2);
    expect(await runFabricTestCli(["--stack", "prod", "--pool", "train-h10"], () => undefined, (l) => errors.push(l))).toBe(2);
    expect(errors).toEqual([
      "--pool smoke-l40s: maxNodes is 1; the fabric test needs 2 nodes",
      "--pool train-h10: not a GPU training pool of stack prod (training pools: train-h100, train-h200)",
    ]);
  });

  itWithPlan("ships the check script to every team namespace", async () => {
    const cms = ofType(await referencePlan("prod"), "kubernetes:core/v1:ConfigMap").filter((c) => (c.inputs as any).metadata.name === "llm-nccl-acceptance");
    expect(cms.map((c) => (c.inputs as any).metadata.namespace)).toEqual(["sales-dialogue", "research"]);
  });
});

describe("Kubeflow Pipelines", () => {
  itWithPlan("renders upstream's two kustomizations on the deployer, cluster-scoped resources first, with no installer workload", async () => {
    const plan = await referencePlan("prod");
    const directories = ofType(plan, "kubernetes:kustomize/v2:Directory");
    // kubeflow.org standalone install: cluster-scoped-resources, then env/platform-agnostic, of the pinned release.
    expect(directories.map((d) => (d.inputs as any).directory)).toEqual([
      "vendor/kubeflow-pipelines/2.14.3/manifests/kustomize/cluster-scoped-resources",
      "vendor/kubeflow-pipelines/2.14.3/manifests/kustomize/env/platform-agnostic",
    ]);
    // The second waits for the namespace the first creates to be labelled and fenced (a NamespacePatch), which waits for the first.
    const patch = named(plan, "kubernetes:core/v1:NamespacePatch", "prod-pipelines-namespace");
    expect(patch.options.dependsOn).toEqual([directories[0].urn]);
    expect(directories[1].options.dependsOn).toEqual([patch.urn]);
    expect(ofType(plan, "kubernetes:batch/v1:Job").filter((j) => (j.inputs as any).metadata.namespace === "kubeflow")).toEqual([]);
    expect(ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")).toEqual([]);
  });

  it("says what to run when the pinned manifests are not on the deployer", () => {
    const dir = "vendor/kubeflow-pipelines/2.14.3/manifests/kustomize";
    expect(missingKustomizations(dir, () => false)).toEqual([`${dir}/cluster-scoped-resources/kustomization.yaml`, `${dir}/env/platform-agnostic/kustomization.yaml`]);
    expect(missingKustomizations(dir, (f) => f.endsWith("cluster-scoped-resources/kustomization.yaml"))).toEqual([`${dir}/env/platform-agnostic/kustomization.yaml`]);
    expect(missingKustomizations("/mirror/kfp/", () => true)).toEqual([]);
    expect(pipelinesKustomizations("/mirror/kfp/").map((k) => k.directory)).toEqual(["/mirror/kfp/cluster-scoped-resources", "/mirror/kfp/env/platform-agnostic"]);
  });
});

describeWithUpstream("CRD and chart contracts (../shared/upstream: kubeflow-trainer v2.3.0, kueue v0.19.2)", () => {
  const trainer = "kubeflow-trainer/v2.3.0/manifests/base/crds";
  const validRuntime = () => crdValidator(`${trainer}/trainer.kubeflow.org_clustertrainingruntimes.yaml`, "v1alpha1");
  const validJob = () => crdValidator(`${trainer}/trainer.kubeflow.org_trainjobs.yaml`, "v1alpha1");
  const kueue = (kind: string) => crdValidator(`kueue/v0.19.2/crds/kueue.x-k8s.io_${kind}.yaml`, "v1beta2");

  it("every rendered ClusterTrainingRuntime validates (EFA, InfiniBand, TCP)", () => {
    const validate = validRuntime();
    for (const p of [pool(prod, "train-h100"), pool(onprem, "train-a100"), pool(dev, "smoke-l40s")]) {
      expect([p.name, validate(clusterTrainingRuntime(p, IMAGE))]).toEqual([p.name, []]);
    }
  });

  it("every declared TrainJob and the acceptance TrainJob validate", () => {
    const validate = validJob();
    for (const spec of [prod, onprem]) {
      for (const run of spec.trainingRuns) {
        expect([run.name, validate(trainJob(spec, planTrainingRun(spec, run), IMAGE, "cm"))]).toEqual([run.name, []]);
      }
    }
    expect(validate(ncclAcceptanceTrainJob(pool(prod, "train-h200"), "research", IMAGE))).toEqual([]);
  });

  it("the validator rejects what the CRD forbids (a TrainJob without runtimeRef)", () => {
    const job = trainJob(prod, planTrainingRun(prod, prod.trainingRuns[0]), IMAGE, "cm") as any;
    delete job.spec.runtimeRef;
    expect(validJob()(job)).toEqual(["/spec must have required property 'runtimeRef'"]);
  });

  it("Kueue objects validate with the configured quotas", () => {
    for (const p of [pool(prod, "train-h100"), pool(onprem, "train-a800")]) expect(kueue("resourceflavors")(resourceFlavor(p))).toEqual([]);
    for (const spec of [prod, onprem]) for (const team of spec.teams) expect(kueue("clusterqueues")(clusterQueue(spec, team))).toEqual([]);
    expect(kueue("localqueues")(localQueue("research"))).toEqual([]);
    for (const wpc of workloadPriorityClasses()) expect(kueue("workloadpriorityclasses")(wpc)).toEqual([]);
  });

  it("chart values use only keys the pinned charts define", () => {
    expect(readUpstreamYaml("kubeflow-trainer/v2.3.0/charts/kubeflow-trainer/Chart.yaml").version).toBe("2.3.0");
    expect(unknownValueKeys(kubeflowTrainerValues(), readUpstreamYaml("kubeflow-trainer/v2.3.0/charts/kubeflow-trainer/values.yaml"))).toEqual([]);
    expect(readUpstreamYaml("kubeflow-trainer/v2.3.0/charts/kubeflow-trainer/Chart.yaml").dependencies[0]).toMatchObject({ name: "jobset", version: "0.12.0" });
    expect(readUpstreamYaml("kueue/v0.19.2/charts/kueue/Chart.yaml").version).toMatch(/^v?0\.19\.2$/);
    expect(unknownValueKeys(kueueValues(prod), readUpstreamYaml("kueue/v0.19.2/charts/kueue/values.yaml"))).toEqual([]);
  });
});
