import { PLATFORM_TYPE } from "../infra/manifest";
import type { RecordedResource } from "../infra/recorded";
import { runPolicies } from "../policies/run";
import {
  jobNcclEnvMatchesFabric,
  kueueWaitsForPools,
  multinodeJobFabric,
  trainingJobFits,
  trainingJobQueued,
  trainingJobWithinOwnQuota,
  zeroStage3WhereStage2Fits,
} from "../policies/training";
import { recorded } from "./helpers/resources";

// The training policies on hand-built resources: the value on, just under and just over each
// threshold, each branch both ways. policies.training.test.ts runs them on the prod plan.
type Policy = Parameters<typeof runPolicies>[0][number];
const messages = async (policy: Policy, resources: RecordedResource[]) => (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);

interface PoolFixture { name: string; maxNodes: number; minNodes?: number; networkGbpsPerNode?: number; gpusPerNode?: number; instanceType?: string; purpose?: string }
const platform = (pools: PoolFixture[]) =>
  recorded(PLATFORM_TYPE, "platform", {
    target: "aws",
    gpuStack: {},
    nodePools: pools.map((p) => ({ purpose: "training", minNodes: 0, networkGbpsPerNode: 3200, gpusPerNode: 8, ...p })),
  });
const runtime = (pool: string, fabric: string, gpusPerNode = 8) =>
  recorded("kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime", `rt-${pool}`, {
    metadata: { name: `deepspeed-${pool}`, labels: { "llm-platform/pool": pool, "llm-platform/fabric": fabric } },
    spec: { mlPolicy: { numNodes: 1, mpi: { numProcPerNode: gpusPerNode } } },
  });
const trainJob = (name: string, pool: string, numNodes: number, extra: { queue?: string | null; env?: Record<string, string> } = {}) =>
  recorded("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", name, {
    metadata: { name, namespace: "sales", ...(extra.queue === null ? {} : { labels: { "kueue.x-k8s.io/queue-name": extra.queue ?? "sales" } }) },
    spec: { runtimeRef: { name: `deepspeed-${pool}` }, trainer: { numNodes, ...(extra.env ? { env: Object.entries(extra.env).map(([n, value]) => ({ name: n, value })) } : {}) } },
  });
const clusterQueue = (name: string, gpus: Record<string, number>) =>
  recorded("kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue", `cq-${name}`, {
    metadata: { name },
    spec: { resourceGroups: [{ flavors: Object.entries(gpus).map(([pool, n]) => ({ name: `pool-${pool}`, resources: [{ name: "cpu", nominalQuota: "1" }, { name: "nvidia.com/gpu", nominalQuota: n }] })) }] },
  });
const localQueue = (namespace: string, name: string) => recorded("kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue", `lq-${namespace}`, { metadata: { name, namespace } });

describe("policy training-job-queued (mandatory)", () => {
  it("passes a job whose LocalQueue exists in its namespace", async () => {
    expect(await messages(trainingJobQueued, [localQueue("sales", "sales"), trainJob("j", "h100", 1)])).toEqual([]);
  });

  it("fails a job without a queue label, and one whose queue is in another namespace", async () => {
    expect(await messages(trainingJobQueued, [localQueue("sales", "sales"), trainJob("j", "h100", 1, { queue: null })])).toEqual([
      "mandatory: TrainJob sales/j has no kueue.x-k8s.io/queue-name label: it would take GPUs outside the queues",
    ]);
    expect(await messages(trainingJobQueued, [localQueue("research", "sales"), trainJob("j", "h100", 1)])).toEqual([
      "mandatory: TrainJob sales/j names LocalQueue sales, which this stack does not create in its namespace",
    ]);
  });
});

describe("policy training-job-fits (mandatory) and training-job-within-own-quota (advisory)", () => {
  // Pool h100: 4 nodes at most, 8 GPUs each. Queue sales guarantees 16 GPUs there, research 8: the cohort 24.
  const world = (nodes: number) => [
    platform([{ name: "h100", maxNodes: 4 }]),
    runtime("h100", "efa"),
    clusterQueue("sales", { h100: 16 }),
    clusterQueue("research", { h100: 8, h200: 64 }),
    trainJob("j", "h100", nodes),
  ];

  it("passes a job within its own quota: 2 nodes × 8 = 16 GPUs, on sales' 16", async () => {
    expect(await messages(trainingJobFits, world(2))).toEqual([]);
    expect(await messages(trainingJobWithinOwnQuota, world(2))).toEqual([]);
  });

  it("lets a job borrow up to the cohort's 24 GPUs, with advice, and refuses one more node", async () => {
    expect(await messages(trainingJobFits, world(3))).toEqual([]); // 24 GPUs: the whole cohort
    expect(await messages(trainingJobWithinOwnQuota, world(3))).toEqual([
      "advisory: TrainJob sales/j needs 24 GPUs of pool h100; queue sales guarantees 16, so it runs on borrowed GPUs that can be reclaimed",
    ]);
    expect(await messages(trainingJobFits, world(4))).toEqual([
      "mandatory: TrainJob sales/j needs 32 GPUs of pool h100, but all queues together guarantee only 24 there (its own sales: 16): it can never be admitted",
    ]);
  });

  it("refuses more nodes than the pool's maxNodes: 4 fit, 5 do not", async () => {
    const big = (nodes: number) => [platform([{ name: "h100", maxNodes: 4 }]), runtime("h100", "efa"), clusterQueue("sales", { h100: 64 }), trainJob("j", "h100", nodes)];
    expect(await messages(trainingJobFits, big(4))).toEqual([]);
    expect(await messages(trainingJobFits, big(5))).toEqual(["mandatory: TrainJob sales/j wants 5 nodes of pool h100, whose maxNodes is 4"]);
  });

  it("refuses a job on a runtime that is not a platform runtime, and leaves quota to jobs without a ClusterQueue", async () => {
    const foreign = recorded("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", "x", { metadata: { name: "x", namespace: "sales", labels: { "kueue.x-k8s.io/queue-name": "sales" } }, spec: { runtimeRef: { name: "torch-distributed" }, trainer: { numNodes: 1 } } });
    expect(await messages(trainingJobFits, [platform([]), foreign])).toEqual([
      "mandatory: TrainJob sales/x uses runtime torch-distributed, which is not a platform runtime of a training pool",
    ]);
    expect(await messages(trainingJobWithinOwnQuota, [foreign, clusterQueue("sales", {})])).toEqual([]);
    expect(await messages(trainingJobFits, [platform([{ name: "h100", maxNodes: 4 }]), runtime("h100", "efa"), trainJob("j", "h100", 4)])).toEqual([]);
  });

  it("counts a queue without that pool's flavor as guaranteeing nothing there", async () => {
    const resources = [platform([{ name: "h200", maxNodes: 8 }]), runtime("h200", "efa"), clusterQueue("sales", { h100: 64 }), trainJob("j", "h200", 1)];
    expect(await messages(trainingJobFits, resources)).toEqual([
      "mandatory: TrainJob sales/j needs 8 GPUs of pool h200, but all queues together guarantee only 0 there (its own sales: 0): it can never be admitted",
    ]);
  });
});

describe("policy multinode-job-fabric (mandatory)", () => {
  const on = (fabric: string, gbps: number, nodes: number) => [platform([{ name: "p", maxNodes: 8, networkGbpsPerNode: gbps }]), runtime("p", fabric), trainJob("j", "p", nodes)];

  it("leaves single-node jobs alone, whatever the fabric", async () => {
    expect(await messages(multinodeJobFabric, on("tcp", 20, 1))).toEqual([]);
  });

  it("refuses a multi-node job on TCP", async () => {
    expect(await messages(multinodeJobFabric, on("tcp", 3200, 2))).toEqual([
      "mandatory: TrainJob sales/j spans 2 nodes on pool p, whose fabric is tcp: the field notes' 64 Gbps network made 4 nodes slower than 1",
    ]);
  });

  it("wants at least 400 Gbps per node on an RDMA fabric: 400 passes, 399 does not", async () => {
    expect(await messages(multinodeJobFabric, on("infiniband", 400, 2))).toEqual([]);
    expect(await messages(multinodeJobFabric, on("efa", 3200, 4))).toEqual([]);
    expect(await messages(multinodeJobFabric, on("infiniband", 399, 2))).toEqual([
      "mandatory: TrainJob sales/j spans 2 nodes on pool p at 399 Gbps per node (< 400)",
    ]);
  });

  it("refuses a multi-node job whose runtime it cannot place", async () => {
    expect(await messages(multinodeJobFabric, [trainJob("j", "nowhere", 2)])).toEqual([
      "mandatory: TrainJob sales/j spans 2 nodes on pool ?, whose fabric is unknown: the field notes' 64 Gbps network made 4 nodes slower than 1",
    ]);
  });
});

describe("policy job-nccl-env-matches-fabric (mandatory)", () => {
  it("passes a job that sets nothing against its fabric, and refuses one that does", async () => {
    expect(await messages(jobNcclEnvMatchesFabric, [runtime("a100", "infiniband"), trainJob("j", "a100", 2, { env: { NCCL_DEBUG: "INFO" } })])).toEqual([]);
    expect(await messages(jobNcclEnvMatchesFabric, [runtime("a100", "infiniband"), trainJob("j", "a100", 2, { env: { NCCL_IB_DISABLE: "1" } })])).toEqual([
      "mandatory: TrainJob sales/j: NCCL_IB_DISABLE=1 on pool a100, whose fabric is infiniband: NCCL would fall back to TCP sockets; remove it — the runtime sets the fabric's environment",
    ]);
  });

  it("says nothing of a job whose pool it does not know", async () => {
    expect(await messages(jobNcclEnvMatchesFabric, [trainJob("j", "nowhere", 2, { env: { NCCL_IB_DISABLE: "1" } })])).toEqual([]);
  });
});

describe("policy zero-stage-3-where-2-fits (advisory)", () => {
  const deepspeedConfig = (stage: number, advised: string) =>
    recorded("kubernetes:core/v1:ConfigMap", "ds", {
      metadata: { name: "j-deepspeed", namespace: "sales", annotations: { "llm-platform/zero-advised-stage": advised, "llm-platform/zero-advice": "ZeRO stage 2: it fits" } },
      data: { "ds_config.json": JSON.stringify({ zero_optimization: { stage } }) },
    });

  it("warns when stage 3 is forced where the advisor chose 2, and only then", async () => {
    expect(await messages(zeroStage3WhereStage2Fits, [deepspeedConfig(3, "2")])).toEqual(["advisory: sales/j-deepspeed: ZeRO stage 3 is forced, but stage 2 fits (ZeRO stage 2: it fits)"]);
    expect(await messages(zeroStage3WhereStage2Fits, [deepspeedConfig(2, "2")])).toEqual([]);
    expect(await messages(zeroStage3WhereStage2Fits, [deepspeedConfig(3, "3")])).toEqual([]);
    expect(await messages(zeroStage3WhereStage2Fits, [recorded("kubernetes:core/v1:ConfigMap", "other", { metadata: { name: "other" }, data: {} })])).toEqual([]);
  });
});

describe("policy kueue-waits-for-pools (mandatory)", () => {
  // A p5.48xlarge pool from zero needs 1 + 12 + 5.46 + 2 = 20.46 min × 1.25 → 30 min.
  const kueue = (waitForPodsReady: Record<string, unknown> | undefined) =>
    recorded("kubernetes:helm.sh/v3:Release", "kueue", {
      chart: "oci://registry.k8s.io/kueue/charts/kueue",
      values: { managerConfig: { controllerManagerConfigYaml: waitForPodsReady ? `waitForPodsReady:\n${Object.entries(waitForPodsReady).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n` : "health: {}\n" } },
    });
  const p5 = platform([{ name: "train-h100", maxNodes: 8, instanceType: "p5.48xlarge" }]);
  const tooShort = (minutes: string) =>
    `mandatory: Kueue evicts jobs whose pods are not ready within ${minutes} min, but pool train-h100 needs about 30 min (scale-up 1 + boot 12 + image pull 5.5 + start 2, with margin): every job on it would be evicted and requeued; raise waitForPodsReady.timeout`;

  it("passes a timeout on the estimate or above, in minutes, hours or both", async () => {
    for (const timeout of ["30m", "1h", "0h30m", "1800s"]) expect([timeout, await messages(kueueWaitsForPools, [p5, kueue({ timeout })])]).toEqual([timeout, []]);
  });

  it("refuses a timeout just under the estimate", async () => {
    expect(await messages(kueueWaitsForPools, [p5, kueue({ timeout: "29m" })])).toEqual([tooShort("29")]);
    expect(await messages(kueueWaitsForPools, [p5, kueue({ timeout: "1799s" })])).toEqual([tooShort("29.983333333333334")]);
    expect(await messages(kueueWaitsForPools, [p5, kueue({ timeout: "29.5m" })])).toEqual([tooShort("29.5")]);
  });

  it("takes Kueue's 10-minute default when the timeout is not set", async () => {
    expect(await messages(kueueWaitsForPools, [p5, kueue({ blockAdmission: true })])).toEqual([tooShort("10")]);
  });

  it("does not apply when waitForPodsReady is off or absent, without the manifest, or to other charts", async () => {
    expect(await messages(kueueWaitsForPools, [p5, kueue({ enable: false, timeout: "1m" })])).toEqual([]);
    expect(await messages(kueueWaitsForPools, [p5, kueue(undefined)])).toEqual([]);
    expect(await messages(kueueWaitsForPools, [kueue({ timeout: "1m" })])).toEqual([]);
    const other = recorded("kubernetes:helm.sh/v3:Release", "other", { chart: "kueue-viz", values: { managerConfig: { controllerManagerConfigYaml: "waitForPodsReady:\n  timeout: 1m\n" } } });
    expect(await messages(kueueWaitsForPools, [p5, other])).toEqual([]);
  });

  it("checks only GPU training pools, and hosts that always exist need 10 minutes", async () => {
    const pools = platform([
      { name: "infer", maxNodes: 8, instanceType: "p5.48xlarge", purpose: "inference" },
      { name: "cpu", maxNodes: 8, instanceType: "m6i.large", gpusPerNode: 0 },
      { name: "hosts", maxNodes: 4, minNodes: 4 },
    ]);
    expect(await messages(kueueWaitsForPools, [pools, kueue({ timeout: "10m" })])).toEqual([]);
    expect(await messages(kueueWaitsForPools, [pools, kueue({ timeout: "9m" })])).toEqual([
      "mandatory: Kueue evicts jobs whose pods are not ready within 9 min, but pool hosts needs about 10 min (scale-up 0 + boot 0 + image pull 5.5 + start 2, with margin): every job on it would be evicted and requeued; raise waitForPodsReady.timeout",
    ]);
  });
});
