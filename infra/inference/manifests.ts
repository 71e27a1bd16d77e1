/**
 * An endpoint's Kubernetes objects as plain manifests (pure): the vLLM Deployment, its Service (the
 * stable address the compliance gateway will call), ServiceAccount, PodDisruptionBudget and the
 * ServiceMonitor that lets the stack's Prometheus scrape vLLM's queue metrics.
 */
import { PLATFORM_UID, restrictedContainerSecurityContext } from "../security/podSecurity";
import type { PlatformSpec, ServedModelSpec } from "../config/types";
import { ENDPOINT_LABEL, ENDPOINT_PLAN_ANNOTATION, MANAGED_BY, MANAGED_BY_LABEL, S3_ACCESS_LABEL, TEAM_LABEL } from "../metadata";
import { GPU_TOLERATION, poolNodeSelector } from "../nodes/labels";
import { GPU_RESOURCE } from "../fabric/profile";
import { SHARED_DATA_CLAIM } from "../storage/values";
import { monitoringNamespace, monitorLabels } from "../monitoring/prometheus";
import { EndpointPlan, vllmName } from "./endpoints";
import { HEALTH_PATH, LORA_DIR, METRICS_PATH, MODEL_DIR, VLLM_PORT, VLLM_PORT_NAME, vllmEnv, vllmServeArgs } from "./vllmServer";

/** The non-root user the server runs as: the training image's MPI user, who wrote the checkpoints. */
const SERVING_UID = PLATFORM_UID;
const HOME = "/home/vllm";
/** Share of a node's CPU and memory its replicas request together (the rest is for system daemons). */
const NODE_SHARE = 0.9;
/** Node provisioning and a ~10 GB image pull before the start-up probe's budget begins. */
const SCHEDULE_AND_PULL_SECONDS = 900;
const CHECK_WEIGHTS = "check-weights";

/** What the inference policies read from an endpoint's Deployment besides its pod spec. */
export interface EndpointAnnotation {
  readonly endpoint: string;
  readonly pool: string;
  readonly model: ServedModelSpec;
  readonly traffic: { readonly requestsPerSecond: number; readonly inputTokens: number; readonly outputTokens: number };
  readonly vllmVersion: string;
}

export function readEndpointAnnotation(metadata: { annotations?: Record<string, string> } | undefined): EndpointAnnotation | undefined {
  const text = metadata?.annotations?.[ENDPOINT_PLAN_ANNOTATION];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as EndpointAnnotation;
  } catch {
    return undefined;
  }
}

/** Checks (file, message) pairs given as arguments: fails with the message of the first file missing. */
const CHECK_WEIGHTS_SCRIPT = 'while [ "$#" -ge 2 ]; do test -f "$1" || { echo "$2"; exit 1; }; shift 2; done';

/** Labels that select an endpoint's pods (immutable on the Deployment). */
export function selectorLabels(endpoint: string): Record<string, string> {
  return { "app.kubernetes.io/name": "vllm", [ENDPOINT_LABEL]: endpoint };
}

export function endpointLabels(plan: EndpointPlan): Record<string, string> {
  return {
    ...selectorLabels(plan.endpoint.name),
    // Weights streamed from S3: the team namespace's NetworkPolicies let these pods out (security/networkPolicies.ts).
    ...(plan.endpoint.weights.kind === "s3" ? { [S3_ACCESS_LABEL]: "true" } : {}),
    "app.kubernetes.io/component": "inference-server",
    "app.kubernetes.io/version": plan.image.vllmVersion,
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [TEAM_LABEL]: plan.endpoint.team,
  };
}

/** CPU and memory one replica requests on an AWS pool: its share of the node (on-prem node sizes are not known: none). */
function replicaCpuMemory(plan: EndpointPlan): Record<string, string> {
  const perNode = Math.max(1, plan.replicasPerNode);
  // AWS: the instance type's; on-prem: the pool's configured cpusPerNode / memoryGiBPerNode.
  const [vcpu, memoryGiB] = plan.pool.kind === "aws" ? [plan.pool.instanceType.vcpu, plan.pool.instanceType.memoryGiB] : [plan.pool.cpusPerNode, plan.pool.memoryGiBPerNode];
  return {
    cpu: String(Math.max(1, Math.floor((vcpu * NODE_SHARE) / perNode))),
    memory: `${Math.floor((memoryGiB * NODE_SHARE) / perNode)}Gi`,
  };
}

export function vllmServiceAccount(plan: EndpointPlan) {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: vllmName(plan.endpoint.name), namespace: plan.endpoint.team, labels: endpointLabels(plan) },
    // vLLM never calls the Kubernetes API; EKS Pod Identity injects its own token for S3 weights.
    automountServiceAccountToken: false,
  };
}

export function vllmDeployment(spec: PlatformSpec, plan: EndpointPlan) {
  const { endpoint } = plan;
  const name = vllmName(endpoint.name);
  const shared = endpoint.weights.kind === "shared" || endpoint.loraAdapters.length > 0;
  // One volume for the claim, however many paths are mounted from it: two volumes on one claim leave
  // the pod stuck in ContainerCreating on kubelets before 1.35 (kubernetes/kubernetes#99453).
  const volumes: ({ name: string } & Record<string, unknown>)[] = [
    ...(shared ? [{ name: "shared", persistentVolumeClaim: { claimName: SHARED_DATA_CLAIM, readOnly: true } }] : []),
    // vLLM's engine processes talk through shared memory, and NCCL between tensor-parallel ranks; the
    // container default of 64 MiB is too small for either.
    { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${1 + endpoint.gpusPerReplica}Gi` } },
    { name: "home", emptyDir: { sizeLimit: "20Gi" } },
  ];
  const weightMounts = [
    ...(endpoint.weights.kind === "shared" ? [{ name: "shared", mountPath: MODEL_DIR, subPath: endpoint.weights.path, readOnly: true }] : []),
    ...endpoint.loraAdapters.map((a) => ({ name: "shared", mountPath: `${LORA_DIR}/${a.name}`, subPath: a.path, readOnly: true })),
  ];
  const checks = [
    ...(endpoint.weights.kind === "shared" ? [[`${MODEL_DIR}/config.json`, `no Hugging Face checkpoint (config.json) at ${endpoint.weights.path} on team ${endpoint.team}'s shared volume`]] : []),
    ...endpoint.loraAdapters.map((a) => [`${LORA_DIR}/${a.name}/adapter_config.json`, `no LoRA adapter (adapter_config.json) at ${a.path} on team ${endpoint.team}'s shared volume`]),
  ];
  const securityContext = restrictedContainerSecurityContext([], { uid: SERVING_UID });
  const resources: Record<string, string> = { ...replicaCpuMemory(plan), [GPU_RESOURCE]: String(endpoint.gpusPerReplica) };
  const probe = (periodSeconds: number, failureThreshold: number) => ({ httpGet: { path: HEALTH_PATH, port: VLLM_PORT_NAME }, periodSeconds, failureThreshold, timeoutSeconds: 5 });
  const annotation: EndpointAnnotation = { endpoint: endpoint.name, pool: endpoint.pool, model: endpoint.model, traffic: endpoint.traffic, vllmVersion: plan.image.vllmVersion };
  const waitSeconds = Math.ceil(plan.startup.budgetSeconds) + SCHEDULE_AND_PULL_SECONDS;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: endpoint.team,
      labels: endpointLabels(plan),
      annotations: {
        [ENDPOINT_PLAN_ANNOTATION]: JSON.stringify(annotation),
        // pulumi up waits for the rollout: a replica may take this long to be scheduled, pull and load.
        "pulumi.com/timeoutSeconds": String(waitSeconds),
      },
    },
    spec: {
      // KEDA owns the replica count from here on (the component ignores later changes to it).
      replicas: endpoint.replicas.min,
      selector: { matchLabels: selectorLabels(endpoint.name) },
      // Surge one replica, never drop below the current count during a rollout.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      progressDeadlineSeconds: waitSeconds,
      template: {
        metadata: { labels: endpointLabels(plan) },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          nodeSelector: poolNodeSelector(plan.pool),
          tolerations: [GPU_TOLERATION],
          // Spread replicas over nodes so one node's loss (or drain) takes as few as possible.
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selectorLabels(endpoint.name) } }],
          terminationGracePeriodSeconds: plan.drain.terminationGracePeriodSeconds,
          securityContext: { runAsNonRoot: true, runAsUser: SERVING_UID, runAsGroup: SERVING_UID, seccompProfile: { type: "RuntimeDefault" } },
          volumes,
          // Fail at once, naming the path, when the weights are not there — not after a GPU sat idle
          // through a start-up probe's budget.
          ...(checks.length > 0 ? {
            initContainers: [{
              name: CHECK_WEIGHTS,
              image: plan.image.ref,
              // Paths and messages come from config: they reach the shell as arguments ("$1", "$2"), never as its text.
              command: ["sh", "-c", CHECK_WEIGHTS_SCRIPT, CHECK_WEIGHTS],
              args: checks.flat(),
              volumeMounts: weightMounts,
              // A shell test writes nothing: the root filesystem is read-only (Trivy KSV014, Checkov CKV_K8S_22).
              securityContext: restrictedContainerSecurityContext([], { uid: SERVING_UID, readOnlyRootFilesystem: true }),
              resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
            }],
          } : {}),
          containers: [{
            name: "vllm",
            image: plan.image.ref,
            command: ["vllm", "serve"],
            args: vllmServeArgs(endpoint, plan.gpu),
            env: Object.entries({ ...vllmEnv(HOME), ...(endpoint.weights.kind === "s3" && spec.target === "aws" ? { AWS_REGION: spec.region } : {}) }).map(([k, value]) => ({ name: k, value })),
            ports: [{ name: VLLM_PORT_NAME, containerPort: VLLM_PORT, protocol: "TCP" }],
            resources: { requests: resources, limits: resources },
            volumeMounts: [...weightMounts, { name: "dshm", mountPath: "/dev/shm" }, { name: "home", mountPath: HOME }],
            // Reading the weights and compiling take minutes; liveness and readiness start after it.
            startupProbe: probe(10, plan.startup.failureThreshold),
            readinessProbe: probe(5, 3),
            livenessProbe: probe(10, 6),
            // Removed from the Service at once on termination; keep serving the replies in flight.
            lifecycle: { preStop: { exec: { command: ["sleep", String(plan.drain.preStopSeconds)] } } },
            securityContext,
          }],
        },
      },
    },
  };
}

/** The stable in-cluster address: `<endpoint>-vllm.<team>.svc:8000` (the gateway's upstream). */
export function vllmService(plan: EndpointPlan) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: vllmName(plan.endpoint.name), namespace: plan.endpoint.team, labels: endpointLabels(plan) },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(plan.endpoint.name),
      ports: [{ name: VLLM_PORT_NAME, port: VLLM_PORT, targetPort: VLLM_PORT_NAME, protocol: "TCP" }],
    },
  };
}

export const serviceAddress = (plan: EndpointPlan) => `${vllmName(plan.endpoint.name)}.${plan.endpoint.team}.svc:${VLLM_PORT}`;

/** Voluntary disruptions (node drains, driver upgrades) take one replica at a time. */
export function vllmDisruptionBudget(plan: EndpointPlan) {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: vllmName(plan.endpoint.name), namespace: plan.endpoint.team, labels: endpointLabels(plan) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(plan.endpoint.name) } },
  };
}

export const MONITORING_API = "monitoring.coreos.com/v1";

/**
 * vLLM's /metrics for Prometheus, placed as the monitoring layer places every platform monitor: in
 * the Prometheus's namespace, which its selectors always reach, with the labels it selects on
 * (monitorLabels: `release: kube-prometheus-stack`, or an existing Prometheus's configured labels);
 * namespaceSelector points at the team's namespace.
 */
export function vllmServiceMonitor(spec: Pick<PlatformSpec, "monitoring">, plan: EndpointPlan) {
  return {
    apiVersion: MONITORING_API,
    kind: "ServiceMonitor",
    metadata: { name: vllmName(plan.endpoint.name), namespace: monitoringNamespace(spec), labels: { ...endpointLabels(plan), ...monitorLabels(spec) } },
    spec: {
      selector: { matchLabels: selectorLabels(plan.endpoint.name) },
      namespaceSelector: { matchNames: [plan.endpoint.team] },
      endpoints: [{ port: VLLM_PORT_NAME, path: METRICS_PATH, interval: "15s" }],
    },
  };
}
