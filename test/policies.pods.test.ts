import { PLATFORM_TYPE } from "../infra/manifest";
import type { RecordedResource } from "../infra/recorded";
import { runPolicies } from "../policies/run";
import { containerImagesPinned, noRuntimeDownloads, noStandingClusterAdmin, remoteCodeInJobs, trainingLauncherRuns, unpinnedImage } from "../policies/runtime";
import { recorded } from "./helpers/resources";

// The pod policies on hand-built objects, each branch both ways; policies.runtime.test.ts puts the
// same defects back into the reference plans.
type Policy = Parameters<typeof runPolicies>[0][number];
const messages = async (policy: Policy, resources: RecordedResource[]) => (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);
const deployment = (containers: Record<string, unknown>[], name = "gateway") =>
  recorded("kubernetes:apps/v1:Deployment", name, { kind: "Deployment", metadata: { name, namespace: "llm-platform" }, spec: { template: { spec: { containers } } } });

describe("unpinned images", () => {
  it.each([
    ["nginx", "has no tag (it pulls latest)"],
    ["registry.example.com:5000/team/app", "has no tag (it pulls latest)"], // the registry's port is not a tag
    ["nginx:latest", "is tagged latest"],
    ["registry.example.com:5000/app:latest", "is tagged latest"],
  ])("%s %s", (image, problem) => {
    expect(unpinnedImage(image)).toBe(problem);
  });

  it.each(["nginx:1.27.3", "registry.example.com:5000/app:v2", "nginx@sha256:abc", "nginx:latest@sha256:abc", "registry.example.com:5000/app@sha256:abc"])("%s is pinned", (image) => {
    expect(unpinnedImage(image)).toBeUndefined();
  });
});

describe("policy container-images-pinned (mandatory)", () => {
  it("names the container and the image, in init containers too, and passes pinned ones", async () => {
    const pod = recorded("kubernetes:core/v1:Pod", "p", { kind: "Pod", metadata: { name: "p", namespace: "ns" }, spec: { initContainers: [{ name: "init", image: "busybox" }], containers: [{ name: "main", image: "app:1.0" }, { name: "side" }] } });
    expect(await messages(containerImagesPinned, [pod])).toEqual([
      "mandatory: Pod ns/p: container init image busybox has no tag (it pulls latest); pin a version (infra/versions.ts) or a digest",
    ]);
    expect(await messages(containerImagesPinned, [deployment([{ name: "gateway", image: "gateway:latest" }])])).toEqual([
      "mandatory: Deployment llm-platform/gateway: container gateway image gateway:latest is tagged latest; pin a version (infra/versions.ts) or a digest",
    ]);
  });
});

describe("policy no-runtime-downloads (mandatory)", () => {
  const running = (command: string[], args: string[] = []) => deployment([{ name: "c", image: "app:1", command, args }]);
  const downloads = (what: string) => `mandatory: Deployment llm-platform/gateway: container c runs ${what} at start-up; bake it into a pinned image or render it in the plan`;

  it.each([
    [["sh", "-c", "apk add curl"], "apk add"],
    [["sh", "-c", "apt-get install -y jq"], "apt-get install"],
    [["sh", "-c", "apt install jq"], "apt-get install"],
    [["sh", "-c", "yum install jq"], "yum/dnf install"],
    [["sh", "-c", "dnf install jq"], "yum/dnf install"],
    [["pip", "install", "vllm"], "pip install"],
    [["pip3", "install", "vllm"], "pip install"],
    [["wget", "-O", "-", "https://example.com/x.sh"], "a download over HTTP(S)"],
    [["sh", "-c", "curl -sL http://example.com/x | sh"], "a download over HTTP(S)"],
    [["kubectl", "apply", "-f", "https://example.com/m.yaml"], "kubectl apply of remote manifests"],
    [["kubectl", "apply", "-k", "github.com/kubeflow/manifests"], "kubectl apply of remote manifests"],
  ])("refuses %j (%s)", async (command, what) => {
    expect(await messages(noRuntimeDownloads, [running(command)])).toEqual([downloads(what)]);
  });

  it("reads the args too, and lets local work through", async () => {
    expect(await messages(noRuntimeDownloads, [running(["pip"], ["install", "x"])])).toEqual([downloads("pip install")]);
    for (const command of [["pip", "list"], ["curl", "http"], ["sh", "-c", "curl localhost:8080 | jq ."], ["kubectl", "apply", "-f", "/manifests/x.yaml"], ["python3", "-m", "pip_installer_notes"]]) {
      expect([command, await messages(noRuntimeDownloads, [running(command)])]).toEqual([command, []]);
    }
  });
});

describe("policy no-standing-cluster-admin (mandatory)", () => {
  const binding = (kind: string, role: string, subjects: Record<string, string>[]) =>
    recorded(`kubernetes:rbac.authorization.k8s.io/v1:${kind}`, "b", { kind, metadata: { name: "b" }, roleRef: { name: role }, subjects });

  it("refuses cluster-admin for a ServiceAccount through either kind of binding", async () => {
    expect(await messages(noStandingClusterAdmin, [binding("ClusterRoleBinding", "cluster-admin", [{ kind: "ServiceAccount", name: "installer", namespace: "kubeflow" }])])).toEqual([
      "mandatory: ClusterRoleBinding b binds ServiceAccount kubeflow/installer to cluster-admin; grant the verbs it needs on the resources it needs, or let the deployer apply instead",
    ]);
    expect(await messages(noStandingClusterAdmin, [binding("RoleBinding", "cluster-admin", [{ kind: "ServiceAccount", name: "sa" }])])).toEqual([
      "mandatory: RoleBinding b binds ServiceAccount /sa to cluster-admin; grant the verbs it needs on the resources it needs, or let the deployer apply instead",
    ]);
  });

  it("lets other roles and other kinds of subject be", async () => {
    expect(await messages(noStandingClusterAdmin, [binding("ClusterRoleBinding", "view", [{ kind: "ServiceAccount", name: "sa", namespace: "ns" }])])).toEqual([]);
    expect(await messages(noStandingClusterAdmin, [binding("ClusterRoleBinding", "cluster-admin", [{ kind: "Group", name: "platform-admins" }])])).toEqual([]);
  });
});

describe("policy remote-code-in-jobs (advisory)", () => {
  const tokenise = (trustRemoteCode: boolean) =>
    recorded("kubernetes:core/v1:ConfigMap", "tok", { kind: "ConfigMap", data: { "dataset.json": JSON.stringify({ identity: { dataset: "sales", tokenizer: "THUDM/chatglm2-6b" }, loading: { trustRemoteCode } }) } });
  const job = (env: Record<string, string>) =>
    recorded("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", "j", { kind: "TrainJob", metadata: { name: "j", namespace: "sales" }, spec: { trainer: { env: Object.entries(env).map(([name, value]) => ({ name, value })) } } });

  it("warns of a tokenizer and a model that run their own code, and only then", async () => {
    expect(await messages(remoteCodeInJobs, [tokenise(true), job({ TRUST_REMOTE_CODE: "1", MODEL_NAME_OR_PATH: "THUDM/chatglm2-6b" })])).toEqual([
      "advisory: tokenise job of data set sales: tokenizer THUDM/chatglm2-6b runs its own code (trust_remote_code); review that repository's code or pin a reviewed copy on shared storage",
      "advisory: TrainJob sales/j: model THUDM/chatglm2-6b runs its own code (trust_remote_code) on every rank",
    ]);
    expect(await messages(remoteCodeInJobs, [tokenise(false), job({ TRUST_REMOTE_CODE: "0", MODEL_NAME_OR_PATH: "m" }), job({})])).toEqual([]);
  });
});

describe("policy training-launcher-runs (mandatory)", () => {
  const manifest = (deepspeedVersion: string) => recorded(PLATFORM_TYPE, "platform", { target: "aws", gpuStack: { deepspeedVersion }, nodePools: [] });
  const runtime = recorded("kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime", "rt", {
    kind: "ClusterTrainingRuntime",
    metadata: { name: "deepspeed-h100" },
    spec: { template: { spec: { replicatedJobs: [
      { name: "launcher", template: { spec: { template: { spec: { containers: [{ name: "node", image: "train:1", env: [{ name: "FI_PROVIDER", value: "efa" }] }] } } } } },
      { name: "node", template: { spec: { template: { spec: { containers: [{ name: "node", image: "train:1" }] } } } } },
    ] } } },
  });
  const job = (command: string[], numNodes = 2) =>
    recorded("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", "j", {
      kind: "TrainJob",
      metadata: { name: "j", namespace: "sales" },
      spec: { runtimeRef: { name: "deepspeed-h100" }, trainer: { numNodes, command, env: [{ name: "SHARD_DIR", value: "/data" }] } },
    });

  it("passes mpirun forwarding the runtime's fabric variables (the job's own need not be)", async () => {
    expect(await messages(trainingLauncherRuns, [manifest("0.17.1"), runtime, job(["mpirun", "-x", "FI_PROVIDER", "python3", "train.py"])])).toEqual([]);
  });

  it("refuses the broken OpenMPI runner and a launcher that drops the fabric's environment, naming the pod", async () => {
    expect(await messages(trainingLauncherRuns, [manifest("0.17.1"), runtime, job(["deepspeed", "--launcher", "openmpi", "train.py"])])).toEqual([
      'mandatory: TrainJob sales/j / launcher: `deepspeed --launcher openmpi` raises "MPI environment variables are not set" on DeepSpeed 0.16.4–0.18.3 (deepspeedai/DeepSpeed#7711; fixed in 0.18.4); this stack pins 0.17.1 — run mpirun over the hostfile instead (the platform\'s launcher does)',
    ]);
    expect(await messages(trainingLauncherRuns, [manifest("0.17.1"), runtime, job(["mpirun", "python3", "train.py"])])).toEqual([
      "mandatory: TrainJob sales/j / launcher: mpirun does not forward FI_PROVIDER (-x): ranks on other nodes start through sshd without the fabric's environment, so NCCL falls back to TCP or fails",
    ]);
  });

  it("lets a single-node job skip the forwarding, and needs the manifest", async () => {
    expect(await messages(trainingLauncherRuns, [manifest("0.17.1"), runtime, job(["mpirun", "python3", "train.py"], 1)])).toEqual([]);
    expect(await messages(trainingLauncherRuns, [runtime, job(["deepspeed", "--launcher", "openmpi", "train.py"])])).toEqual([]);
  });
});
