/**
 * Pod Security (pure): the levels of the namespaces the platform creates, and the security contexts
 * of the pods it renders. Every exemption from the `restricted` standard is listed with its reason
 * (Kubernetes "Pod Security Standards": restricted = non-root, no privilege escalation, all
 * capabilities dropped, seccomp RuntimeDefault).
 */
import type { PlatformSpec } from "../config/types";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** The uid/gid the platform's images run as: the DeepSpeed runtime image's `mpiuser` (Kubeflow Trainer's convention). */
export const PLATFORM_UID = 1000;

export const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";
export const PSA_WARN = "pod-security.kubernetes.io/warn";
export const PSA_AUDIT = "pod-security.kubernetes.io/audit";

/** The labels of a namespace enforcing `level`, warning and auditing against restricted. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return { [PSA_ENFORCE]: level, [PSA_WARN]: "restricted", [PSA_AUDIT]: "restricted" };
}

/**
 * A team namespace's level. Training, tokenising and reclaiming pods meet `restricted` (non-root,
 * no added capabilities; EFA needs none: its devices come from the device plugin and the EKS AMI's
 * container runtime allows the memory locking libfabric does). RDMA over InfiniBand pins memory with
 * IPC_LOCK, which no level but `privileged` admits: those namespaces enforce `privileged` and a
 * ValidatingAdmissionPolicy (security/admission.ts) admits only `restricted` plus IPC_LOCK on RDMA pods.
 */
export function teamPodSecurity(spec: Pick<PlatformSpec, "nodePools">): PodSecurityLevel {
  return spec.nodePools.some((p) => p.fabric === "infiniband") ? "privileged" : "restricted";
}

/** The security context of every platform pod: non-root as the platform uid, seccomp RuntimeDefault. */
/**
 * The uid/gid of services that write nothing shared (the compliance gateway, the embedder): above
 * 10000, so no host account shares it (Trivy KSV020/KSV021; the EKS AMI's ec2-user is 1000);
 * 65532 is distroless's `nonroot`. Their images' files are world-readable; they write only emptyDirs.
 */
export const SERVICE_UID = 65532;

export function restrictedPodSecurityContext(uid: number = PLATFORM_UID) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    // Volumes the pod writes (shared claim subtrees, emptyDirs) are group-owned by the pod's gid.
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * The security context of every platform container: no escalation, every capability dropped, and
 * only the named ones added back. `readOnlyRootFilesystem` for containers that write nothing (the
 * init checks): the main containers write caches and temporary files (docs/policies.md, scanner exemptions).
 */
export function restrictedContainerSecurityContext(add: readonly string[] = [], options: { readOnlyRootFilesystem?: boolean; uid?: number } = {}) {
  return {
    runAsNonRoot: true,
    runAsUser: options.uid ?? PLATFORM_UID,
    ...(options.uid !== undefined ? { runAsGroup: options.uid } : {}),
    allowPrivilegeEscalation: false,
    ...(options.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    capabilities: { drop: ["ALL"], ...(add.length > 0 ? { add: [...add] } : {}) },
    seccompProfile: { type: "RuntimeDefault" },
  };
}
