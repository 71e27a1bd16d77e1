/**
 * Every namespace the platform creates or installs into, each name defined once (the modules that
 * use them re-export from here). Teams get a namespace named after them, so a team may not be
 * named like any of these.
 */

/** The platform's own namespace: the image manifest, the reclaimer, the node guard. */
export const SYSTEM_NAMESPACE = "llm-platform";
export const KUEUE_NAMESPACE = "kueue-system";
export const TRAINER_NAMESPACE = "kubeflow-system";
/** Kubeflow Pipelines' manifests install into `kubeflow` (manifests/kustomize/env/platform-agnostic). */
export const PIPELINES_NAMESPACE = "kubeflow";
export const GPU_OPERATOR_NAMESPACE = "gpu-operator";
export const NETWORK_OPERATOR_NAMESPACE = "nvidia-network-operator";
/** kube-prometheus-stack, when the platform installs Prometheus. */
export const MONITORING_NAMESPACE = "monitoring";
/** Device plugins, CSI drivers and the cluster autoscaler run beside the cluster's own add-ons. */
export const KUBE_SYSTEM_NAMESPACE = "kube-system";
/** Events about nodes (cluster-scoped objects) are written here. */
export const NODE_EVENTS_NAMESPACE = "default";

/** Namespaces every Kubernetes cluster has ("Initial namespaces", kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/). */
export const KUBERNETES_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"] as const;
/** "Avoid creating namespaces with the prefix kube-, since it is reserved for Kubernetes system namespaces" (same page). */
export const KUBERNETES_RESERVED_PREFIX = "kube-";

/** Namespaces the platform owns or writes into, whatever the stack. */
export const PLATFORM_NAMESPACES = [
  SYSTEM_NAMESPACE,
  KUEUE_NAMESPACE,
  TRAINER_NAMESPACE,
  PIPELINES_NAMESPACE,
  GPU_OPERATOR_NAMESPACE,
  NETWORK_OPERATOR_NAMESPACE,
  MONITORING_NAMESPACE,
  KUBE_SYSTEM_NAMESPACE,
  NODE_EVENTS_NAMESPACE,
] as const;

/** Why a namespace name is taken ("is a namespace every Kubernetes cluster has"), or undefined when a team may have it. */
export function reservedNamespaceReason(name: string): string | undefined {
  if ((KUBERNETES_NAMESPACES as readonly string[]).includes(name)) return "is a namespace every Kubernetes cluster has";
  if (name.startsWith(KUBERNETES_RESERVED_PREFIX)) return `starts with ${KUBERNETES_RESERVED_PREFIX}, a prefix Kubernetes reserves for its system namespaces`;
  if ((PLATFORM_NAMESPACES as readonly string[]).includes(name)) return "is a namespace the platform installs its own components into";
  return undefined;
}
