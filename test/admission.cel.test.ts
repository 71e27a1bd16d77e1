import { execFileSync } from "child_process";
import * as path from "path";
import { podsOfObjects } from "../infra/k8s/podTemplates";
import { teamPodAdmission, TEAM_POD_RULES } from "../infra/security/admission";
import { referencePlan } from "./helpers/plan";

// The RDMA namespaces' ValidatingAdmissionPolicy evaluated as CEL (@marcbachmann/cel-js, in a node
// child process: the library is ESM only), rule by rule, against pods that Pod Security `restricted`
// admits (plus IPC_LOCK with the RDMA device) and pods that break one control each. The expected
// verdicts come from the Pod Security Standards' controls (kubernetes.io/docs/concepts/security/
// pod-security-standards), not from the rules' own text.

const HELPER = path.join(__dirname, "helpers", "celEval.mjs");
const { policy } = teamPodAdmission();
const MESSAGES = policy.spec.validations.map((v) => v.message);

type Pod = { apiVersion: string; kind: string; metadata: Record<string, any>; spec: Record<string, any> };

function verdicts(pods: Pod[]): (boolean | string)[][] {
  const out = execFileSync(process.execPath, [HELPER], { input: JSON.stringify({ validations: policy.spec.validations, pods }), encoding: "utf8" });
  return JSON.parse(out);
}
/** The messages of the rules that deny each pod (an evaluation error would deny too: failurePolicy Fail). */
const denials = (pods: Pod[]) => verdicts(pods).map((v) => v.flatMap((ok, i) => (ok === true ? [] : [ok === false ? MESSAGES[i] : `${MESSAGES[i]} [${ok}]`])));

const restrictedContainer = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: "registry.example/app@sha256:0000000000000000000000000000000000000000000000000000000000000000",
  resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  ...extra,
});
/** A pod restricted admits, written out from the standard: non-root, seccomp RuntimeDefault on the pod, every container without escalation and capabilities. */
const compliant = (): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "worker", namespace: "sales-dialogue", annotations: { "example.com/owner": "team" } },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
    initContainers: [restrictedContainer("check")],
    containers: [restrictedContainer("main", { ports: [{ containerPort: 8000 }] })],
    volumes: [{ name: "data", persistentVolumeClaim: { claimName: "llm-shared-data" } }, { name: "dshm", emptyDir: { medium: "Memory" } }, { name: "code", configMap: { name: "code" } }],
  },
});
/** An InfiniBand worker: IPC_LOCK added on the container that requests the RDMA device. */
const rdmaWorker = (): Pod => {
  const pod = compliant();
  pod.spec.containers[0].resources.limits["rdma/rdma_shared_device_a"] = "1";
  pod.spec.containers[0].securityContext.capabilities.add = ["IPC_LOCK"];
  return pod;
};
const edit = (make: () => Pod, change: (pod: Pod) => void): Pod => {
  const pod = make();
  change(pod);
  return pod;
};
const rule = (control: string, nth = 0) => TEAM_POD_RULES.filter((r) => r.control === control)[nth].message;

describe("the RDMA namespaces' admission policy, evaluated as CEL", () => {
  it("has one rule per Pod Security control, baseline and restricted", () => {
    expect([...new Set(TEAM_POD_RULES.map((r) => r.control))]).toEqual([
      "HostProcess", "Host Namespaces", "Privileged Containers", "HostPath Volumes", "Host Ports", "AppArmor", "SELinux", "/proc Mount Type", "Seccomp", "Sysctls",
      "Volume Types", "Privilege Escalation", "Running as Non-root", "Running as Non-root user", "Capabilities",
    ]);
  });

  it("admits a restricted pod, and an RDMA worker with IPC_LOCK, under every rule", () => {
    expect(denials([compliant(), rdmaWorker()])).toEqual([[], []]);
  });

  it("admits the pods the on-prem stack renders into its RDMA team namespace: training workers and launchers, tokenising, serving, the gateway and its embedder", async () => {
    const plan = await referencePlan("onprem");
    const objects = plan.resources.filter((r) => r.type.startsWith("kubernetes:") && (r.inputs as any).kind).map((r) => r.inputs as any);
    const pods = podsOfObjects(objects).filter((p) => p.namespace === "sales-dialogue");
    expect(pods.map((p) => p.where)).toEqual([
      "Job sales-dialogue/tokenise-sales-dialogue-b07fcfa971",
      "TrainJob sales-dialogue/sales-glm6b / node",
      "TrainJob sales-dialogue/sales-glm6b / launcher",
      "Deployment sales-dialogue/sales-assistant-vllm",
      "Deployment sales-dialogue/sales-assistant-embedder",
      "Deployment sales-dialogue/sales-assistant-gateway",
    ]);
    // the workers carry IPC_LOCK with the RDMA device
    expect(pods[1].spec.containers![0].securityContext).toMatchObject({ capabilities: { add: ["IPC_LOCK"] } });
    const asPods = pods.map((p): Pod => ({ apiVersion: "v1", kind: "Pod", metadata: { name: p.where, namespace: p.namespace }, spec: p.spec }));
    expect(denials(asPods)).toEqual([[], [], [], [], [], []]);
  });

  it("denies each control broken, and only that control", () => {
    const cases: [string, Pod, string[]][] = [
      ["root: runAsNonRoot false on the pod", edit(compliant, (p) => { p.spec.securityContext.runAsNonRoot = false; }), [rule("Running as Non-root")]],
      ["root: a container overriding the pod's runAsNonRoot", edit(compliant, (p) => { p.spec.containers[0].securityContext.runAsNonRoot = false; }), [rule("Running as Non-root")]],
      ["root: no runAsNonRoot at all", edit(compliant, (p) => { delete p.spec.securityContext.runAsNonRoot; }), [rule("Running as Non-root")]],
      ["uid 0 in an init container", edit(compliant, (p) => { p.spec.initContainers[0].securityContext.runAsUser = 0; }), [rule("Running as Non-root user")]],
      ["uid 0 on the pod", edit(compliant, (p) => { p.spec.securityContext.runAsUser = 0; }), [rule("Running as Non-root user")]],
      ["hostPath", edit(compliant, (p) => { p.spec.volumes.push({ name: "host", hostPath: { path: "/" } }); }), [rule("HostPath Volumes"), rule("Volume Types")]],
      ["an NFS volume", edit(compliant, (p) => { p.spec.volumes.push({ name: "nfs", nfs: { server: "nas", path: "/" } }); }), [rule("Volume Types")]],
      ["host network", edit(compliant, (p) => { p.spec.hostNetwork = true; }), [rule("Host Namespaces", 0)]],
      ["host PID", edit(compliant, (p) => { p.spec.hostPID = true; }), [rule("Host Namespaces", 1)]],
      ["host IPC", edit(compliant, (p) => { p.spec.hostIPC = true; }), [rule("Host Namespaces", 2)]],
      ["a host port", edit(compliant, (p) => { p.spec.containers[0].ports[0].hostPort = 8000; }), [rule("Host Ports")]],
      ["a privileged container", edit(compliant, (p) => { p.spec.containers[0].securityContext.privileged = true; }), [rule("Privileged Containers")]],
      ["a privileged init container", edit(compliant, (p) => { p.spec.initContainers[0].securityContext.privileged = true; }), [rule("Privileged Containers")]],
      ["an ephemeral debug container with no security context", edit(compliant, (p) => { p.spec.ephemeralContainers = [{ name: "debug", image: "busybox" }]; }), [rule("Privilege Escalation"), rule("Capabilities", 0)]],
      ["escalation allowed", edit(compliant, (p) => { p.spec.containers[0].securityContext.allowPrivilegeEscalation = true; }), [rule("Privilege Escalation")]],
      ["escalation unset in an init container", edit(compliant, (p) => { delete p.spec.initContainers[0].securityContext.allowPrivilegeEscalation; }), [rule("Privilege Escalation")]],
      ["missing drop ALL", edit(compliant, (p) => { p.spec.containers[0].securityContext.capabilities.drop = ["NET_RAW"]; }), [rule("Capabilities", 0)]],
      ["IPC_LOCK without the RDMA device", edit(compliant, (p) => { p.spec.containers[0].securityContext.capabilities.add = ["IPC_LOCK"]; }), [rule("Capabilities", 1)]],
      ["SYS_ADMIN next to IPC_LOCK on an RDMA worker", edit(rdmaWorker, (p) => { p.spec.containers[0].securityContext.capabilities.add.push("SYS_ADMIN"); }), [rule("Capabilities", 1)]],
      ["IPC_LOCK on an RDMA worker's init container, which requests no device", edit(rdmaWorker, (p) => { p.spec.initContainers[0].securityContext.capabilities.add = ["IPC_LOCK"]; }), [rule("Capabilities", 1)]],
      ["NET_BIND_SERVICE (restricted admits it; this policy admits only IPC_LOCK)", edit(compliant, (p) => { p.spec.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"]; }), [rule("Capabilities", 1)]],
      ["seccomp Unconfined on the pod (its containers set RuntimeDefault)", edit(compliant, (p) => {
        p.spec.securityContext.seccompProfile = { type: "Unconfined" };
        for (const c of [...p.spec.initContainers, ...p.spec.containers]) c.securityContext.seccompProfile = { type: "RuntimeDefault" };
      }), [rule("Seccomp", 0)]],
      ["seccomp Unconfined on a container", edit(compliant, (p) => { p.spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }; }), [rule("Seccomp", 1)]],
      ["no seccomp profile anywhere", edit(compliant, (p) => { delete p.spec.securityContext.seccompProfile; }), [rule("Seccomp", 1)]],
      ["an unmasked /proc", edit(compliant, (p) => { p.spec.containers[0].securityContext.procMount = "Unmasked"; }), [rule("/proc Mount Type")]],
      ["SELinux spc_t on a container", edit(compliant, (p) => { p.spec.containers[0].securityContext.seLinuxOptions = { type: "spc_t" }; }), [rule("SELinux", 1)]],
      ["an SELinux user on the pod", edit(compliant, (p) => { p.spec.securityContext.seLinuxOptions = { user: "system_u" }; }), [rule("SELinux", 0)]],
      ["an unsafe sysctl", edit(compliant, (p) => { p.spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "65536" }]; }), [rule("Sysctls")]],
      ["AppArmor unconfined by annotation", edit(compliant, (p) => { p.metadata.annotations["container.apparmor.security.beta.kubernetes.io/main"] = "unconfined"; }), [rule("AppArmor")]],
      ["AppArmor Unconfined by field", edit(compliant, (p) => { p.spec.containers[0].securityContext.appArmorProfile = { type: "Unconfined" }; }), [rule("AppArmor")]],
      ["a Windows HostProcess container", edit(compliant, (p) => { p.spec.containers[0].securityContext.windowsOptions = { hostProcess: true }; }), [rule("HostProcess")]],
    ];
    const found = denials(cases.map(([, pod]) => pod));
    expect(cases.map(([name], i) => [name, found[i]])).toEqual(cases.map(([name, , expected]) => [name, expected]));
  });

  it("admits what the standard allows alongside: safe sysctls, a container SELinux type, a Localhost profile, runtime/default AppArmor", () => {
    const pod = edit(compliant, (p) => {
      p.spec.securityContext.sysctls = [{ name: "net.ipv4.ip_local_port_range", value: "1024 65000" }];
      p.spec.containers[0].securityContext.seLinuxOptions = { type: "container_t", level: "s0:c1,c2" };
      p.spec.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "profiles/vllm.json" };
      p.metadata.annotations["container.apparmor.security.beta.kubernetes.io/main"] = "runtime/default";
      p.spec.containers[0].ports[0].hostPort = 0;
    });
    expect(denials([pod])).toEqual([[]]);
  });

  it("matches pods and their ephemeral-containers subresource, and denies in every team namespace", () => {
    const { binding } = teamPodAdmission();
    expect(policy.spec.matchConstraints.resourceRules[0].resources).toEqual(["pods", "pods/ephemeralcontainers"]);
    expect([policy.spec.failurePolicy, binding.spec.validationActions, binding.spec.matchResources.namespaceSelector]).toEqual(["Fail", ["Deny"], { matchExpressions: [{ key: "llm-platform/team", operator: "Exists" }] }]);
  });
});
