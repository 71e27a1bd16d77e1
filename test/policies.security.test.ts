import { RecordedResource } from "../infra/plan/record";
import { parseSpec } from "../infra/config/spec";
import { platformImages } from "../infra/images";
import { ncclAcceptanceTrainJob } from "../infra/training/ncclAcceptance";
import {
  kubernetesSecurityPolicies,
  kueueManagesTeamNamespaces,
  namespaceDefaultDeny,
  namespacePodSecurity,
  podCapabilitiesDropped,
  podHostIsolated,
  podImagesByDigest,
  podNoPrivilegeEscalation,
  podResourcesBounded,
  podRunsAsNonRoot,
  podSeccompConfined,
  podServiceAccountToken,
  rbacNoWildcards,
  teamAccessNamespaced,
  teamGpuQuota,
} from "../policies/security";
import { byName, inputs, messages, planWith } from "./helpers/policyRun";
import { recorded } from "./helpers/resources";
import { referenceConfig } from "./helpers/stacks";

// Each security check (issue 11) both ways: the reference plans pass, and the same plan with the
// defect put back fails with the exact message.

const K = {
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  deployment: "kubernetes:apps/v1:Deployment",
  runtime: "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime",
  trainJob: "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob",
  namespace: "kubernetes:core/v1:Namespace",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  quota: "kubernetes:core/v1:ResourceQuota",
  vap: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
  vapBinding: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
  release: "kubernetes:helm.sh/v3:Release",
};

const objectNamed = (rs: RecordedResource[], type: string, namespace: string | undefined, prefix: string) => {
  const found = rs.find((r) => r.type === type && inputs(r).metadata?.namespace === namespace && String(inputs(r).metadata?.name).startsWith(prefix));
  if (!found) throw new Error(`no ${type} ${namespace}/${prefix}*`);
  return found;
};
const jobPod = (r: RecordedResource) => inputs(r).spec.template.spec;
const cronPod = (r: RecordedResource) => inputs(r).spec.jobTemplate.spec.template.spec;
const runtimePod = (r: RecordedResource, job: "node" | "launcher" = "node") => inputs(r).spec.template.spec.replicatedJobs.find((j: any) => j.name === job).template.spec.template.spec;
const tokeniseName = (rs: RecordedResource[]) => inputs(objectNamed(rs, K.job, "sales-dialogue", "tokenise-")).metadata.name;
const kueueConfig = (rs: RecordedResource[], edit: (yaml: string) => string) => {
  const values = inputs(rs.find((r) => r.type === K.release && inputs(r).name === "kueue")!).values.managerConfig;
  values.controllerManagerConfigYaml = edit(values.controllerManagerConfigYaml);
};

const MANDATORY = kubernetesSecurityPolicies.filter((p) => p.enforcementLevel === "mandatory");

describe.each(["dev", "staging", "prod", "onprem"])("Kubernetes security policies on the %s stack", (stack) => {
  it("all mandatory ones pass as declared", async () => {
    const resources = await planWith(stack);
    for (const policy of MANDATORY) expect([policy.name, await messages(policy, resources)]).toEqual([policy.name, []]);
  });
});

describe("policy pod-runs-as-non-root (mandatory)", () => {
  it("fails a container that sets runAsNonRoot false over the pod's true, and one whose pod sets nothing", async () => {
    let tokenise = "";
    const resources = await planWith("prod", (rs) => {
      tokenise = tokeniseName(rs);
      jobPod(objectNamed(rs, K.job, "sales-dialogue", "tokenise-")).containers[0].securityContext.runAsNonRoot = false;
      const vllm = jobPod(byName(rs, K.deployment, "prod-sales-assistant"));
      delete vllm.securityContext.runAsNonRoot;
      delete vllm.initContainers[0].securityContext.runAsNonRoot;
    });
    expect(await messages(podRunsAsNonRoot, resources)).toEqual([
      `mandatory: Job sales-dialogue/${tokenise}: container tokenise may run as root (runAsNonRoot is false); set runAsNonRoot: true and a non-zero runAsUser (Pod Security restricted, CKV_K8S_23)`,
      "mandatory: Deployment sales-dialogue/sales-assistant-vllm: container check-weights may run as root (runAsNonRoot is unset); set runAsNonRoot: true and a non-zero runAsUser (Pod Security restricted, CKV_K8S_23)",
    ]);
  });

  it("fails uid 0 even with runAsNonRoot true (the kubelet would refuse to start it)", async () => {
    const resources = await planWith("onprem", (rs) => { cronPod(byName(rs, K.cronJob, "onprem-reclaimer")).containers[0].securityContext.runAsUser = 0; });
    expect(await messages(podRunsAsNonRoot, resources)).toEqual([
      "mandatory: CronJob llm-platform/gpu-reclaimer: container gpu-reclaimer may run as root (runAsUser is 0); set runAsNonRoot: true and a non-zero runAsUser (Pod Security restricted, CKV_K8S_23)",
    ]);
  });

  it("admits the team-directories Job's root only under its own name and namespace", async () => {
    expect(await messages(podRunsAsNonRoot, await planWith("prod"))).toEqual([]);
    const moved = await planWith("prod", (rs) => { inputs(objectNamed(rs, K.job, "llm-platform", "team-directories-")).metadata.namespace = "sales-dialogue"; });
    const job = inputs(objectNamed(moved, K.job, "sales-dialogue", "team-directories-")).metadata.name;
    expect(await messages(podRunsAsNonRoot, moved)).toEqual([
      `mandatory: Job sales-dialogue/${job}: container team-directories may run as root (runAsNonRoot is false, runAsUser is 0); set runAsNonRoot: true and a non-zero runAsUser (Pod Security restricted, CKV_K8S_23)`,
    ]);
  });
});

describe("policy pod-no-privilege-escalation (mandatory)", () => {
  it("fails a privileged serving container and an init check that no longer forbids escalation", async () => {
    const resources = await planWith("dev", (rs) => {
      delete runtimePod(rs.find((r) => r.type === K.runtime)!).initContainers[0].securityContext.allowPrivilegeEscalation;
    });
    expect(await messages(podNoPrivilegeEscalation, resources)).toEqual([
      "mandatory: ClusterTrainingRuntime deepspeed-smoke-l40s / node: container check-shards allows privilege escalation (allowPrivilegeEscalation unset: setuid binaries gain privileges); set it to false (Pod Security restricted, CKV_K8S_20)",
    ]);
    const privileged = await planWith("staging", (rs) => { jobPod(byName(rs, K.deployment, "staging-sales-assistant-rc")).containers[0].securityContext.privileged = true; });
    expect(await messages(podNoPrivilegeEscalation, privileged)).toEqual([
      "mandatory: Deployment sales-dialogue/sales-assistant-rc-vllm: container vllm is privileged: it has every capability and the host's devices; drop privileged (Pod Security baseline, CKV_K8S_16)",
    ]);
  });
});

describe("policy pod-capabilities-dropped (mandatory)", () => {
  it("admits IPC_LOCK on on-prem's RDMA workers, and fails SYS_ADMIN next to it", async () => {
    expect(await messages(podCapabilitiesDropped, await planWith("onprem"))).toEqual([]);
    const resources = await planWith("onprem", (rs) => { runtimePod(byName(rs, K.runtime, "onprem-runtimes-train-a800"), "launcher").containers[0].securityContext.capabilities.add.push("SYS_ADMIN"); });
    expect(await messages(podCapabilitiesDropped, resources)).toEqual([
      "mandatory: ClusterTrainingRuntime deepspeed-train-a800 / launcher: container node adds SYS_ADMIN, which no exemption grants it (its exemptions rdma-ipc-lock allow IPC_LOCK); remove them or add a justified entry to infra/security/exemptions.ts",
    ]);
  });

  it("fails IPC_LOCK on an EFA worker, which requests no RDMA device, on the runtime and every TrainJob built on it", async () => {
    const resources = await planWith("prod", (rs) => { runtimePod(byName(rs, K.runtime, "prod-runtimes-train-h100")).containers[0].securityContext.capabilities.add = ["IPC_LOCK"]; });
    const message = (where: string) => `mandatory: ${where}: container node adds IPC_LOCK, which no exemption grants it (none applies); remove them or add a justified entry to infra/security/exemptions.ts`;
    expect(await messages(podCapabilitiesDropped, resources)).toEqual([
      message("ClusterTrainingRuntime deepspeed-train-h100 / node"),
      message("TrainJob sales-dialogue/sales-llama8b-src512 / node"),
      message("TrainJob sales-dialogue/sales-llama8b-src1024 / node"),
    ]);
  });

  it("fails a container that drops nothing, and a team-directories Job that adds more than its three", async () => {
    let tokenise = "";
    let dirs = "";
    const resources = await planWith("staging", (rs) => {
      tokenise = tokeniseName(rs);
      jobPod(objectNamed(rs, K.job, "sales-dialogue", "tokenise-")).containers[0].securityContext.capabilities = { drop: ["NET_RAW"] };
      const job = objectNamed(rs, K.job, "llm-platform", "team-directories-");
      dirs = inputs(job).metadata.name;
      jobPod(job).containers[0].securityContext.capabilities.add.push("SYS_ADMIN");
    });
    expect(await messages(podCapabilitiesDropped, resources)).toEqual([
      `mandatory: Job llm-platform/${dirs}: container team-directories adds SYS_ADMIN, which no exemption grants it (its exemptions team-directories-root allow CHOWN, DAC_OVERRIDE, FOWNER); remove them or add a justified entry to infra/security/exemptions.ts`,
      `mandatory: Job sales-dialogue/${tokenise}: container tokenise does not drop ALL capabilities (drop: ["NET_RAW"]); drop ALL and add back only what an exemption in infra/security/exemptions.ts lists (Pod Security restricted, CKV_K8S_37)`,
    ]);
  });
});

describe("policy pod-seccomp-runtime-default (mandatory)", () => {
  it("fails an Unconfined container over a RuntimeDefault pod, and a pod that sets no profile anywhere", async () => {
    const resources = await planWith("onprem", (rs) => {
      jobPod(byName(rs, K.deployment, "onprem-sales-assistant")).containers[0].securityContext.seccompProfile = { type: "Unconfined" };
      delete cronPod(byName(rs, K.cronJob, "onprem-gpu-node-health")).securityContext.seccompProfile;
    });
    expect(await messages(podSeccompConfined, resources)).toEqual([
      "mandatory: CronJob llm-platform/gpu-node-guard: container gpu-node-guard runs with seccomp unset (Unconfined on most runtimes); set seccompProfile.type RuntimeDefault on the pod (Pod Security restricted, CKV_K8S_31)",
      "mandatory: Deployment sales-dialogue/sales-assistant-vllm: container vllm runs with seccomp Unconfined; set seccompProfile.type RuntimeDefault on the pod (Pod Security restricted, CKV_K8S_31)",
    ]);
  });

  it("accepts a Localhost profile", async () => {
    const resources = await planWith("onprem", (rs) => { jobPod(byName(rs, K.deployment, "onprem-sales-assistant")).containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "vllm.json" }; });
    expect(await messages(podSeccompConfined, resources)).toEqual([]);
  });
});

describe("policy pod-host-isolated (mandatory)", () => {
  it("fails host namespaces, a hostPath volume and a host port", async () => {
    let tokenise = "";
    const resources = await planWith("prod", (rs) => {
      tokenise = tokeniseName(rs);
      const pod = jobPod(objectNamed(rs, K.job, "sales-dialogue", "tokenise-"));
      Object.assign(pod, { hostNetwork: true, hostIPC: true });
      pod.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } });
      pod.containers[0].ports = [{ containerPort: 8080, hostPort: 8080 }];
    });
    expect(await messages(podHostIsolated, resources)).toEqual([
      `mandatory: Job sales-dialogue/${tokenise}: shares the host's hostNetwork, hostIPC (Pod Security baseline "Host Namespaces", CKV_K8S_17/18/19)`,
      `mandatory: Job sales-dialogue/${tokenise}: volume docker mounts the host path /var/run/docker.sock (Pod Security baseline "HostPath Volumes")`,
      `mandatory: Job sales-dialogue/${tokenise}: container tokenise binds host port 8080 (Pod Security baseline "Host Ports")`,
    ]);
  });
});

describe("policy pod-resources-bounded (mandatory)", () => {
  it("fails the reclaimer as it was before the fix (memory limit only), and an init check without requests", async () => {
    const resources = await planWith("onprem", (rs) => {
      delete cronPod(byName(rs, K.cronJob, "onprem-reclaimer")).containers[0].resources.limits.cpu;
      delete runtimePod(byName(rs, K.runtime, "onprem-runtimes-train-a100")).initContainers[0].resources.requests;
    });
    expect(await messages(podResourcesBounded, resources)).toEqual([
      "mandatory: ClusterTrainingRuntime deepspeed-train-a100 / node: container check-shards has no requests.cpu, requests.memory: one runaway container can starve the node (kube-score container-resources, CKV_K8S_10-13)",
      // …and so does every TrainJob built on that runtime
      "mandatory: TrainJob sales-dialogue/sales-glm6b / node: container check-shards has no requests.cpu, requests.memory: one runaway container can starve the node (kube-score container-resources, CKV_K8S_10-13)",
      "mandatory: CronJob llm-platform/gpu-reclaimer: container gpu-reclaimer has no limits.cpu: one runaway container can starve the node (kube-score container-resources, CKV_K8S_10-13)",
    ]);
  });
});

describe("policy pod-service-account-token (mandatory)", () => {
  it("fails a job that no longer opts out of the token, and a projected token no exemption grants", async () => {
    let tokenise = "";
    const resources = await planWith("staging", (rs) => {
      tokenise = tokeniseName(rs);
      delete jobPod(objectNamed(rs, K.job, "sales-dialogue", "tokenise-")).automountServiceAccountToken;
      jobPod(byName(rs, K.deployment, "staging-sales-assistant-rc")).volumes.push({ name: "token", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } });
    });
    expect(await messages(podServiceAccountToken, resources)).toEqual([
      `mandatory: Job sales-dialogue/${tokenise}: mounts a service-account token (automountServiceAccountToken unset) but does not call the Kubernetes API; set automountServiceAccountToken: false, or add a justified entry to infra/security/exemptions.ts (CKV_K8S_38)`,
      "mandatory: Deployment sales-dialogue/sales-assistant-rc-vllm: volume token projects a service-account token, which no exemption grants it (CKV_K8S_38)",
    ]);
  });

  it("admits the reclaimer's token, but not as the namespace's default service account", async () => {
    expect(await messages(podServiceAccountToken, await planWith("staging"))).toEqual([]);
    const resources = await planWith("staging", (rs) => { delete cronPod(byName(rs, K.cronJob, "staging-reclaimer")).serviceAccountName; });
    expect(await messages(podServiceAccountToken, resources)).toEqual([
      "mandatory: CronJob llm-platform/gpu-reclaimer: calls the Kubernetes API as the namespace's default service account; give it a service account of its own (EKS Best Practices, IAM: \"Use dedicated service accounts for each application\")",
    ]);
  });

  it("passes the NCCL acceptance TrainJob the fabric-test CLI prints, merged with its pool's runtime, through every pod check", async () => {
    const spec = parseSpec(referenceConfig("onprem"));
    const pool = spec.nodePools.find((p) => p.name === "train-a800")!;
    const job = ncclAcceptanceTrainJob(pool, "sales-dialogue", platformImages(spec.gpuStack, spec.images).training.ref);
    const resources = await planWith("onprem", (rs) => { rs.push(recorded(K.trainJob, "nccl-acceptance", job as never)); });
    const pods = MANDATORY.filter((p) => p.name.startsWith("pod-"));
    expect(pods.map((p) => p.name)).toEqual(["pod-runs-as-non-root", "pod-no-privilege-escalation", "pod-capabilities-dropped", "pod-seccomp-runtime-default", "pod-host-isolated", "pod-resources-bounded", "pod-service-account-token"]);
    for (const policy of pods) expect([policy.name, await messages(policy, resources)]).toEqual([policy.name, []]);
  });
});

describe("policy pod-images-by-digest (advisory)", () => {
  it("advises once per tag-only image with the pods that use it, and not on images pinned by digest", async () => {
    expect(await messages(podImagesByDigest, await planWith("dev"))).toEqual([
      "advisory: image 111122223333.dkr.ecr.us-east-1.amazonaws.com/llm-platform/llm-train:torch2.7.1-cu128-ds0.17.1 is referenced by tag, not digest (2 pods: ClusterTrainingRuntime deepspeed-smoke-l40s / node, ClusterTrainingRuntime deepspeed-smoke-l40s / launcher); pin its digest (images.digests, or the pin in infra/versions.ts) (CKV_K8S_43)",
    ]);
    const unpinned = await planWith("staging", (rs) => {
      const pod = jobPod(byName(rs, K.deployment, "staging-sales-assistant-rc"));
      for (const c of [...pod.initContainers, ...pod.containers]) c.image = c.image.split("@")[0];
    });
    const found = await messages(podImagesByDigest, unpinned);
    expect(found).toContain("advisory: image 111122223333.dkr.ecr.us-east-1.amazonaws.com/llm-platform/vllm-openai:v0.11.0 is referenced by tag, not digest (1 pod: Deployment sales-dialogue/sales-assistant-rc-vllm); pin its digest (images.digests, or the pin in infra/versions.ts) (CKV_K8S_43)");
    expect(found).toHaveLength(3); // and llm-train, llm-dataprep as on the reference
  });
});

describe("policy namespace-pod-security (mandatory)", () => {
  it("fails an RDMA team namespace enforcing privileged without the admission policy, with a rule missing, or with an Audit-only binding", async () => {
    const dropped = await planWith("onprem", (rs) => { rs.splice(rs.indexOf(rs.find((r) => r.type === K.vap)!), 1); });
    expect(await messages(namespacePodSecurity, dropped)).toEqual([
      "mandatory: team namespace sales-dialogue enforces privileged, which admits any pod, and no ValidatingAdmissionPolicy llm-platform-team-pods is planned; enforce restricted, or plan the RDMA admission policy (infra/security/admission.ts)",
    ]);
    const partial = await planWith("onprem", (rs) => {
      const validations = inputs(rs.find((r) => r.type === K.vap)!).spec.validations as { message: string }[];
      validations.splice(validations.findIndex((v) => v.message.startsWith("host network")), 1);
    });
    expect(await messages(namespacePodSecurity, partial)).toEqual([
      "mandatory: team namespace sales-dialogue enforces privileged, which admits any pod, and ValidatingAdmissionPolicy llm-platform-team-pods lacks 1 of its rules (\"host network is not allowed in team namespaces\"); enforce restricted, or plan the RDMA admission policy (infra/security/admission.ts)",
    ]);
    const audit = await planWith("onprem", (rs) => { inputs(rs.find((r) => r.type === K.vapBinding)!).spec.validationActions = ["Audit"]; });
    expect(await messages(namespacePodSecurity, audit)).toEqual([
      "mandatory: team namespace sales-dialogue enforces privileged, which admits any pod, and no ValidatingAdmissionPolicyBinding of llm-platform-team-pods with validationActions Deny selects namespace sales-dialogue; enforce restricted, or plan the RDMA admission policy (infra/security/admission.ts)",
    ]);
  });

  it("fails a team namespace at baseline, a platform namespace off its declared level, and warn unset", async () => {
    const resources = await planWith("prod", (rs) => {
      inputs(byName(rs, K.namespace, "prod-teams-research")).metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
      inputs(byName(rs, K.namespace, "prod-kueue")).metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged";
      delete inputs(byName(rs, K.namespace, "prod-keda")).metadata.labels["pod-security.kubernetes.io/warn"];
    });
    expect(await messages(namespacePodSecurity, resources)).toEqual([
      "mandatory: team namespace research enforces Pod Security baseline (label pod-security.kubernetes.io/enforce); team namespaces enforce restricted",
      "mandatory: namespace kueue-system enforces Pod Security privileged (label pod-security.kubernetes.io/enforce), not its declared baseline",
      "mandatory: namespace keda does not warn (unset) at restricted: what its level admits beyond restricted goes unreported",
    ]);
  });

  it("knows the monitoring namespace by the Prometheus release in it, and fails a platform namespace no table declares", async () => {
    const resources = await planWith("prod", (rs) => {
      inputs(rs.find((r) => r.type === K.release && inputs(r).name === "kube-prometheus-stack")!).namespace = "observability";
      rs.push(recorded(K.namespace, "extra", { apiVersion: "v1", kind: "Namespace", metadata: { name: "scratch", labels: { "app.kubernetes.io/managed-by": "llm-platform", "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" } } }));
    });
    expect(await messages(namespacePodSecurity, resources)).toEqual([
      "mandatory: namespace monitoring is the platform's but declares no Pod Security level; add it to infra/security/namespaces.ts with its level and reason",
      "mandatory: namespace scratch is the platform's but declares no Pod Security level; add it to infra/security/namespaces.ts with its level and reason",
    ]);
  });
});

describe("policy namespace-default-deny (mandatory)", () => {
  it("fails a team namespace without its default-deny, one that denies ingress only, and a platform namespace whose deny admits something", async () => {
    const resources = await planWith("prod", (rs) => {
      rs.splice(rs.indexOf(byName(rs, K.networkPolicy, "prod-teams-research-default-deny")), 1);
      inputs(byName(rs, K.networkPolicy, "prod-teams-sales-dialogue-default-deny")).spec.policyTypes = ["Ingress"];
      inputs(byName(rs, K.networkPolicy, "prod-kueue-default-deny-ingress")).spec.ingress = [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }];
    });
    expect(await messages(namespaceDefaultDeny, resources)).toEqual([
      "mandatory: team namespace sales-dialogue has no default-deny egress NetworkPolicy (podSelector {}, policyTypes Egress, no rules): every pod in it is reachable and can reach anything",
      "mandatory: team namespace research has no default-deny ingress and egress NetworkPolicy (podSelector {}, policyTypes Ingress, Egress, no rules): every pod in it is reachable and can reach anything",
      "mandatory: platform namespace kueue-system has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes Ingress, no rules): every pod in it is reachable",
    ]);
  });

  it("does not count a deny that selects only some pods", async () => {
    const resources = await planWith("onprem", (rs) => { inputs(byName(rs, K.networkPolicy, "onprem-keda-default-deny-ingress")).spec.podSelector = { matchLabels: { app: "keda-operator" } }; });
    expect(await messages(namespaceDefaultDeny, resources)).toEqual([
      "mandatory: platform namespace keda has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes Ingress, no rules): every pod in it is reachable",
    ]);
  });
});

describe("policy rbac-no-wildcards (mandatory)", () => {
  it("fails a wildcard verb in the reclaimer's Role and wildcard resources and groups in the node guard's ClusterRole", async () => {
    const resources = await planWith("onprem", (rs) => {
      inputs(byName(rs, K.role, "onprem-reclaimer-sales-dialogue")).rules[0].verbs = ["*"];
      Object.assign(inputs(byName(rs, K.clusterRole, "onprem-gpu-node-health")).rules[0], { apiGroups: ["*"], resources: ["*"] });
    });
    expect(await messages(rbacNoWildcards, resources)).toEqual([
      "mandatory: Role sales-dialogue/gpu-reclaimer: rule 0 grants \"*\" verbs; name the verbs it needs (CKV_K8S_49)",
      "mandatory: ClusterRole llm-platform-gpu-node-guard: rule 0 grants \"*\" apiGroups, resources; name the apiGroups, resources it needs (CKV_K8S_49)",
    ]);
  });
});

describe("policy team-access-namespaced (mandatory)", () => {
  it("fails a team group bound in another team's namespace, cluster-wide, or to a ClusterRole", async () => {
    const resources = await planWith("prod", (rs) => {
      inputs(byName(rs, K.roleBinding, "prod-teams-research-member")).subjects.push({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "llm-platform:team:sales-dialogue" });
      inputs(byName(rs, K.roleBinding, "prod-teams-sales-dialogue-member")).roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" };
      rs.push(recorded(K.clusterRoleBinding, "everyone", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "research-view" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }, subjects: [{ kind: "Group", name: "llm-platform:team:research" }] }));
    });
    expect(await messages(teamAccessNamespaced, resources)).toEqual([
      "mandatory: RoleBinding sales-dialogue/llm-platform-team-member binds team group llm-platform:team:sales-dialogue to ClusterRole admin; bind it to the platform's team Role, whose rules the platform reviews",
      "mandatory: RoleBinding research/llm-platform-team-member binds team group llm-platform:team:sales-dialogue in namespace research, not its own (sales-dialogue): one team reaches another's jobs and data",
      "mandatory: ClusterRoleBinding research-view binds team group llm-platform:team:research cluster-wide (ClusterRole view); bind it with a RoleBinding in namespace research",
    ]);
  });
});

describe("policy kueue-manages-team-namespaces (mandatory)", () => {
  it("fails manageJobsWithoutQueueName off, and a selector that misses a team", async () => {
    const off = await planWith("prod", (rs) => kueueConfig(rs, (y) => y.replace("manageJobsWithoutQueueName: true", "manageJobsWithoutQueueName: false")));
    expect(await messages(kueueManagesTeamNamespaces, off)).toEqual(["mandatory: Kueue's manageJobsWithoutQueueName is false: a job without a queue-name label runs outside every quota"]);
    const oneTeam = await planWith("prod", (rs) => kueueConfig(rs, (y) => y.replace(/managedJobsNamespaceSelector:[\s\S]*?operator: Exists\n/, "managedJobsNamespaceSelector:\n  matchExpressions:\n    - key: kubernetes.io/metadata.name\n      operator: In\n      values: [sales-dialogue]\n")));
    expect(await messages(kueueManagesTeamNamespaces, oneTeam)).toEqual([
      "mandatory: Kueue's managedJobsNamespaceSelector {\"matchExpressions\":[{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"In\",\"values\":[\"sales-dialogue\"]}]} does not match team namespace research: jobs there without a queue name bypass the quotas",
    ]);
    const both = await planWith("prod", (rs) => kueueConfig(rs, (y) => y.replace(/managedJobsNamespaceSelector:[\s\S]*?operator: Exists\n/, "managedJobsNamespaceSelector:\n  matchExpressions:\n    - key: kubernetes.io/metadata.name\n      operator: In\n      values: [sales-dialogue, research]\n")));
    expect(await messages(kueueManagesTeamNamespaces, both)).toEqual([]);
  });

  it("fails Kueue's default selector, which would hold the platform's own Jobs suspended, and no selector at all", async () => {
    const defaults = await planWith("staging", (rs) => kueueConfig(rs, (y) => y.replace(/managedJobsNamespaceSelector:[\s\S]*?operator: Exists\n/, "managedJobsNamespaceSelector:\n  matchExpressions:\n    - key: kubernetes.io/metadata.name\n      operator: NotIn\n      values: [kube-system, kueue-system]\n")));
    expect(await messages(kueueManagesTeamNamespaces, defaults)).toEqual(["mandatory: Kueue's managedJobsNamespaceSelector also matches platform namespace llm-platform, whose Jobs name no queue: Kueue would keep them suspended"]);
    const unset = await planWith("staging", (rs) => kueueConfig(rs, (y) => y.replace(/managedJobsNamespaceSelector:[\s\S]*?operator: Exists\n/, "")));
    expect(await messages(kueueManagesTeamNamespaces, unset)).toEqual(["mandatory: Kueue's managedJobsNamespaceSelector is unset: Kueue's default (every namespace but kube-system and its own) also manages the platform's own Jobs, which have no queue and would stay suspended"]);
  });

  it("fails team namespaces with no Kueue at all, and has nothing to say on a stack without teams", async () => {
    const none = await planWith("onprem", (rs) => { rs.splice(rs.indexOf(rs.find((r) => r.type === K.release && inputs(r).name === "kueue")!), 1); });
    expect(await messages(kueueManagesTeamNamespaces, none)).toEqual(["mandatory: team namespaces sales-dialogue exist but no Kueue release with a manager configuration is planned: nothing enforces their GPU quotas"]);
    expect(await messages(kueueManagesTeamNamespaces, await planWith("dev"))).toEqual([]);
  });
});

describe("policy team-gpu-quota (mandatory)", () => {
  it("fails a team namespace without a GPU quota, and one whose quota names the resource without requests.", async () => {
    const resources = await planWith("prod", (rs) => {
      rs.splice(rs.indexOf(byName(rs, K.quota, "prod-teams-research-gpu")), 1);
      inputs(byName(rs, K.quota, "prod-teams-sales-dialogue-gpu")).spec.hard = { "nvidia.com/gpu": "64" };
    });
    expect(await messages(teamGpuQuota, resources)).toEqual([
      "mandatory: team namespace sales-dialogue has no ResourceQuota on requests.nvidia.com/gpu: a pod that bypasses Kueue can take every GPU its tolerations reach",
      "mandatory: team namespace research has no ResourceQuota on requests.nvidia.com/gpu: a pod that bypasses Kueue can take every GPU its tolerations reach",
    ]);
  });
});
