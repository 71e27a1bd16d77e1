/**
 * Every exemption of a platform pod from the hardened baseline, with its reason (pure). The pod
 * security policies (policies/security.ts) read this table and refuse anything it does not list;
 * docs/policies.md and the scanner test's exemptions cite it. The baseline is Pod Security
 * `restricted` plus CPU and memory limits and no service-account token (kubernetes.io/docs/concepts/
 * security/pod-security-standards; EKS Best Practices, Pod Security and IAM).
 */
import { RDMA_CAPABILITIES, RDMA_RESOURCE_PREFIX } from "../fabric/profile";
import { NODE_GUARD_NAME, RECLAIMER_NAME } from "../monitoring/reclaim";
import { TEAM_DIRECTORIES_CAPABILITIES, TEAM_DIRECTORIES_JOB } from "../storage/teamDirectories";
import { SYSTEM_NAMESPACE } from "./namespaces";

/** Pods made by one object of the plan: its kind, namespace and name (or name prefix: a hash follows). */
export interface ObjectSelector {
  readonly kind: string;
  readonly namespace: string;
  readonly name?: string;
  readonly namePrefix?: string;
}

/** Containers that request a device resource (limits) whose name starts with this prefix. */
export interface ResourceSelector {
  readonly containerRequestsPrefix: string;
}

export interface PodExemption {
  readonly id: string;
  readonly pods: ObjectSelector | ResourceSelector;
  readonly allows: {
    /** The pod may run as uid 0 (runAsNonRoot false, runAsUser 0). */
    readonly root?: boolean;
    /** Capabilities its containers (the requesting ones, for a ResourceSelector) may add after dropping ALL. */
    readonly capabilities?: readonly string[];
    /** The pod may mount a service-account token: it calls the Kubernetes API. */
    readonly serviceAccountToken?: boolean;
  };
  readonly reason: string;
}

export const POD_EXEMPTIONS: readonly PodExemption[] = [
  {
    id: "rdma-ipc-lock",
    pods: { containerRequestsPrefix: `${RDMA_RESOURCE_PREFIX}/` },
    allows: { capabilities: RDMA_CAPABILITIES },
    reason: "RDMA over InfiniBand registers (pins) memory with ibv_reg_mr, which needs CAP_IPC_LOCK past the memlock limit; only the containers that request the RDMA device get it, and the team namespace's ValidatingAdmissionPolicy admits nothing else beyond restricted (infra/security/admission.ts)",
  },
  {
    id: "team-directories-root",
    pods: { kind: "Job", namespace: SYSTEM_NAMESPACE, namePrefix: `${TEAM_DIRECTORIES_JOB}-` },
    allows: { root: true, capabilities: TEAM_DIRECTORIES_CAPABILITIES },
    reason: "creates each team's tree on the shared file system and hands it to the platform uid: chown and chmod on root-owned directories need root with CHOWN, DAC_OVERRIDE and FOWNER (infra/storage/teamDirectories.ts); no token, no network, read-only root filesystem, in the baseline-level platform namespace",
  },
  {
    id: "gpu-reclaimer-token",
    pods: { kind: "CronJob", namespace: SYSTEM_NAMESPACE, name: RECLAIMER_NAME },
    allows: { serviceAccountToken: true },
    reason: "reads and deactivates idle Kueue Workloads through the Kubernetes API, with a Role per reclaiming team namespace (infra/monitoring/reclaim.ts reclaimerRoleRules)",
  },
  {
    id: "gpu-node-guard-token",
    pods: { kind: "CronJob", namespace: SYSTEM_NAMESPACE, name: NODE_GUARD_NAME },
    allows: { serviceAccountToken: true },
    reason: "cordons nodes with fatal GPU faults through the Kubernetes API (get/patch nodes only, infra/monitoring/reclaim.ts nodeGuardClusterRoleRules)",
  },
];

export const podExemption = (id: string): PodExemption => {
  const found = POD_EXEMPTIONS.find((e) => e.id === id);
  if (!found) throw new Error(`no pod exemption ${id} (known: ${POD_EXEMPTIONS.map((e) => e.id).join(", ")})`);
  return found;
};

/** "Job llm-platform/team-directories-1a2b3c4d5e" → the object's kind, namespace and name (a pod's `where`, infra/k8s/podTemplates.ts). */
function objectOf(where: string): { kind: string; namespace: string; name: string } {
  const [kind, rest = ""] = where.split(" ");
  const ref = rest.split(" / ")[0];
  const [namespace, name] = ref.includes("/") ? ref.split("/") : ["", ref];
  return { kind, namespace, name };
}

const selects = (s: ObjectSelector, where: string) => {
  const o = objectOf(where);
  return o.kind === s.kind && o.namespace === s.namespace && (s.name !== undefined ? o.name === s.name : s.namePrefix !== undefined && o.name.startsWith(s.namePrefix));
};

/** The exemptions of a pod (by the object that makes it), and per container those its device requests earn. */
export function exemptionsOf(pod: { where: string }, container?: { resources?: { limits?: Record<string, unknown> } }): PodExemption[] {
  return POD_EXEMPTIONS.filter((e) =>
    "containerRequestsPrefix" in e.pods
      ? container !== undefined && Object.keys(container.resources?.limits ?? {}).some((r) => r.startsWith((e.pods as ResourceSelector).containerRequestsPrefix))
      : selects(e.pods, pod.where));
}
