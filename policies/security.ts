/**
 * Kubernetes-side security checks (issue 11): what every pod the platform renders may do, how its
 * namespaces are fenced, who may act in them, and that nothing bypasses the GPU quotas. Each policy
 * names its source: the Pod Security Standards control (kubernetes.io/docs/concepts/security/
 * pod-security-standards), the Checkov check (bridgecrewio/checkov checkov/kubernetes/checks/
 * resource/k8s, 3.3.13), the kube-score check (zegl/kube-score README_CHECKS.md, v1.20) and the EKS
 * Best Practices section (aws/aws-eks-best-practices latest/bpg/security). Exemptions come from one
 * table, infra/security/exemptions.ts; anything it does not list is refused.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { ContainerLike, containersOf, PodTemplate } from "../infra/k8s/podTemplates";
import { namespaceLabels, selectorMatches } from "../infra/k8s/labelSelector";
import { MANAGED_BY, MANAGED_BY_LABEL, TEAM_LABEL } from "../infra/metadata";
import { PROMETHEUS_RELEASE } from "../infra/monitoring/prometheus";
import { GPU_RESOURCE } from "../infra/fabric/profile";
import { KUEUE_RELEASE } from "../infra/queues/kueue";
import { TEAM_POD_POLICY, TEAM_POD_RULES } from "../infra/security/admission";
import { exemptionsOf } from "../infra/security/exemptions";
import { monitoringNamespaceEntry, PLATFORM_NAMESPACES } from "../infra/security/namespaces";
import { PodSecurityLevel, PSA_AUDIT, PSA_ENFORCE, PSA_WARN } from "../infra/security/podSecurity";
import { teamGroup } from "../infra/security/teamAccess";
import { kubernetesObjects, plannedPods } from "./runtime";

type Pod = PodTemplate & { urn?: string };
type SecurityContext = { runAsNonRoot?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean; privileged?: boolean; capabilities?: { add?: string[]; drop?: string[] }; seccompProfile?: { type?: string } };

const podContext = (pod: Pod) => (pod.spec.securityContext ?? {}) as SecurityContext;
const containerContext = (c: ContainerLike) => (c.securityContext ?? {}) as SecurityContext;
const allowed = (pod: Pod, c: ContainerLike | undefined, what: "root" | "serviceAccountToken") => exemptionsOf(pod, c as never).some((e) => e.allows[what]);
const allowedCapabilities = (pod: Pod, c: ContainerLike) => new Set(exemptionsOf(pod, c as never).flatMap((e) => [...(e.allows.capabilities ?? [])]));
const exemptionIds = (pod: Pod, c: ContainerLike | undefined, what: "root" | "serviceAccountToken" | "capabilities") => exemptionsOf(pod, c as never).filter((e) => e.allows[what]).map((e) => e.id);

/** Each container of each planned pod with a problem, as "<where>: container <name> <problem>". */
function perContainer(resources: readonly PolicyResource[], report: (message: string, urn?: string) => void, check: (pod: Pod, c: ContainerLike) => string | undefined) {
  for (const pod of plannedPods(resources)) {
    for (const c of containersOf(pod.spec)) {
      const problem = check(pod, c);
      if (problem) report(`${pod.where}: container ${c.name} ${problem}`, pod.urn);
    }
  }
}

/** PSS restricted "Running as Non-root" and "Running as Non-root user"; Checkov CKV_K8S_23; kube-score container-security-context-user-group-id. */
export const podRunsAsNonRoot: StackValidationPolicy = {
  name: "pod-runs-as-non-root",
  description: "Every container of every planned pod runs as non-root: runAsNonRoot true and a non-zero runAsUser, from the container or the pod (Pod Security restricted \"Running as Non-root\"/\"Running as Non-root user\"; Checkov CKV_K8S_23; kube-score container-security-context-user-group-id; EKS Best Practices, Pod Security: \"Do not run processes in containers as root\"). Exemption: team-directories-root.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) =>
    perContainer(args.resources, report, (pod, c) => {
      if (allowed(pod, c, "root")) return undefined;
      const nonRoot = containerContext(c).runAsNonRoot ?? podContext(pod).runAsNonRoot;
      const user = containerContext(c).runAsUser ?? podContext(pod).runAsUser;
      const problems = [...(nonRoot !== true ? [`runAsNonRoot is ${nonRoot ?? "unset"}`] : []), ...(user === 0 ? ["runAsUser is 0"] : [])];
      return problems.length > 0 ? `may run as root (${problems.join(", ")}); set runAsNonRoot: true and a non-zero runAsUser (Pod Security restricted, CKV_K8S_23)` : undefined;
    }),
};

/** PSS restricted "Privilege Escalation" and baseline "Privileged Containers"; Checkov CKV_K8S_20, CKV_K8S_16; kube-score container-security-context-privileged. */
export const podNoPrivilegeEscalation: StackValidationPolicy = {
  name: "pod-no-privilege-escalation",
  description: "Every container sets allowPrivilegeEscalation: false and is not privileged (Pod Security restricted \"Privilege Escalation\", baseline \"Privileged Containers\"; Checkov CKV_K8S_20, CKV_K8S_16; kube-score container-security-context-privileged; EKS Best Practices, Pod Security: \"Do not allow privileged escalation\", \"Restrict the containers that can run as privileged\"). No exemptions.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) =>
    perContainer(args.resources, report, (_pod, c) => {
      const sc = containerContext(c);
      if (sc.privileged === true) return "is privileged: it has every capability and the host's devices; drop privileged (Pod Security baseline, CKV_K8S_16)";
      if (sc.allowPrivilegeEscalation !== false) return `allows privilege escalation (allowPrivilegeEscalation ${sc.allowPrivilegeEscalation ?? "unset"}: setuid binaries gain privileges); set it to false (Pod Security restricted, CKV_K8S_20)`;
      return undefined;
    }),
};

/** PSS restricted "Capabilities"; Checkov CKV_K8S_37, CKV_K8S_28, CKV_K8S_25. */
export const podCapabilitiesDropped: StackValidationPolicy = {
  name: "pod-capabilities-dropped",
  description: "Every container drops ALL capabilities and adds back only those an exemption lists (Pod Security restricted \"Capabilities\"; Checkov CKV_K8S_37, CKV_K8S_28, CKV_K8S_25; EKS Best Practices, Pod Security: \"Linux Capabilities\"). Exemptions: rdma-ipc-lock (IPC_LOCK for containers requesting the RDMA device), team-directories-root (CHOWN, DAC_OVERRIDE, FOWNER).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) =>
    perContainer(args.resources, report, (pod, c) => {
      const caps = containerContext(c).capabilities ?? {};
      if (!(caps.drop ?? []).includes("ALL")) return `does not drop ALL capabilities (drop: ${JSON.stringify(caps.drop ?? [])}); drop ALL and add back only what an exemption in infra/security/exemptions.ts lists (Pod Security restricted, CKV_K8S_37)`;
      const permitted = allowedCapabilities(pod, c);
      const extra = (caps.add ?? []).filter((cap) => !permitted.has(cap));
      if (extra.length > 0) {
        const ids = exemptionIds(pod, c, "capabilities");
        return `adds ${extra.join(", ")}, which no exemption grants it (${ids.length > 0 ? `its exemptions ${ids.join(", ")} allow ${[...permitted].join(", ")}` : "none applies"}); remove them or add a justified entry to infra/security/exemptions.ts`;
      }
      return undefined;
    }),
};

const SECCOMP_CONFINED = ["RuntimeDefault", "Localhost"];

/** PSS restricted "Seccomp"; Checkov CKV_K8S_31; kube-score container-seccomp-profile. */
export const podSeccompConfined: StackValidationPolicy = {
  name: "pod-seccomp-runtime-default",
  description: "Every container runs under the RuntimeDefault (or a Localhost) seccomp profile, from the container or the pod (Pod Security restricted \"Seccomp\"; Checkov CKV_K8S_31; kube-score container-seccomp-profile). No exemptions.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) =>
    perContainer(args.resources, report, (pod, c) => {
      const type = containerContext(c).seccompProfile?.type ?? podContext(pod).seccompProfile?.type;
      return type !== undefined && SECCOMP_CONFINED.includes(type) ? undefined : `runs with seccomp ${type ?? "unset (Unconfined on most runtimes)"}; set seccompProfile.type RuntimeDefault on the pod (Pod Security restricted, CKV_K8S_31)`;
    }),
};

/** PSS baseline "Host Namespaces", "HostPath Volumes", "Host Ports"; Checkov CKV_K8S_17, CKV_K8S_18, CKV_K8S_19. */
export const podHostIsolated: StackValidationPolicy = {
  name: "pod-host-isolated",
  description: "No planned pod shares the host's network, PID or IPC namespace, mounts a hostPath or binds a host port (Pod Security baseline \"Host Namespaces\", \"HostPath Volumes\", \"Host Ports\"; Checkov CKV_K8S_17, CKV_K8S_18, CKV_K8S_19; EKS Best Practices, Pod Security: \"Restrict the use of hostPath\"). No exemptions: device access comes from device plugins.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const pod of plannedPods(args.resources)) {
      const shared = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => pod.spec[k] === true);
      if (shared.length > 0) report(`${pod.where}: shares the host's ${shared.join(", ")} (Pod Security baseline "Host Namespaces", CKV_K8S_17/18/19)`, pod.urn);
      for (const v of (pod.spec.volumes ?? []).filter((v) => v.hostPath)) report(`${pod.where}: volume ${v.name} mounts the host path ${(v.hostPath as { path?: string }).path ?? "?"} (Pod Security baseline "HostPath Volumes")`, pod.urn);
      for (const c of containersOf(pod.spec)) {
        for (const p of ((c.ports ?? []) as { hostPort?: number; containerPort?: number }[]).filter((p) => p.hostPort)) report(`${pod.where}: container ${c.name} binds host port ${p.hostPort} (Pod Security baseline "Host Ports")`, pod.urn);
      }
    }
  },
};

/** kube-score container-resources; Checkov CKV_K8S_10, CKV_K8S_11, CKV_K8S_12, CKV_K8S_13. */
export const podResourcesBounded: StackValidationPolicy = {
  name: "pod-resources-bounded",
  description: "Every container and init container requests and is limited in CPU and memory (kube-score container-resources; Checkov CKV_K8S_10, CKV_K8S_11, CKV_K8S_12, CKV_K8S_13; Trivy KSV011, KSV015, KSV016, KSV018; EKS Best Practices, Pod Security: \"Set requests and limits for each container\"). No exemptions.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) =>
    perContainer(args.resources, report, (_pod, c) => {
      const resources = (c.resources ?? {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
      const missing = (["requests", "limits"] as const).flatMap((kind) => (["cpu", "memory"] as const).filter((r) => resources[kind]?.[r] === undefined).map((r) => `${kind}.${r}`));
      return missing.length > 0 ? `has no ${missing.join(", ")}: one runaway container can starve the node (kube-score container-resources, CKV_K8S_10-13)` : undefined;
    }),
};

/** Checkov CKV_K8S_38; EKS Best Practices, IAM "Disable auto-mounting of service account tokens". */
export const podServiceAccountToken: StackValidationPolicy = {
  name: "pod-service-account-token",
  description: "No planned pod mounts a service-account token unless it calls the Kubernetes API (an exemption says so), and such pods use a service account of their own (Checkov CKV_K8S_38; EKS Best Practices, IAM: \"Disable auto-mounting of service account tokens\", \"Use dedicated service accounts for each application\"). Exemptions: gpu-reclaimer-token, gpu-node-guard-token.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const pod of plannedPods(args.resources)) {
      const projected = (pod.spec.volumes ?? []).filter((v) => ((v.projected as { sources?: { serviceAccountToken?: unknown }[] } | undefined)?.sources ?? []).some((s) => s.serviceAccountToken));
      const mounts = pod.spec.automountServiceAccountToken !== false || projected.length > 0;
      if (!allowed(pod, undefined, "serviceAccountToken")) {
        if (pod.spec.automountServiceAccountToken !== false) report(`${pod.where}: mounts a service-account token (automountServiceAccountToken ${pod.spec.automountServiceAccountToken ?? "unset"}) but does not call the Kubernetes API; set automountServiceAccountToken: false, or add a justified entry to infra/security/exemptions.ts (CKV_K8S_38)`, pod.urn);
        for (const v of projected) report(`${pod.where}: volume ${v.name} projects a service-account token, which no exemption grants it (CKV_K8S_38)`, pod.urn);
      } else if (mounts && (pod.spec.serviceAccountName ?? "default") === "default") {
        report(`${pod.where}: calls the Kubernetes API as the namespace's default service account; give it a service account of its own (EKS Best Practices, IAM: "Use dedicated service accounts for each application")`, pod.urn);
      }
    }
  },
};

/** Checkov CKV_K8S_43; EKS Best Practices, Image security: "Use immutable tags with ECR". */
export const podImagesByDigest: StackValidationPolicy = {
  name: "pod-images-by-digest",
  description: "Advises on every container image referenced by tag alone: a tag can be moved to other content, a digest cannot (Checkov CKV_K8S_43; EKS Best Practices, Image security: \"Use immutable tags with ECR\"). Advisory: a version tag is pinned enough to run (container-images-pinned refuses the rest).",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const byImage = new Map<string, { where: string[]; urn?: string }>();
    for (const pod of plannedPods(args.resources)) {
      for (const c of containersOf(pod.spec)) {
        if (!c.image || c.image.includes("@")) continue;
        const entry = byImage.get(c.image) ?? { where: [], urn: pod.urn };
        if (!entry.where.includes(pod.where)) entry.where.push(pod.where);
        byImage.set(c.image, entry);
      }
    }
    for (const [image, { where, urn }] of byImage) {
      report(`image ${image} is referenced by tag, not digest (${where.length} pod${where.length > 1 ? "s" : ""}: ${where.join(", ")}); pin its digest (images.digests, or the pin in infra/versions.ts) (CKV_K8S_43)`, urn);
    }
  },
};

// ---- Namespaces: Pod Security labels and default-deny NetworkPolicies ----

interface NamespaceObject {
  urn?: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
}

/** Namespaces (and patched namespaces) the platform labels as its own. */
function platformNamespaces(resources: readonly PolicyResource[]): NamespaceObject[] {
  return kubernetesObjects(resources).filter((o) => o.kind === "Namespace" && o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY);
}
const isTeamNamespace = (ns: NamespaceObject) => ns.metadata.labels?.[TEAM_LABEL] !== undefined;

/** The level a platform namespace declares (infra/security/namespaces.ts), or why it has none. */
function declaredLevel(ns: NamespaceObject, resources: readonly PolicyResource[]): PodSecurityLevel | undefined {
  const entry = PLATFORM_NAMESPACES[ns.metadata.name];
  if (entry) return entry.level;
  // The monitoring namespace's name is configurable: it is the one the platform's Prometheus is installed in.
  const prometheus = resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.props.name === PROMETHEUS_RELEASE && r.props.namespace === ns.metadata.name);
  return prometheus ? monitoringNamespaceEntry(ns.metadata.name).level : undefined;
}

/** Whether the RDMA ValidatingAdmissionPolicy, every rule of it, and a Deny binding selecting this namespace are planned. */
function rdmaAdmissionCovers(ns: NamespaceObject, objects: readonly any[]): string | undefined {
  const policy = objects.find((o) => o.kind === "ValidatingAdmissionPolicy" && o.metadata?.name === TEAM_POD_POLICY);
  if (!policy) return `no ValidatingAdmissionPolicy ${TEAM_POD_POLICY} is planned`;
  const expressions = new Set(((policy.spec?.validations ?? []) as { expression: string }[]).map((v) => v.expression));
  const missing = TEAM_POD_RULES.filter((r) => !expressions.has(r.expression));
  if (missing.length > 0) return `ValidatingAdmissionPolicy ${TEAM_POD_POLICY} lacks ${missing.length} of its rules (${missing.map((r) => `"${r.message}"`).join("; ")})`;
  if (policy.spec?.failurePolicy !== "Fail") return `ValidatingAdmissionPolicy ${TEAM_POD_POLICY} has failurePolicy ${policy.spec?.failurePolicy ?? "unset"}: an evaluation error would admit the pod`;
  const binding = objects.find((o) => o.kind === "ValidatingAdmissionPolicyBinding" && o.spec?.policyName === TEAM_POD_POLICY && (o.spec?.validationActions ?? []).includes("Deny") && selectorMatches(o.spec?.matchResources?.namespaceSelector, namespaceLabels(ns)));
  return binding ? undefined : `no ValidatingAdmissionPolicyBinding of ${TEAM_POD_POLICY} with validationActions Deny selects namespace ${ns.metadata.name}`;
}

/** PSS / Pod Security Admission; EKS Best Practices, Pod Security: "Pod Security Standards (PSS) and Pod Security Admission (PSA)". */
export const namespacePodSecurity: StackValidationPolicy = {
  name: "namespace-pod-security",
  description: "Every namespace the platform creates enforces its declared Pod Security level (infra/security/namespaces.ts) and warns and audits at restricted; team namespaces enforce restricted, or privileged only where the RDMA ValidatingAdmissionPolicy and its Deny binding cover them (Pod Security Admission; EKS Best Practices, Pod Security: \"Use multiple Pod Security Admission (PSA) modes\").",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const objects = kubernetesObjects(args.resources);
    for (const ns of platformNamespaces(args.resources)) {
      const labels = ns.metadata.labels ?? {};
      const name = ns.metadata.name;
      const enforce = labels[PSA_ENFORCE];
      if (isTeamNamespace(ns)) {
        if (enforce === "privileged") {
          const gap = rdmaAdmissionCovers(ns, objects);
          if (gap) report(`team namespace ${name} enforces privileged, which admits any pod, and ${gap}; enforce restricted, or plan the RDMA admission policy (infra/security/admission.ts)`, ns.urn);
        } else if (enforce !== "restricted") {
          report(`team namespace ${name} enforces Pod Security ${enforce ?? "nothing"} (label ${PSA_ENFORCE}); team namespaces enforce restricted`, ns.urn);
        }
      } else {
        const level = declaredLevel(ns, args.resources);
        if (!level) report(`namespace ${name} is the platform's but declares no Pod Security level; add it to infra/security/namespaces.ts with its level and reason`, ns.urn);
        else if (enforce !== level) report(`namespace ${name} enforces Pod Security ${enforce ?? "nothing"} (label ${PSA_ENFORCE}), not its declared ${level}`, ns.urn);
      }
      const loose = [PSA_WARN, PSA_AUDIT].filter((k) => labels[k] !== "restricted");
      if (loose.length > 0) report(`namespace ${name} does not ${loose.map((k) => `${k.split("/")[1]} (${labels[k] ?? "unset"})`).join(" or ")} at restricted: what its level admits beyond restricted goes unreported`, ns.urn);
    }
  },
};

const emptySelector = (s: unknown) => {
  const sel = (s ?? {}) as { matchLabels?: object; matchExpressions?: unknown[] };
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
};

/** EKS Best Practices, Network security: "Create a default deny policy"; kube-score pod-networkpolicy. */
export const namespaceDefaultDeny: StackValidationPolicy = {
  name: "namespace-default-deny",
  description: "Every namespace the platform creates has a default-deny NetworkPolicy (podSelector {}, no rules): ingress everywhere, egress too in team namespaces (EKS Best Practices, Network security: \"Create a default deny policy\"; kube-score pod-networkpolicy). Platform namespaces keep egress open: their controllers call the API server and cloud APIs (infra/security/networkPolicies.ts).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const policies = kubernetesObjects(args.resources).filter((o) => o.kind === "NetworkPolicy");
    for (const ns of platformNamespaces(args.resources)) {
      const name = ns.metadata.name;
      const denies = (direction: "Ingress" | "Egress") =>
        policies.some((p) => p.metadata?.namespace === name && emptySelector(p.spec?.podSelector) && (p.spec?.policyTypes ?? []).includes(direction) && (p.spec?.[direction.toLowerCase()] ?? []).length === 0);
      const wanted: ("Ingress" | "Egress")[] = isTeamNamespace(ns) ? ["Ingress", "Egress"] : ["Ingress"];
      const open = wanted.filter((d) => !denies(d));
      if (open.length > 0) report(`${isTeamNamespace(ns) ? "team" : "platform"} namespace ${name} has no default-deny ${open.join(" and ").toLowerCase()} NetworkPolicy (podSelector {}, policyTypes ${open.join(", ")}, no rules): every pod in it is reachable${open.includes("Egress") ? " and can reach anything" : ""}`, ns.urn);
    }
  },
};

// ---- RBAC ----

/** Checkov CKV_K8S_49 "Minimize wildcard use in Roles and ClusterRoles". */
export const rbacNoWildcards: StackValidationPolicy = {
  name: "rbac-no-wildcards",
  description: "No Role or ClusterRole the platform renders grants \"*\" verbs, resources or API groups (Checkov CKV_K8S_49; EKS Best Practices, IAM: \"Employ least privileged access when creating RoleBindings and ClusterRoleBindings\"). Charts' own RBAC is upstream's and reviewed with the chart pin.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const role of kubernetesObjects(args.resources).filter((o) => o.kind === "Role" || o.kind === "ClusterRole")) {
      const at = `${role.kind} ${role.metadata?.namespace ? `${role.metadata.namespace}/` : ""}${role.metadata?.name}`;
      ((role.rules ?? []) as Record<string, string[] | undefined>[]).forEach((rule, i) => {
        const wild = (["apiGroups", "resources", "verbs"] as const).filter((k) => (rule[k] ?? []).includes("*"));
        if (wild.length > 0) report(`${at}: rule ${i} grants "*" ${wild.join(", ")}; name the ${wild.join(", ")} it needs (CKV_K8S_49)`, role.urn);
      });
    }
  },
};

const TEAM_GROUP_PREFIX = teamGroup("");

/** EKS Best Practices, IAM: "Employ least privileged access when creating RoleBindings and ClusterRoleBindings"; Multi-tenancy "Role-based access control". */
export const teamAccessNamespaced: StackValidationPolicy = {
  name: "team-access-namespaced",
  description: `A team's group (${TEAM_GROUP_PREFIX}<team>) is bound only by RoleBindings to a Role in the team's own namespace: never cluster-wide, never in another team's namespace (EKS Best Practices, IAM: "Employ least privileged access when creating RoleBindings and ClusterRoleBindings"; Tenant isolation: "Role-based access control").`,
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const b of kubernetesObjects(args.resources).filter((o) => o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding")) {
      for (const s of ((b.subjects ?? []) as { kind: string; name: string }[]).filter((s) => s.kind === "Group" && s.name.startsWith(TEAM_GROUP_PREFIX))) {
        const team = s.name.slice(TEAM_GROUP_PREFIX.length);
        const at = `${b.kind} ${b.metadata?.namespace ? `${b.metadata.namespace}/` : ""}${b.metadata?.name}`;
        if (b.kind === "ClusterRoleBinding") report(`${at} binds team group ${s.name} cluster-wide (${b.roleRef?.kind} ${b.roleRef?.name}); bind it with a RoleBinding in namespace ${team}`, b.urn);
        else if (b.metadata?.namespace !== team) report(`${at} binds team group ${s.name} in namespace ${b.metadata?.namespace}, not its own (${team}): one team reaches another's jobs and data`, b.urn);
        else if (b.roleRef?.kind !== "Role") report(`${at} binds team group ${s.name} to ${b.roleRef?.kind} ${b.roleRef?.name}; bind it to the platform's team Role, whose rules the platform reviews`, b.urn);
      }
    }
  },
};

// ---- Quotas: Kueue manages every job in team namespaces, and a GPU ResourceQuota backs it ----

const teamNamespaces = (resources: readonly PolicyResource[]) => platformNamespaces(resources).filter(isTeamNamespace);

/** Kueue docs "Setup manageJobsWithoutQueueName" / managedJobsNamespaceSelector; EKS Best Practices, Tenant isolation: "Quotas". */
export const kueueManagesTeamNamespaces: StackValidationPolicy = {
  name: "kueue-manages-team-namespaces",
  description: "Kueue manages every job in every team namespace, queue name or not (manageJobsWithoutQueueName with a managedJobsNamespaceSelector that matches each team namespace), and no platform namespace where the platform's own Jobs run without a queue (Kueue would hold them suspended). Source: platform (issue 11; Kueue configuration API, manageJobsWithoutQueueName and managedJobsNamespaceSelector; EKS Best Practices, Tenant isolation: \"Quotas\").",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const teams = teamNamespaces(args.resources);
    if (teams.length === 0) return;
    const release = args.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.props.name === KUEUE_RELEASE);
    const yaml = release?.props.values?.managerConfig?.controllerManagerConfigYaml;
    if (!release || typeof yaml !== "string") {
      report(`team namespaces ${teams.map((t) => t.metadata.name).join(", ")} exist but no Kueue release with a manager configuration is planned: nothing enforces their GPU quotas`);
      return;
    }
    const config = parse(yaml) ?? {};
    if (config.manageJobsWithoutQueueName !== true) report(`Kueue's manageJobsWithoutQueueName is ${config.manageJobsWithoutQueueName ?? "unset (false)"}: a job without a queue-name label runs outside every quota`, release.urn);
    const selector = config.managedJobsNamespaceSelector;
    if (!selector) {
      report("Kueue's managedJobsNamespaceSelector is unset: Kueue's default (every namespace but kube-system and its own) also manages the platform's own Jobs, which have no queue and would stay suspended", release.urn);
      return;
    }
    const unmanaged = teams.filter((t) => !selectorMatches(selector, namespaceLabels(t)));
    if (unmanaged.length > 0) report(`Kueue's managedJobsNamespaceSelector ${JSON.stringify(selector)} does not match team namespace${unmanaged.length > 1 ? "s" : ""} ${unmanaged.map((t) => t.metadata.name).join(", ")}: jobs there without a queue name bypass the quotas`, release.urn);
    const platformJobs = new Set(kubernetesObjects(args.resources).filter((o) => (o.kind === "Job" || o.kind === "CronJob") && !o.metadata?.labels?.["kueue.x-k8s.io/queue-name"]).map((o) => o.metadata?.namespace));
    const held = platformNamespaces(args.resources).filter((ns) => !isTeamNamespace(ns) && platformJobs.has(ns.metadata.name) && selectorMatches(selector, namespaceLabels(ns)));
    if (held.length > 0) report(`Kueue's managedJobsNamespaceSelector also matches platform namespace${held.length > 1 ? "s" : ""} ${held.map((n) => n.metadata.name).join(", ")}, whose Jobs name no queue: Kueue would keep them suspended`, release.urn);
  },
};

/** EKS Best Practices, Tenant isolation: "Quotas"; a backstop under Kueue (infra/queues/kueue.ts gpuResourceQuota). */
export const teamGpuQuota: StackValidationPolicy = {
  name: "team-gpu-quota",
  description: `Every team namespace has a ResourceQuota on requests.${GPU_RESOURCE}: pods that bypass Kueue still cannot take more GPUs (EKS Best Practices, Tenant isolation: "Quotas"; Kubernetes ResourceQuota, extended resources).`,
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const quotas = kubernetesObjects(args.resources).filter((o) => o.kind === "ResourceQuota");
    for (const ns of teamNamespaces(args.resources)) {
      const key = `requests.${GPU_RESOURCE}`;
      if (!quotas.some((q) => q.metadata?.namespace === ns.metadata.name && q.spec?.hard?.[key] !== undefined)) {
        report(`team namespace ${ns.metadata.name} has no ResourceQuota on ${key}: a pod that bypasses Kueue can take every GPU its tolerations reach`, ns.urn);
      }
    }
  },
};

export const kubernetesSecurityPolicies = [
  podRunsAsNonRoot,
  podNoPrivilegeEscalation,
  podCapabilitiesDropped,
  podSeccompConfined,
  podHostIsolated,
  podResourcesBounded,
  podServiceAccountToken,
  podImagesByDigest,
  namespacePodSecurity,
  namespaceDefaultDeny,
  rbacNoWildcards,
  teamAccessNamespaced,
  kueueManagesTeamNamespaces,
  teamGpuQuota,
];
