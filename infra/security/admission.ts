/**
 * The exemption for RDMA training (pure). Workers on InfiniBand pin memory with IPC_LOCK, which only
 * the `privileged` Pod Security level admits; a namespace enforcing `privileged` would admit anything.
 * So those team namespaces enforce `privileged` and this ValidatingAdmissionPolicy admits only what
 * `restricted` admits, plus IPC_LOCK on pods that request the RDMA resource
 * (admissionregistration.k8s.io/v1, GA in Kubernetes 1.30).
 */
import { RDMA_RESOURCE } from "../fabric/profile";
import { TEAM_LABEL } from "../metadata";

export const TEAM_POD_POLICY = "llm-platform-team-pods";

/** Each rule: a CEL expression over `object` (the Pod) and the message when it is false. */
export const TEAM_POD_RULES: readonly { expression: string; message: string }[] = [
  { expression: "!has(object.spec.hostNetwork) || !object.spec.hostNetwork", message: "host network is not allowed in team namespaces" },
  { expression: "!has(object.spec.hostPID) || !object.spec.hostPID", message: "host PID namespace is not allowed in team namespaces" },
  { expression: "!has(object.spec.hostIPC) || !object.spec.hostIPC", message: "host IPC namespace is not allowed in team namespaces" },
  { expression: "!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))", message: "hostPath volumes are not allowed in team namespaces" },
  {
    expression: "has(object.spec.securityContext) && has(object.spec.securityContext.runAsNonRoot) && object.spec.securityContext.runAsNonRoot",
    message: "pods in team namespaces run as non-root (securityContext.runAsNonRoot: true)",
  },
  {
    expression: "object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)",
    message: "privileged containers are not allowed in team namespaces",
  },
  {
    expression: "object.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && !c.securityContext.allowPrivilegeEscalation)",
    message: "containers set allowPrivilegeEscalation: false",
  },
  {
    expression: "object.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) && 'ALL' in c.securityContext.capabilities.drop)",
    message: "containers drop ALL capabilities",
  },
  {
    expression: `object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(cap, cap == 'IPC_LOCK' && has(c.resources) && has(c.resources.limits) && '${RDMA_RESOURCE}' in c.resources.limits))`,
    message: `the only capability a container may add is IPC_LOCK, and only with the RDMA resource ${RDMA_RESOURCE}`,
  },
];

/** The policy and its binding to every team namespace (selected by the team label). */
export function teamPodAdmission() {
  return {
    policy: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: TEAM_POD_POLICY },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }] },
        validations: TEAM_POD_RULES.map((r) => ({ expression: r.expression, message: r.message })),
      },
    },
    binding: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: TEAM_POD_POLICY },
      spec: {
        policyName: TEAM_POD_POLICY,
        validationActions: ["Deny"],
        matchResources: { namespaceSelector: { matchExpressions: [{ key: TEAM_LABEL, operator: "Exists" }] } },
      },
    },
  };
}
