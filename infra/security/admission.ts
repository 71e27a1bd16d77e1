/**
 * The exemption for RDMA training (pure). Workers on InfiniBand pin memory with IPC_LOCK, which only
 * the `privileged` Pod Security level admits; a namespace enforcing `privileged` would admit anything.
 * So those team namespaces enforce `privileged` and this ValidatingAdmissionPolicy admits only what
 * `restricted` admits, plus IPC_LOCK on containers that request the RDMA resource
 * (admissionregistration.k8s.io/v1, GA in Kubernetes 1.30).
 *
 * One rule per control of the Pod Security Standards, baseline and restricted
 * (kubernetes.io/docs/concepts/security/pod-security-standards), over every container list as Pod
 * Security Admission checks them: containers, initContainers and ephemeralContainers (the last
 * added through the pods/ephemeralcontainers subresource, which the policy matches too). Each list
 * is checked on its own: the three lists have different element types in the API server's typed
 * CEL, so they are never concatenated. No optional syntax (`?.`): plain has() and ternaries.
 */
import { RDMA_CAPABILITIES, RDMA_RESOURCE } from "../fabric/profile";
import { TEAM_LABEL } from "../metadata";

export const TEAM_POD_POLICY = "llm-platform-team-pods";

const LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** `predicate` (over `c`) holds for every container of every list. */
function everyContainer(predicate: string): string {
  return LISTS.map((list) => (list === "containers" ? `object.spec.containers.all(c, ${predicate})` : `(!has(object.spec.${list}) || object.spec.${list}.all(c, ${predicate}))`)).join(" && ");
}

const quoted = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(", ")}]`;
/** `c.securityContext.<path>` is set (every level on the way has()). */
const containerHas = (path: string) => ["c.securityContext", ...path.split(".").map((_, i, parts) => `c.securityContext.${parts.slice(0, i + 1).join(".")}`)].map((p) => `has(${p})`).join(" && ");
const podHas = (path: string) => ["object.spec.securityContext", ...path.split(".").map((_, i, parts) => `object.spec.securityContext.${parts.slice(0, i + 1).join(".")}`)].map((p) => `has(${p})`).join(" && ");

/** Volume types restricted admits (PSS restricted "Volume Types"). */
const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"] as const;
/** SELinux types baseline admits (PSS baseline "SELinux"); "" is unset. */
const BASELINE_SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"] as const;
/** Sysctls baseline admits (PSS baseline "Sysctls", the safe set as of Kubernetes 1.32). */
const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
] as const;
const CONFINED_SECCOMP = ["RuntimeDefault", "Localhost"];
const RDMA_CAPABILITY_EXPRESSION = `c.securityContext.capabilities.add.all(cap, cap in ${quoted(RDMA_CAPABILITIES)} && has(c.resources) && has(c.resources.limits) && '${RDMA_RESOURCE}' in c.resources.limits)`;

/** Each rule: the Pod Security control it stands for, a CEL expression over `object` (the Pod), and the message when it is false. */
export const TEAM_POD_RULES: readonly { control: string; expression: string; message: string }[] = [
  // ---- baseline ----
  {
    control: "HostProcess",
    expression: `!(${podHas("windowsOptions.hostProcess")} && object.spec.securityContext.windowsOptions.hostProcess) && ${everyContainer(`!(${containerHas("windowsOptions.hostProcess")} && c.securityContext.windowsOptions.hostProcess)`)}`,
    message: "Windows HostProcess containers are not allowed in team namespaces",
  },
  { control: "Host Namespaces", expression: "!has(object.spec.hostNetwork) || !object.spec.hostNetwork", message: "host network is not allowed in team namespaces" },
  { control: "Host Namespaces", expression: "!has(object.spec.hostPID) || !object.spec.hostPID", message: "host PID namespace is not allowed in team namespaces" },
  { control: "Host Namespaces", expression: "!has(object.spec.hostIPC) || !object.spec.hostIPC", message: "host IPC namespace is not allowed in team namespaces" },
  { control: "Privileged Containers", expression: everyContainer(`!(${containerHas("privileged")} && c.securityContext.privileged)`), message: "privileged containers are not allowed in team namespaces" },
  { control: "HostPath Volumes", expression: "!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))", message: "hostPath volumes are not allowed in team namespaces" },
  { control: "Host Ports", expression: everyContainer("!has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0)"), message: "host ports are not allowed in team namespaces" },
  {
    control: "AppArmor",
    expression: `!(${podHas("appArmorProfile.type")} && object.spec.securityContext.appArmorProfile.type == 'Unconfined') && ${everyContainer(`!(${containerHas("appArmorProfile.type")} && c.securityContext.appArmorProfile.type == 'Unconfined')`)} && (!has(object.metadata.annotations) || object.metadata.annotations.all(k, !k.startsWith('container.apparmor.security.beta.kubernetes.io/') || object.metadata.annotations[k] != 'unconfined'))`,
    message: "the Unconfined AppArmor profile is not allowed in team namespaces",
  },
  {
    control: "SELinux",
    expression: `!(${podHas("seLinuxOptions")}) || ((!has(object.spec.securityContext.seLinuxOptions.type) || object.spec.securityContext.seLinuxOptions.type in ${quoted(BASELINE_SELINUX_TYPES)}) && !has(object.spec.securityContext.seLinuxOptions.user) && !has(object.spec.securityContext.seLinuxOptions.role))`,
    message: "pod SELinux options other than a container type are not allowed in team namespaces",
  },
  {
    control: "SELinux",
    expression: everyContainer(`!(${containerHas("seLinuxOptions")}) || ((!has(c.securityContext.seLinuxOptions.type) || c.securityContext.seLinuxOptions.type in ${quoted(BASELINE_SELINUX_TYPES)}) && !has(c.securityContext.seLinuxOptions.user) && !has(c.securityContext.seLinuxOptions.role))`),
    message: "container SELinux options other than a container type are not allowed in team namespaces",
  },
  { control: "/proc Mount Type", expression: everyContainer(`!(${containerHas("procMount")}) || c.securityContext.procMount == 'Default'`), message: "an unmasked /proc mount is not allowed in team namespaces" },
  {
    control: "Seccomp",
    expression: `!(${podHas("seccompProfile.type")}) || object.spec.securityContext.seccompProfile.type != 'Unconfined'`,
    message: "the Unconfined seccomp profile is not allowed in team namespaces",
  },
  {
    control: "Sysctls",
    expression: `!(${podHas("sysctls")}) || object.spec.securityContext.sysctls.all(s, s.name in ${quoted(SAFE_SYSCTLS)})`,
    message: "only the safe sysctls are allowed in team namespaces",
  },
  // ---- restricted ----
  {
    control: "Volume Types",
    expression: `!has(object.spec.volumes) || object.spec.volumes.all(v, ${RESTRICTED_VOLUME_TYPES.map((t) => `has(v.${t})`).join(" || ")})`,
    message: `volumes in team namespaces are ${RESTRICTED_VOLUME_TYPES.join(", ")} only`,
  },
  { control: "Privilege Escalation", expression: everyContainer(`${containerHas("allowPrivilegeEscalation")} && !c.securityContext.allowPrivilegeEscalation`), message: "containers set allowPrivilegeEscalation: false" },
  {
    control: "Running as Non-root",
    expression: `${podHas("runAsNonRoot")} && object.spec.securityContext.runAsNonRoot && ${everyContainer(`!(${containerHas("runAsNonRoot")}) || c.securityContext.runAsNonRoot`)}`,
    message: "pods in team namespaces run as non-root (securityContext.runAsNonRoot: true, not overridden by a container)",
  },
  {
    control: "Running as Non-root user",
    expression: `!(${podHas("runAsUser")} && object.spec.securityContext.runAsUser == 0) && ${everyContainer(`!(${containerHas("runAsUser")} && c.securityContext.runAsUser == 0)`)}`,
    message: "runAsUser 0 (root) is not allowed in team namespaces",
  },
  {
    control: "Seccomp",
    expression: everyContainer(`${containerHas("seccompProfile.type")} ? c.securityContext.seccompProfile.type in ${quoted(CONFINED_SECCOMP)} : (${podHas("seccompProfile.type")} && object.spec.securityContext.seccompProfile.type in ${quoted(CONFINED_SECCOMP)})`),
    message: "containers run under the RuntimeDefault or a Localhost seccomp profile (set on the pod or the container)",
  },
  { control: "Capabilities", expression: everyContainer(`${containerHas("capabilities.drop")} && 'ALL' in c.securityContext.capabilities.drop`), message: "containers drop ALL capabilities" },
  {
    control: "Capabilities",
    expression: everyContainer(`!(${containerHas("capabilities.add")}) || ${RDMA_CAPABILITY_EXPRESSION}`),
    message: `the only capability a container may add is ${RDMA_CAPABILITIES.join(", ")}, and only with the RDMA resource ${RDMA_RESOURCE}`,
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
        // Ephemeral containers arrive through their own subresource: Pod Security Admission checks them there too.
        matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods", "pods/ephemeralcontainers"] }] },
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
