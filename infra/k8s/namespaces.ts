/**
 * Namespace names a team may not take (pure). A team's namespace is named after the team, so it may
 * not be one every cluster has, one Kubernetes reserves, or one the platform installs into — those
 * are defined once, in infra/security/namespaces.ts and infra/monitoring/prometheus.ts.
 */
import { MONITORING_NAMESPACE } from "../monitoring/prometheus";
import { PLATFORM_NAMESPACES as PLATFORM_NAMESPACE_LEVELS } from "../security/namespaces";

/** Namespaces every Kubernetes cluster has ("Initial namespaces", kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/). */
const KUBERNETES_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"] as const;
/** "Avoid creating namespaces with the prefix kube-, since it is reserved for Kubernetes system namespaces" (same page). */
const KUBERNETES_RESERVED_PREFIX = "kube-";

/** Namespaces the platform owns or installs into, whatever the stack. */
export const PLATFORM_NAMESPACES: readonly string[] = [...Object.keys(PLATFORM_NAMESPACE_LEVELS), MONITORING_NAMESPACE];

/** Why a namespace name is taken ("is a namespace every Kubernetes cluster has"), or undefined when a team may have it. */
export function reservedNamespaceReason(name: string): string | undefined {
  if ((KUBERNETES_NAMESPACES as readonly string[]).includes(name)) return "is a namespace every Kubernetes cluster has";
  if (name.startsWith(KUBERNETES_RESERVED_PREFIX)) return `starts with ${KUBERNETES_RESERVED_PREFIX}, a prefix Kubernetes reserves for its system namespaces`;
  if (PLATFORM_NAMESPACES.includes(name)) return "is a namespace the platform installs its own components into";
  return undefined;
}
