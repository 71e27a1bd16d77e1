/**
 * GPU queues and quotas as Kueue objects (pure): a ResourceFlavor per GPU pool, a ClusterQueue per
 * team with its nominal GPU quota in one cohort (idle quota is lent and reclaimed by preemption), a
 * LocalQueue in each team namespace, and WorkloadPriorityClasses. The field notes: GPU use was chaos
 * until allocation, reclamation and monitoring were unified.
 */
import { namespaceNamed } from "../k8s/labelSelector";
import { stringify } from "yaml";
import type { NodePoolSpec, PlatformSpec } from "../config/types";
import { GPU_TAINT, gpusPerNode, poolNodeSelector } from "../nodes/labels";
import { trainingGpuPools } from "./pools";
import { podsReadyTimeoutMinutes } from "./podsReady";
import { EFA_RESOURCE, GPU_RESOURCE, RDMA_RESOURCE_PREFIX } from "../fabric/profile";
import { tokeniseResources } from "../data/tokenise";
import { TEAM_LABEL } from "../metadata";
import { workerCpuMemory } from "../training/runtime";
import { flavorName } from "../naming";

export const KUEUE_API = "kueue.x-k8s.io/v1beta2";
export const KUEUE_NAMESPACE = "kueue-system";
/** The Helm release name; the chart names its objects after it (charts/kueue/templates/_helpers.tpl kueue.fullname). */
export const KUEUE_RELEASE = "kueue";
const COHORT = "llm-platform";
const PRIORITY_VALUES = { high: 1000, normal: 100, low: 10 } as const;

/** Resources Kueue does not account (per-node devices that follow the GPUs, not scarce on their own). */
const EXCLUDED_RESOURCE_PREFIXES = [`${EFA_RESOURCE.split("/")[0]}/`, "hugepages-", `${RDMA_RESOURCE_PREFIX}/`];

export { flavorName } from "../naming";
/** The flavor of CPU-only work in team namespaces (tokenising): the system pool on AWS, any untainted node on-prem. */
export const CPU_FLAVOR = "cpu";
/** The LocalQueue Kueue gives a job that names none (LocalQueueDefaulting, on by default since Kueue v0.12). */
export const DEFAULT_LOCAL_QUEUE = "default";

export function resourceFlavor(pool: NodePoolSpec) {
  return {
    apiVersion: KUEUE_API,
    kind: "ResourceFlavor",
    metadata: { name: flavorName(pool.name) },
    spec: {
      nodeLabels: poolNodeSelector(pool),
      // No `tolerations`: Kueue checks a flavor's taints against the pod's tolerations plus the
      // flavor's own (kueue v0.19.2 pkg/scheduler/flavorassigner/flavorassigner.go), so a flavor that
      // tolerated its own taint would admit a CPU-only job (a tokenise Job) onto the GPU pool whenever
      // the cpu flavor is full. GPU pods carry GPU_TOLERATION themselves (training/runtime.ts).
      nodeTaints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: GPU_TAINT.effect }],
    },
  };
}

export function cpuFlavor(spec: Pick<PlatformSpec, "nodePools">) {
  const system = spec.nodePools.find((p) => p.purpose === "system");
  return { apiVersion: KUEUE_API, kind: "ResourceFlavor", metadata: { name: CPU_FLAVOR }, spec: system ? { nodeLabels: poolNodeSelector(system) } : {} };
}

/** CPU and memory quota that go with a GPU quota: the pool's per-GPU share of what workers request. */
function companionQuota(pool: NodePoolSpec, gpus: number): { cpu: string; memory: string } {
  const perNode = workerCpuMemory(pool);
  const perGpu = gpusPerNode(pool);
  return {
    cpu: String(Math.ceil((Number(perNode.cpu) / perGpu) * gpus)),
    memory: `${Math.ceil((Number(perNode.memory.replace("Gi", "")) / perGpu) * gpus)}Gi`,
  };
}

/** A team's CPU-only quota: what all its tokenise jobs request at once, at least 8 CPUs and 32 GiB. */
function cpuQuota(spec: Pick<PlatformSpec, "nodePools" | "datasets">, team: string): { cpu: string; memory: string } {
  const mine = spec.datasets.filter((d) => d.team === team).map((d) => tokeniseResources(spec, d));
  const cpu = Math.max(8, mine.reduce((sum, r) => sum + r.parallelism * r.cpu, 0));
  const memoryGiB = Math.max(32, Math.ceil(mine.reduce((sum, r) => sum + r.parallelism * r.memoryMiB, 0) / 1024));
  return { cpu: String(cpu), memory: `${memoryGiB}Gi` };
}

export function clusterQueue(spec: Pick<PlatformSpec, "nodePools" | "datasets">, team: PlatformSpec["teams"][number]) {
  const pools = trainingGpuPools(spec);
  const cpuOnly = cpuQuota(spec, team.name);
  return {
    apiVersion: KUEUE_API,
    kind: "ClusterQueue",
    metadata: { name: team.name },
    spec: {
      cohortName: COHORT,
      namespaceSelector: namespaceNamed(team.name),
      queueingStrategy: "BestEffortFIFO",
      resourceGroups: [{
        coveredResources: ["cpu", "memory", GPU_RESOURCE],
        // CPU-only work first: a job asking for no GPU lands on the CPU flavor, never on a GPU pool.
        flavors: [{
          name: CPU_FLAVOR,
          resources: [{ name: "cpu", nominalQuota: cpuOnly.cpu }, { name: "memory", nominalQuota: cpuOnly.memory }, { name: GPU_RESOURCE, nominalQuota: 0 }],
        }, ...pools.map((pool) => {
          const gpus = team.gpuQuota[pool.name] ?? 0;
          const { cpu, memory } = companionQuota(pool, gpus);
          return {
            name: flavorName(pool.name),
            resources: [
              { name: "cpu", nominalQuota: cpu },
              { name: "memory", nominalQuota: memory },
              { name: GPU_RESOURCE, nominalQuota: gpus },
            ],
          };
        })],
      }],
      preemption: {
        // Borrowed GPUs go back to their owner when it needs them; within a queue, priority decides.
        reclaimWithinCohort: "Any",
        borrowWithinCohort: { policy: "LowerPriority", maxPriorityThreshold: PRIORITY_VALUES.normal },
        withinClusterQueue: "LowerPriority",
      },
    },
  };
}

export function localQueue(team: string, name: string = team) {
  return { apiVersion: KUEUE_API, kind: "LocalQueue", metadata: { name, namespace: team }, spec: { clusterQueue: team } };
}

/**
 * Every GPU the team could ever be admitted (its pools' maxNodes × GPUs: borrowing included) as a
 * ResourceQuota: a backstop under Kueue for pods that bypass it, never below what Kueue admits.
 */
export function gpuResourceQuota(spec: Pick<PlatformSpec, "nodePools" | "inferenceEndpoints">, team: string) {
  // Training: everything Kueue could admit to the team, borrowing the whole cohort. Inference
  // endpoints are Deployments Kueue does not manage: their replicas at max count on top.
  const training = trainingGpuPools(spec).reduce((sum, p) => sum + p.maxNodes * gpusPerNode(p), 0);
  const serving = spec.inferenceEndpoints.filter((e) => e.team === team).reduce((sum, e) => sum + e.replicas.max * e.gpusPerReplica, 0);
  const gpus = training + serving;
  return { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "gpu", namespace: team }, spec: { hard: { [`requests.${GPU_RESOURCE}`]: String(gpus) } } };
}

export function workloadPriorityClasses() {
  return Object.entries(PRIORITY_VALUES).map(([name, value]) => ({
    apiVersion: KUEUE_API,
    kind: "WorkloadPriorityClass",
    metadata: { name },
    value,
    description: `${name} priority training`,
  }));
}

/** Kueue's manager configuration: TrainJob integration on, device resources excluded, all-or-nothing admission. */
export function kueueManagerConfig(spec: Pick<PlatformSpec, "nodePools">): string {
  return stringify({
    apiVersion: "config.kueue.x-k8s.io/v1beta2",
    kind: "Configuration",
    health: { healthProbeBindAddress: ":8081" },
    // Per-ClusterQueue quota and usage series (kueue_cluster_queue_nominal_quota, _resource_usage, …) for
    // the team dashboard; off by default (apis/config/v1beta2 configuration_types.go EnableClusterQueueResources).
    metrics: { bindAddress: ":8443", enableClusterQueueResources: true },
    webhook: { port: 9443 },
    leaderElection: { leaderElect: true, resourceName: "c1f6bfd2.kueue.x-k8s.io" },
    // A multi-node job holds GPUs only once all its pods run: no half-admitted jobs deadlocking the pool.
    // Sized from the slowest training pool (boot, image pull, start): see podsReady.ts.
    waitForPodsReady: { timeout: `${podsReadyTimeoutMinutes(spec)}m`, blockAdmission: true },
    integrations: { frameworks: ["batch/job", "jobset.x-k8s.io/jobset", "trainer.kubeflow.org/trainjob"] },
    // Nothing in a team namespace bypasses the quotas: a job without a queue name is managed too (and
    // queued through the namespace's `default` LocalQueue); other namespaces are left alone
    // (Kueue docs, "Opt-in namespace management").
    manageJobsWithoutQueueName: true,
    managedJobsNamespaceSelector: { matchExpressions: [{ key: TEAM_LABEL, operator: "Exists" }] },
    resources: { excludeResourcePrefixes: [...EXCLUDED_RESOURCE_PREFIXES] },
  });
}

/** Local ports for `kubectl port-forward` to KueueViz's frontend and backend (the upstream INSTALL.md's). */
const KUEUEVIZ_FRONTEND_PORT = 8080;
const KUEUEVIZ_BACKEND_PORT = 8081;

/**
 * KueueViz, reachable only through `kubectl port-forward` (the same access rule as Grafana: no
 * Ingress, ClusterIP Services, Kubernetes RBAC on pods/portforward). The chart's defaults create two
 * Ingresses (values.yaml kueueViz.*.ingress.enabled: true); the frontend's websocket URL is built
 * from the backend ingress host (templates/kueueviz/frontend-configmap.yaml), so it names the
 * port-forwarded backend, and the backend accepts that origin (cmd/kueueviz/INSTALL.md at v0.19.2).
 */
function kueueVizValues() {
  const ingressOff = { enabled: false, tlsEnabled: false, tlsSecretName: "" };
  return {
    enableKueueViz: true,
    kueueViz: {
      backend: {
        env: [{ name: "KUEUEVIZ_ALLOWED_ORIGINS", value: `http://localhost:${KUEUEVIZ_FRONTEND_PORT}` }],
        ingress: { ...ingressOff, host: `localhost:${KUEUEVIZ_BACKEND_PORT}` },
      },
      frontend: { ingress: ingressOff },
    },
  };
}

/** Values for the Kueue chart (checked against the pinned values.yaml). */
export function kueueValues(spec: Pick<PlatformSpec, "nodePools">) {
  return { managerConfig: { controllerManagerConfigYaml: kueueManagerConfig(spec) }, ...kueueVizValues() };
}
