/**
 * The platform's own namespaces (pure): each one's Pod Security level with the reason it is not
 * `restricted`, and the ports the control plane calls in it (admission webhooks), from the pinned
 * charts' values.
 */
import { GPU_OPERATOR_NAMESPACE } from "../gpu/operatorValues";
import { KUEUE_NAMESPACE } from "../queues/kueue";
import { PIPELINES_NAMESPACE } from "../pipelines/manifests";
import { KEDA_NAMESPACE } from "../inference/autoscaling";
import { PROMETHEUS_PORT } from "../monitoring/prometheus";
import type { PodSecurityLevel } from "./podSecurity";

export const SYSTEM_NAMESPACE = "llm-platform";
export const TRAINER_NAMESPACE = "kubeflow-system";
export const NETWORK_OPERATOR_NAMESPACE = "nvidia-network-operator";

export interface PlatformNamespace {
  readonly name: string;
  readonly level: PodSecurityLevel;
  /** Why not restricted. */
  readonly reason: string;
  /** Ports (numbers or container port names) the API server calls: admission webhooks. */
  readonly controlPlanePorts: readonly (number | string)[];
  /** Other namespaces whose pods call its services, and on which ports. */
  readonly clients?: { readonly namespaces: readonly string[]; readonly ports: readonly number[] };
}

export const PLATFORM_NAMESPACES: Readonly<Record<string, PlatformNamespace>> = {
  [SYSTEM_NAMESPACE]: { name: SYSTEM_NAMESPACE, level: "baseline", reason: "the team-directories Job runs as root with CHOWN to create each team's tree on shared storage", controlPlanePorts: [] },
  // Kueue's manager config webhook.port (infra/queues/kueue.ts).
  // The visibility API (APIService v1beta1/v1beta2.visibility.kueue.x-k8s.io, always installed by
  // the v0.19.2 chart) is served on 8082 (templates/visibility/service.yaml targetPort; the manager's
  // containerPort `visibility`); blocked, the APIService goes Unavailable and namespace deletion
  // hangs on discovery (kubernetes#75788).
  [KUEUE_NAMESPACE]: { name: KUEUE_NAMESPACE, level: "baseline", reason: "the chart's pods are not verified against restricted (warn and audit report it)", controlPlanePorts: [9443, 8082] },
  // kubeflow-trainer chart values manager.config.webhook.port 9443; JobSet's webhook listens on 9443 too.
  [TRAINER_NAMESPACE]: { name: TRAINER_NAMESPACE, level: "baseline", reason: "the chart's pods are not verified against restricted (warn and audit report it)", controlPlanePorts: [9443] },
  [GPU_OPERATOR_NAMESPACE]: { name: GPU_OPERATOR_NAMESPACE, level: "privileged", reason: "device plugin, DCGM exporter, driver and toolkit DaemonSets use host paths, host PID and privileged containers", controlPlanePorts: [] },
  [NETWORK_OPERATOR_NAMESPACE]: { name: NETWORK_OPERATOR_NAMESPACE, level: "privileged", reason: "the RDMA device plugin and node feature discovery use host paths and privileged containers", controlPlanePorts: [] },
  // KEDA chart 2.20.2 values.yaml: every pod runAsNonRoot, every container drops ALL, no escalation,
  // seccomp RuntimeDefault ("KEDA is secure by default"); the metrics API server listens on
  // service.portHttpsTarget 6443 (an aggregated API the API server calls), the webhooks on 9443.
  [KEDA_NAMESPACE]: { name: KEDA_NAMESPACE, level: "restricted", reason: "", controlPlanePorts: [6443, 9443] },
  // KFP manifests/kustomize/base/cache/cache-service.yaml: the cache webhook's targetPort `webhook-api`.
  [PIPELINES_NAMESPACE]: { name: PIPELINES_NAMESPACE, level: "baseline", reason: "Kubeflow Pipelines' own pods (MySQL, the object store, workflow steps) are not verified against restricted", controlPlanePorts: ["webhook-api"] },
};

/** The monitoring namespace's entry (its name can be configured: an existing Prometheus's). */
export function monitoringNamespaceEntry(name: string): PlatformNamespace {
  // kube-prometheus-stack values prometheusOperator.admissionWebhooks...internalPort 10250.
  // Prometheus is queried from other namespaces: KEDA's prometheus scalers (inference/autoscaling.ts)
  // and the idle-GPU reclaimer and GPU node guard in the platform's namespace (monitoring/reclaim.ts).
  return {
    name,
    level: "privileged",
    reason: "node-exporter uses the host's network, PID namespace and filesystem",
    controlPlanePorts: [10250],
    clients: { namespaces: [SYSTEM_NAMESPACE, KEDA_NAMESPACE], ports: [PROMETHEUS_PORT] },
  };
}
