import { parse } from "yaml";
import { findInstanceType } from "../infra/catalog/instances";
import { parseSpec } from "../infra/config/spec";
import { clusterQueue, flavorName, kueueManagerConfig, kueueValues, resourceFlavor, workloadPriorityClasses } from "../infra/queues/kueue";
import { podsReadyEstimate, podsReadyTimeoutMinutes, poolShape, requiredTimeoutMinutes } from "../infra/queues/podsReady";
import { trainingGpuPools } from "../infra/queues/pools";
import { referenceConfig } from "./helpers/stacks";

// Specs are parsed inside the tests (not at load time) so that Stryker sees which test covers what.
const prod = () => parseSpec(referenceConfig("prod"));
const onprem = () => parseSpec(referenceConfig("onprem"));
const team = (gpuQuota: Record<string, number>) => ({ name: "t", gpuQuota }) as never;
const quotaOf = (spec: ReturnType<typeof prod>, gpuQuota: Record<string, number>) =>
  Object.fromEntries(clusterQueue(spec, team(gpuQuota)).spec.resourceGroups[0].flavors.map((f) => [f.name, f.resources.map((r) => r.nominalQuota)]));

describe("Kueue quotas", () => {
  // A p5.48xlarge or p5en.48xlarge worker requests 90 % of the node: floor(192 × 0.9) = 172 vCPU and
  // floor(2048 GiB × 0.9) = 1843 GiB, i.e. 21.5 vCPU and 230.375 GiB per GPU; the quota rounds up.
  it("gives whole nodes' worth of CPU and memory for a multiple of 8 GPUs", () => {
    // (team "t" tokenises nothing: its CPU-only flavor gets the floor of 8 CPUs and 32 GiB, no GPU)
    expect(quotaOf(prod(), { "train-h100": 8, "train-h200": 16 })).toEqual({
      cpu: ["8", "32Gi", 0],
      "pool-train-h100": ["172", "1843Gi", 8],
      "pool-train-h200": ["344", "3686Gi", 16],
    });
  });

  it("rounds a part-node quota up: 1, 3 and 4 GPUs", () => {
    expect(quotaOf(prod(), { "train-h100": 1, "train-h200": 3 })).toEqual({
      cpu: ["8", "32Gi", 0],
      "pool-train-h100": ["22", "231Gi", 1], // 21.5 → 22, 230.375 → 231
      "pool-train-h200": ["65", "692Gi", 3], // 64.5 → 65, 691.125 → 692
    });
    expect(quotaOf(prod(), { "train-h100": 4 })["pool-train-h100"]).toEqual(["86", "922Gi", 4]); // 86 exactly, 921.5 → 922
  });

  it("gives a pool the team has no quota on a zero quota, and lists only training GPU pools", () => {
    expect(quotaOf(prod(), {})).toEqual({ cpu: ["8", "32Gi", 0], "pool-train-h100": ["0", "0Gi", 0], "pool-train-h200": ["0", "0Gi", 0] });
  });

  it("sizes an existing cluster's quota from the pool's configured node (cpusPerNode, memoryGiBPerNode)", () => {
    // onprem train-a100: 128 CPUs and 1024 GiB per 8-GPU node; a worker asks floor(0.9 × 128) = 115 CPUs and
    // floor(0.9 × 1024) = 921 GiB; 16 GPUs are two nodes' worth: 230 CPUs, 1842 GiB.
    expect(quotaOf(onprem(), { "train-a100": 16 })).toEqual({ cpu: ["8", "32Gi", 0], "pool-train-a100": ["230", "1842Gi", 16], "pool-train-a800": ["0", "0Gi", 0] });
  });

  it("renders the Kueue objects with their API version and kind", () => {
    const spec = prod();
    const [h100] = trainingGpuPools(spec);
    expect(resourceFlavor(h100)).toMatchObject({ apiVersion: "kueue.x-k8s.io/v1beta2", kind: "ResourceFlavor", metadata: { name: "pool-train-h100" } });
    expect(clusterQueue(spec, team({}))).toMatchObject({ apiVersion: "kueue.x-k8s.io/v1beta2", kind: "ClusterQueue" });
    expect(workloadPriorityClasses()[0]).toMatchObject({ apiVersion: "kueue.x-k8s.io/v1beta2", kind: "WorkloadPriorityClass", metadata: { name: "high" } });
  });

  it("names flavors after pools and keeps the queue in the platform's cohort, scoped to the team's namespace", () => {
    const queue = clusterQueue(prod(), team({}));
    expect(flavorName("train-h100")).toBe("pool-train-h100");
    expect(queue.metadata).toEqual({ name: "t" });
    expect(queue.spec).toMatchObject({
      cohortName: "llm-platform",
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "t" } },
      queueingStrategy: "BestEffortFIFO",
    });
    expect(queue.spec.resourceGroups[0].coveredResources).toEqual(["cpu", "memory", "nvidia.com/gpu"]);
  });

  it("has three priorities, high above normal above low", () => {
    expect(workloadPriorityClasses().map((c) => [c.metadata.name, c.value, c.description])).toEqual([
      ["high", 1000, "high priority training"],
      ["normal", 100, "normal priority training"],
      ["low", 10, "low priority training"],
    ]);
  });

  it("configures Kueue's manager with its documented ports and leader election, KueueViz behind port-forward only", () => {
    const values = kueueValues(prod());
    expect(parse(values.managerConfig.controllerManagerConfigYaml)).toMatchObject({
      apiVersion: "config.kueue.x-k8s.io/v1beta2",
      kind: "Configuration",
      health: { healthProbeBindAddress: ":8081" },
      metrics: { bindAddress: ":8443", enableClusterQueueResources: true },
      webhook: { port: 9443 },
      leaderElection: { leaderElect: true, resourceName: "c1f6bfd2.kueue.x-k8s.io" },
      integrations: { frameworks: ["batch/job", "jobset.x-k8s.io/jobset", "trainer.kubeflow.org/trainjob"] },
    });
    expect(values.enableKueueViz).toBe(true);
    expect(values.kueueViz).toEqual({
      backend: {
        env: [{ name: "KUEUEVIZ_ALLOWED_ORIGINS", value: "http://localhost:8080" }],
        ingress: { enabled: false, tlsEnabled: false, tlsSecretName: "", host: "localhost:8081" },
      },
      frontend: { ingress: { enabled: false, tlsEnabled: false, tlsSecretName: "" } },
    });
  });
});

describe("Kueue's wait for ready pods", () => {
  // Pull: 20 GiB × 1024 × 2 passes / 125 MiB/s / 60 = 5.4613 min; start 2 min; then × 1.25, up to a multiple of 5.
  const estimate = (type: string, minNodes = 0, maxNodes = 2) => podsReadyEstimate({ name: type, minNodes, maxNodes, instanceType: findInstanceType(type)! });

  it("boots 8-GPU boards with several EFA cards as HGX (12 min), else as a small GPU node (5) or a CPU node (2)", () => {
    expect(estimate("p4d.24xlarge").bootMinutes).toBe(12); // 8 GPUs, 4 EFA
    expect(estimate("g6e.48xlarge").bootMinutes).toBe(12); // 8 GPUs, 4 EFA
    expect(estimate("g5.48xlarge").bootMinutes).toBe(5); //   8 GPUs, 1 EFA: not an HGX board
    expect(estimate("g6e.24xlarge").bootMinutes).toBe(5); //  4 GPUs, 2 EFA
    expect(estimate("m6i.large").bootMinutes).toBe(2);
  });

  it("rounds up to whole 5 minutes: 1 + 2 + 5.46 + 2 = 10.46 × 1.25 = 13.1 → 15 for a CPU node", () => {
    expect(estimate("m6i.large")).toEqual({ pool: "m6i.large", reactionMinutes: 1, bootMinutes: 2, pullMinutes: 40960 / 125 / 60, startMinutes: 2, timeoutMinutes: 15 });
  });

  it("takes the slowest training pool of a stack, and never less than Kueue's 10 minutes", () => {
    expect(podsReadyTimeoutMinutes(prod())).toBe(30); // p5 from zero: 20.46 × 1.25 = 25.6 → 30
    expect(podsReadyTimeoutMinutes(onprem())).toBe(10); // hosts always there: 7.46 × 1.25 = 9.3 → 10
    expect(requiredTimeoutMinutes([{ name: "cpu", minNodes: 0, maxNodes: 1, instanceType: findInstanceType("m6i.large")! }])).toBe(15);
  });

  it("reads a pool's shape: an AWS pool carries its type, an existing one none", () => {
    const [h100] = trainingGpuPools(prod());
    expect(poolShape(h100)).toEqual({ name: "train-h100", minNodes: 0, maxNodes: 8, instanceType: findInstanceType("p5.48xlarge") });
    expect(poolShape(trainingGpuPools(onprem())[0])).toStrictEqual({ name: "train-a100", minNodes: 4, maxNodes: 4 });
  });

  it("never boots hosts that always exist, even when the pool may grow: 5.46 + 2 = 7.46 × 1.25 → 10 min", () => {
    expect(podsReadyEstimate({ name: "hosts", minNodes: 0, maxNodes: 4 })).toMatchObject({ reactionMinutes: 0, bootMinutes: 0, timeoutMinutes: 10 });
  });

  it("a stack without training pools waits Kueue's default", () => {
    expect(kueueManagerConfig({ nodePools: [] })).toContain("timeout: 10m");
  });
});
