import { parseSpec } from "../infra/config/spec";
import { datasetShardPlan, datasetWorldSize } from "../infra/data/datasets";
import { clusterTrainingRuntime, planTrainingRun, trainJob, workerCpuMemory } from "../infra/training/runtime";
import { findInstanceType } from "../infra/catalog/instances";
import { ncclAcceptanceTrainJob, poolBusBandwidthFloorGBps } from "../infra/training/ncclAcceptance";
import { kubeflowTrainerValues } from "../infra/training/trainerValues";
import { referenceConfig } from "./helpers/stacks";
import { describeWithUpstream, readUpstreamYaml } from "./helpers/upstream";

// prod's declared run: Llama 3.1 8B on 2 nodes of train-h100 (p5.48xlarge, 8 H100 each), micro-batch 2,
// global batch 128. Parsed inside each test so that Stryker attributes coverage to the test.
const prod = () => parseSpec(referenceConfig("prod"));
const run = (over: Record<string, unknown> = {}) => {
  const spec = prod();
  return { spec, plan: planTrainingRun(spec, { ...spec.trainingRuns[0], ...over } as never) };
};

describe("a training run's plan", () => {
  it("has 2 × 8 = 16 ranks and accumulates 128 / (2 × 16) = 4 micro-batches per step", () => {
    const { plan } = run();
    expect([plan.worldSize, plan.gradientAccumulationSteps]).toEqual([16, 4]);
    expect(plan.deepspeed).toMatchObject({ train_micro_batch_size_per_gpu: 2, gradient_accumulation_steps: 4, train_batch_size: 128 });
  });

  it("rounds the accumulation steps to the nearest whole number, never below one", () => {
    const steps = (globalBatchSize: number) => run({ globalBatchSize }).plan.gradientAccumulationSteps;
    expect(steps(144)).toBe(5); // 4.5 rounds up
    expect(steps(143)).toBe(4); // 4.47
    expect(steps(16)).toBe(1); //  0.5 rounds up to 1
    expect(steps(15)).toBe(1); //  0.47 rounds to 0, and one step is the least
  });

  it("takes the advisor's stage unless the run forces one, and offloads only at stage 3", () => {
    // 8.03e9 parameters on 16 × 80 GiB: stage 2 needs 4Ψ + 16Ψ/16 = 32.1e9 + 8.0e9 B ≈ 37 GiB < 68 GiB usable
    const advised = run().plan;
    expect([advised.zero.stage, advised.stage, (advised.deepspeed.zero_optimization as any).stage]).toEqual([2, 2, 2]);
    const forced = run({ zeroStage: 3 }).plan;
    expect([forced.zero.stage, forced.stage, (forced.deepspeed.zero_optimization as any).stage]).toEqual([2, 3, 3]);
    expect((forced.deepspeed.zero_optimization as any).offload_optimizer).toBeUndefined();
  });

  it("sizes activations for the run's whole sequence: 2 × (512 + 1024) × 4096 × (2 × 32 + 34) = 1,233,125,376 B", () => {
    expect(run().plan.zero.estimates[1].activationBytes).toBe(1_233_125_376);
  });

  it("offloads the optimizer only when it runs stage 3 and the advisor chose offload", () => {
    // 70B on 2 × 8 GPUs of 80 GiB: stage 3 needs 4 × 1.4e9 + 18 × 70e9 / 16 = 84.35e9 B > 73.0e9 usable;
    // offloaded, 5.6e9 + 2 × 70e9 / 16 = 14.35e9 B fits
    const big = (over: Record<string, unknown>) => {
      const spec = prod();
      const base = spec.trainingRuns[0];
      return planTrainingRun(spec, { ...base, allowOffload: true, model: { ...base.model, parameters: 70e9, largestLayerParameters: 1.4e9, hiddenSize: 8192, layers: 80 }, ...over } as never);
    };
    const offloaded = big({});
    expect([offloaded.zero.stage, offloaded.zero.offload, offloaded.stage]).toEqual([3, true, 3]);
    expect((offloaded.deepspeed.zero_optimization as any).offload_optimizer).toEqual({ device: "cpu", pin_memory: true });
    const forcedTwo = big({ zeroStage: 2 });
    expect((forcedTwo.deepspeed.zero_optimization as any).offload_optimizer).toBeUndefined();
  });

  it("reads the shards of the run's own data set, not the first one", () => {
    const spec = prod();
    const first = { ...spec.datasets[0], name: "other", samples: 1000 };
    const twoSets = { ...spec, datasets: [first, spec.datasets[0]] };
    const plan = planTrainingRun(twoSets as never, spec.trainingRuns[0]);
    expect(plan.shardDir).toBe("/data/shards/sales-dialogue/7d588eb28786d7cdac2415f676a62c328a918c7968891c678350f4aa1ef09e8a");
    const env = Object.fromEntries(trainJob(twoSets as never, plan, "train:1", "cm").spec.trainer.env.map((e: any) => [e.name, e.value]));
    expect(env.SHARD_DIR).toBe(plan.shardDir);
    expect(env.SHARD_COUNT).toBe("16");
  });

  it("refuses a run on a pool the spec does not have, naming both", () => {
    const spec = prod();
    expect(() => planTrainingRun(spec, { ...spec.trainingRuns[0], pool: "train-x" })).toThrow(new Error(`training run ${spec.trainingRuns[0].name}: no pool train-x`));
  });
});

describe("a training run's TrainJob", () => {
  it("queues through the team's LocalQueue with its priority, and names the run's job and variant", () => {
    const { spec, plan } = run();
    const job = trainJob(spec, plan, "train:1", "cm");
    expect(job.metadata).toEqual({
      name: "sales-llama8b-src512",
      namespace: "sales-dialogue",
      labels: { "kueue.x-k8s.io/queue-name": "sales-dialogue", "kueue.x-k8s.io/priority-class": "normal", "llm-platform/job": "sales-llama8b", "llm-platform/variant": "src512" },
    });
    expect(job.spec.runtimeRef).toEqual({ apiGroup: "trainer.kubeflow.org", kind: "ClusterTrainingRuntime", name: "deepspeed-train-h100" });
    expect(job.spec.trainer.numNodes).toBe(2);
  });

  it("hands the trainer the shard plan: 3 M samples of 3,624 B in a 2 GiB budget → 11 shards needed → 16, one per rank", () => {
    const { spec, plan } = run();
    const env = Object.fromEntries(trainJob(spec, plan, "train:1", "cm").spec.trainer.env.map((e: any) => [e.name, e.value]));
    // 1 GiB per shard / 3,624 B = 296,286 samples; 3,000,000 / 296,286 = 10.1 → 11 → 16
    expect(env).toMatchObject({ SHARD_COUNT: "16", SHARD_WORLD_SIZE: "16", MAX_SOURCE_LENGTH: "512", MAX_TARGET_LENGTH: "1024", RESUME_FROM_CHECKPOINT: "latest", CHECKPOINT_INTERVAL_STEPS: "500" });
    expect(env.CHECKPOINT_DIR).toBe("/checkpoints/sales-dialogue/sales-llama8b-src512");
    expect(env.TRUST_REMOTE_CODE).toBeUndefined();
    expect(datasetShardPlan(spec, spec.datasets[0]).shardCount).toBe(16);
    expect(datasetWorldSize(spec, spec.datasets[0])).toBe(16);
  });

  it("launches mpirun with one rank per GPU, forwarding the fabric's and the job's variables", () => {
    const { spec, plan } = run();
    // After the launcher's wait for its peers: sh -c <script> launcher mpirun …
    const wrapped = trainJob(spec, plan, "train:1", "cm").spec.trainer.command;
    expect([wrapped[0], wrapped[1], wrapped[3]]).toEqual(["sh", "-c", "launcher"]);
    const command = wrapped.slice(4);
    expect(command.slice(0, 7)).toEqual(["mpirun", "--hostfile", "/etc/mpi/hostfile", "-np", "16", "--bind-to", "none"]);
    const forwarded = command.flatMap((w: string, i: number) => (command[i - 1] === "-x" ? [w] : []));
    expect(forwarded).toEqual(expect.arrayContaining(["FI_PROVIDER", "FI_EFA_USE_DEVICE_RDMA", "SHARD_DIR", "DEEPSPEED_CONFIG", "HF_TOKEN", "PATH", "LD_LIBRARY_PATH"]));
  });
});

describe("the fabric acceptance test's TrainJob", () => {
  it("floors a pool by its type: p5.48xlarge from the ring bound, p4d from the published measurement", () => {
    const spec = prod();
    const h100 = spec.nodePools.find((p) => p.name === "train-h100")!;
    expect(poolBusBandwidthFloorGBps(h100)).toBe(65.6); // 3200 / 8 / 8 = 50 GB/s × 30/16 × 0.7
    expect(poolBusBandwidthFloorGBps({ ...h100, instanceType: findInstanceType("p4d.24xlarge")! } as never)).toBe(40); // 0.7 × 57.2
    // g6e.xlarge has no EFA, so no catalog floor: 20 Gbps / 8 / 1 GPU = 2.5 GB/s × 2/2 × 0.7 = 1.75 → 1.8
    expect(poolBusBandwidthFloorGBps({ ...h100, instanceType: findInstanceType("g6e.xlarge")! } as never)).toBe(1.8);
  });

  it("runs all_reduce_perf through the pool's runtime, mounting the check script read-only on the launcher", () => {
    const h100 = prod().nodePools.find((p) => p.name === "train-h100")!;
    const job = ncclAcceptanceTrainJob(h100, "research", "train:1") as any;
    expect([job.apiVersion, job.kind]).toEqual(["trainer.kubeflow.org/v1alpha1", "TrainJob"]);
    expect(job.spec.runtimeRef).toEqual({ apiGroup: "trainer.kubeflow.org", kind: "ClusterTrainingRuntime", name: "deepspeed-train-h100" });
    expect(job.spec.trainer.command.slice(4, 9)).toEqual(["python3", "/opt/llm-platform/nccl/check_busbw.py", "--min-busbw-gbps", "65.6", "--"]);
    expect(job.spec.runtimePatches).toEqual([{
      manager: "llm-platform",
      trainingRuntimeSpec: { template: { spec: { replicatedJobs: [{
        name: "launcher",
        template: { spec: { template: { spec: {
          volumes: [{ name: "nccl-check", configMap: { name: "llm-nccl-acceptance" } }],
          containers: [{ name: "node", volumeMounts: [{ name: "nccl-check", mountPath: "/opt/llm-platform/nccl", readOnly: true }] }],
        } } } },
      }] } } },
    }]);
  });
});

describe("a data set's topology", () => {
  it("caps samples at maxSourceLength + maxTargetLength: 512 + 256 = 768 tokens of the mean 900", () => {
    const spec = prod();
    // 768 × 4 + 24 = 3,096 B a sample; 64 MiB budget: 33,554,432 / 3,096 = 10,837 a shard;
    // 3,000,000 / 10,837 = 276.8 → 277 → 288 (a multiple of 16)
    const plan = datasetShardPlan(spec, { ...spec.datasets[0], maxSourceLength: 512, maxTargetLength: 256, memoryBudgetMiB: 64 });
    expect([plan.bytesPerSample, plan.shardCount]).toEqual([3096, 288]);
  });
});

describe("the Kubeflow Trainer chart's values", () => {
  it("installs JobSet with the chart and none of upstream's runtimes (the platform renders one per pool)", () => {
    expect(kubeflowTrainerValues()).toEqual({ jobset: { install: true }, runtimes: { defaultEnabled: false } });
  });
});

describe("a worker's CPU and memory", () => {
  it("requests 90 % of the node, rounded down: p5.48xlarge 192 vCPU → 172, 2048 GiB → 1843", () => {
    const h100 = prod().nodePools.find((p) => p.name === "train-h100")!;
    expect(workerCpuMemory(h100)).toEqual({ cpu: "172", memory: "1843Gi" });
    // m6i.2xlarge: 8 × 0.9 = 7.2 → 7, 32 × 0.9 = 28.8 → 28
    expect(workerCpuMemory(prod().nodePools.find((p) => p.name === "system")!)).toEqual({ cpu: "7", memory: "28Gi" });
  });

  it("requests 90 % of the configured node on an existing cluster: 128 CPUs → 115, 1024 GiB → 921", () => {
    const onprem = parseSpec(referenceConfig("onprem"));
    expect(workerCpuMemory(onprem.nodePools[0])).toEqual({ cpu: "115", memory: "921Gi" });
  });
});

describeWithUpstream("the ClusterTrainingRuntime against Kubeflow Trainer's own deepspeed-distributed (v2.3.0)", () => {
  const upstream = () => readUpstreamYaml("kubeflow-trainer/v2.3.0/manifests/base/runtimes/deepspeed_distributed.yaml");
  const ours = () => clusterTrainingRuntime(prod().nodePools.find((p) => p.name === "train-h100")!, "train:1") as any;
  const jobNamed = (runtime: any, name: string) => runtime.spec.template.spec.replicatedJobs.find((j: any) => j.name === name);
  const podOf = (job: any) => job.template.spec.template.spec;

  it("keeps upstream's MPI policy, network and success policy, one rank per GPU", () => {
    const [theirs, mine] = [upstream(), ours()];
    expect([mine.apiVersion, mine.kind, mine.metadata.labels["trainer.kubeflow.org/framework"]]).toEqual([theirs.apiVersion, theirs.kind, theirs.metadata.labels["trainer.kubeflow.org/framework"]]);
    expect(mine.spec.mlPolicy).toEqual({ ...theirs.spec.mlPolicy, mpi: { ...theirs.spec.mlPolicy.mpi, numProcPerNode: 8 } });
    expect(mine.spec.template.spec.network).toEqual(theirs.spec.template.spec.network);
    expect(mine.spec.template.spec.successPolicy).toEqual(theirs.spec.template.spec.successPolicy);
  });

  it("starts sshd on the nodes and the launcher after them, as upstream does", () => {
    const [theirs, mine] = [upstream(), ours()];
    expect(mine.spec.template.spec.replicatedJobs.map((j: any) => j.name)).toEqual(theirs.spec.template.spec.replicatedJobs.map((j: any) => j.name));
    const [theirNode, myNode] = [podOf(jobNamed(theirs, "node")).containers[0], podOf(jobNamed(mine, "node")).containers[0]];
    for (const key of ["name", "command", "args", "readinessProbe"]) expect([key, myNode[key]]).toEqual([key, theirNode[key]]);
    const [theirLauncher, myLauncher] = [jobNamed(theirs, "launcher"), jobNamed(mine, "launcher")];
    expect(myLauncher.dependsOn).toEqual(theirLauncher.dependsOn);
    expect(myLauncher.template.metadata).toEqual(theirLauncher.template.metadata);
    for (const job of ["node", "launcher"]) {
      // The same user as upstream (mpiuser, 1000); the pod is hardened beyond upstream's to Pod Security restricted.
      expect([job, podOf(jobNamed(mine, job)).containers[0].securityContext.runAsUser]).toEqual([job, podOf(jobNamed(theirs, job)).containers[0].securityContext.runAsUser]);
      expect([job, podOf(jobNamed(mine, job)).securityContext]).toEqual([job, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } }]);
    }
  });

  it("adds what the platform needs: the pool's node, labels, restarts, shared memory, the shared claim and the shard check", () => {
    const mine = ours();
    expect(mine.metadata).toEqual({ name: "deepspeed-train-h100", labels: { "trainer.kubeflow.org/framework": "deepspeed", "llm-platform/pool": "train-h100", "llm-platform/fabric": "efa" } });
    expect(mine.spec.template.spec.failurePolicy).toEqual({ maxRestarts: 3 });
    const pod = podOf(jobNamed(mine, "launcher"));
    expect(pod.nodeSelector).toEqual({ "llm-platform/pool": "train-h100" });
    expect(pod.volumes).toEqual([{ name: "dshm", emptyDir: { medium: "Memory" } }, { name: "shared", persistentVolumeClaim: { claimName: "llm-shared-data" } }]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: "dshm", mountPath: "/dev/shm" },
      { name: "shared", mountPath: "/data", readOnly: true },
      { name: "shared", mountPath: "/checkpoints", subPath: "checkpoints" },
      { name: "shared", mountPath: "/hf-cache", subPath: "cache" },
    ]);
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: "172", memory: "1843Gi", "nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32", "hugepages-2Mi": "5120Mi" },
      limits: { cpu: "172", memory: "1843Gi", "nvidia.com/gpu": "8", "vpc.amazonaws.com/efa": "32", "hugepages-2Mi": "5120Mi" },
    });
    expect(pod.initContainers).toEqual([{
      name: "check-shards",
      image: "train:1",
      command: ["sh", "-c", 'if [ -n "${SHARD_DIR:-}" ] && [ ! -f "$SHARD_DIR/manifest.json" ]; then echo "no tokenised shards at $SHARD_DIR: run the data set\'s tokenise job first"; exit 1; fi'],
      volumeMounts: [{ name: "shared", mountPath: "/data", readOnly: true }],
      resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
      securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
    }]);
  });
});

describe("a training run's TrainJob patches", () => {
  it("mounts the run's DeepSpeed config and checks its shards on every node and on the launcher", () => {
    const { spec, plan } = run();
    const job = trainJob(spec, plan, "train:1", "sales-llama8b-src512-deepspeed") as any;
    const patches = job.spec.runtimePatches;
    expect(patches).toHaveLength(1);
    expect(patches[0].manager).toBe("llm-platform");
    const jobs = patches[0].trainingRuntimeSpec.template.spec.replicatedJobs;
    expect(jobs.map((j: any) => j.name)).toEqual(["node", "launcher"]);
    for (const j of jobs) {
      expect(j.template.spec.template.spec).toEqual({
        volumes: [{ name: "deepspeed-config", configMap: { name: "sales-llama8b-src512-deepspeed" } }],
        initContainers: [{ name: "check-shards", env: [{ name: "SHARD_DIR", value: plan.shardDir }] }],
        containers: [{ name: "node", volumeMounts: [{ name: "deepspeed-config", mountPath: "/etc/deepspeed", readOnly: true }] }],
      });
    }
    expect(job.kind).toBe("TrainJob");
    const env = Object.fromEntries(job.spec.trainer.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.DEEPSPEED_CONFIG).toBe("/etc/deepspeed/ds_config.json");
    expect(env.HF_HOME).toBe("/hf-cache/huggingface");
  });

  it("lets the model run its own code only when the run says so", () => {
    const { spec } = run();
    const base = spec.trainingRuns[0];
    const trusted = { ...base, model: { ...base.model, hub: { ...base.model.hub, trustRemoteCode: true } } };
    const job = trainJob(spec, planTrainingRun(spec, trusted), "train:1", "cm") as any;
    expect(job.spec.trainer.env).toEqual(expect.arrayContaining([{ name: "TRUST_REMOTE_CODE", value: "1" }]));
  });
});
