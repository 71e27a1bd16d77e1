import { RecordedResource } from "../infra/plan/record";
import { clusterAutoscalerMatchesCluster, gpuNodeGroupAcceleratorLabel, nodeImageKnown, nodeImagePinned } from "../policies/nodeImage";
import { defaultStorageClassPresent, kubernetesAfterSystemNodes, lustreAfterSecurityRules } from "../policies/ordering";
import { containerImagesPinned, noRuntimeDownloads, noStandingClusterAdmin, podVolumesMountable, remoteCodeInJobs, trainingLauncherRuns, unpinnedImage } from "../policies/runtime";
import { kueueWaitsForPools } from "../policies/training";
import { byName, inputs, messages, planWith } from "./helpers/policyRun";
import { recorded } from "./helpers/resources";

// Each class of run-time defect the review found is a policy; each is checked here both ways: the
// reference plan passes, and the same plan with the defect put back fails with the exact message.

const RUNTIME = "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime";
const JOB = "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

const nodePod = (runtime: RecordedResource) => inputs(runtime).spec.template.spec.replicatedJobs[0].template.spec.template.spec;

const ALL = [podVolumesMountable, trainingLauncherRuns, containerImagesPinned, noRuntimeDownloads, noStandingClusterAdmin, lustreAfterSecurityRules, kubernetesAfterSystemNodes, defaultStorageClassPresent, nodeImagePinned, nodeImageKnown, clusterAutoscalerMatchesCluster, gpuNodeGroupAcceleratorLabel, kueueWaitsForPools];

describe.each(["dev", "staging", "prod", "onprem"])("run-time policies on the %s stack", (stack) => {
  it("all pass as declared", async () => {
    const resources = await planWith(stack);
    for (const policy of ALL) expect([policy.name, await messages(policy, resources)]).toEqual([policy.name, []]);
  });
});

describe("policy pod-volumes-mountable (mandatory)", () => {
  it("fails a runtime that names the shared claim in two volumes, as the pre-fix runtime did (kubernetes#99453)", async () => {
    const resources = await planWith("prod", (rs) => {
      const pod = nodePod(byName(rs, RUNTIME, "prod-runtimes-train-h100"));
      pod.volumes.push({ name: "checkpoints", persistentVolumeClaim: { claimName: "llm-shared-data" } });
    });
    expect(await messages(podVolumesMountable, resources)).toEqual([
      "mandatory: ClusterTrainingRuntime deepspeed-train-h100 / node: claim llm-shared-data is named in 2 volumes (shared, checkpoints); before Kubernetes 1.35 the kubelet never finishes mounting such a pod (kubernetes#99453) — use one volume with several volumeMounts (subPath for the writable part)",
      // ...and so does every pod of every TrainJob built on it
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512 / node: claim llm-shared-data is named in 2 volumes (shared, checkpoints); before Kubernetes 1.35 the kubelet never finishes mounting such a pod (kubernetes#99453) — use one volume with several volumeMounts (subPath for the writable part)",
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src1024 / node: claim llm-shared-data is named in 2 volumes (shared, checkpoints); before Kubernetes 1.35 the kubelet never finishes mounting such a pod (kubernetes#99453) — use one volume with several volumeMounts (subPath for the writable part)",
    ]);
  });

  it("fails a pod that mounts two claims bound to one file system (the same CSI volume handle)", async () => {
    const resources = await planWith("prod", (rs) => {
      // research's claim is another PersistentVolume on the same FSx file system as sales-dialogue's,
      // given the same volume handle (as every team's volume had before each got its own subtree)
      const tokenise = rs.find((r) => r.type === "kubernetes:batch/v1:Job" && inputs(r).metadata.name.startsWith("tokenise-"))!;
      const pod = inputs(tokenise).spec.template.spec;
      pod.volumes.push({ name: "other", persistentVolumeClaim: { claimName: "llm-shared-data-research" } });
      const pvc = rs.find((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim" && inputs(r).metadata.namespace === "research")!;
      rs.push(recorded(pvc.type, "copy", { ...inputs(pvc), metadata: { name: "llm-shared-data-research", namespace: "sales-dialogue" } }));
      const volumes = rs.filter((r) => r.type === "kubernetes:core/v1:PersistentVolume");
      const sales = volumes.find((v) => inputs(v).metadata.name === "llm-shared-data-sales-dialogue")!;
      inputs(volumes.find((v) => inputs(v).metadata.name === "llm-shared-data-research")!).spec.csi.volumeHandle = inputs(sales).spec.csi.volumeHandle;
    });
    const [message] = await messages(podVolumesMountable, resources);
    expect(message).toMatch(/^mandatory: Job sales-dialogue\/tokenise-sales-dialogue-[0-9a-f]{10}: volumes data \(claim llm-shared-data\), other \(claim llm-shared-data-research\) are bound to the same CSI volume plan-prod-storage-shards-id::teams\/sales-dialogue \(fsx\.csi\.aws\.com\); the kubelet waits forever for the second mount \(kubernetes#132921\) — mount one claim once and use subPath$/);
  });

  it("fails a writable mount of a read-only claim, a mount of a missing volume, and two mounts at one path", async () => {
    const resources = await planWith("dev", (rs) => {
      const tokenise = rs.find((r) => r.type === "kubernetes:batch/v1:Job");
      expect(tokenise).toBeUndefined(); // dev has no data set: use the runtime
      const pod = nodePod(rs.find((r) => r.type === RUNTIME)!);
      pod.volumes.push({ name: "ro", persistentVolumeClaim: { claimName: "elsewhere", readOnly: true } });
      pod.containers[0].volumeMounts.push({ name: "ro", mountPath: "/ro" }, { name: "ghost", mountPath: "/ghost" }, { name: "dshm", mountPath: "/data" });
    });
    expect(await messages(podVolumesMountable, resources)).toEqual([
      "mandatory: ClusterTrainingRuntime deepspeed-smoke-l40s / node: container node mounts /ro writable from volume ro, whose claim is read-only (persistentVolumeClaim.readOnly): writes fail with EROFS — make the volume writable and the read-only mounts readOnly",
      "mandatory: ClusterTrainingRuntime deepspeed-smoke-l40s / node: container node mounts volume ghost, which the pod does not define; the API server rejects the pod",
      "mandatory: ClusterTrainingRuntime deepspeed-smoke-l40s / node: container node mounts two volumes at /data; mount paths must be unique within a container (the API server rejects the pod)",
    ]);
  });
});

describe("policy training-launcher-runs (mandatory)", () => {
  const withCommand = (command: string[]) => (rs: RecordedResource[]) => {
    for (const job of rs.filter((r) => r.type === JOB)) inputs(job).spec.trainer.command = command;
  };

  it("fails the pre-fix launcher: deepspeed's OpenMPI runner on DeepSpeed 0.17.1 (#7711) running a non-Python entry point", async () => {
    const resources = await planWith("prod", withCommand(["sh", "-c", 'exec deepspeed --no_ssh_check --hostfile /etc/mpi/hostfile --launcher openmpi "$@"', "deepspeed-launch", "llm-train"]));
    const found = await messages(trainingLauncherRuns, resources);
    expect(found).toHaveLength(4); // two problems × two TrainJobs
    expect(found[0]).toBe('mandatory: TrainJob sales-dialogue/sales-llama8b-src512 / launcher: `deepspeed --launcher openmpi` raises "MPI environment variables are not set" on DeepSpeed 0.16.4–0.18.3 (deepspeedai/DeepSpeed#7711; fixed in 0.18.4); this stack pins 0.17.1 — run mpirun over the hostfile instead (the platform\'s launcher does)');
    // "$@" is llm-train: the script's first positional argument ("deepspeed-launch" is its $0)
    expect(found[1]).toBe("mandatory: TrainJob sales-dialogue/sales-llama8b-src512 / launcher: `deepspeed` runs `python -u llm-train` unless --no_python is given (DeepSpeed launcher/runner.py), and llm-train is not a Python file");
  });

  it("fails an mpirun that does not forward the fabric's environment to a second node", async () => {
    const resources = await planWith("prod", withCommand(["mpirun", "--hostfile", "/etc/mpi/hostfile", "-np", "16", "-x", "PATH", "llm-train"]));
    expect((await messages(trainingLauncherRuns, resources))[0]).toBe(
      "mandatory: TrainJob sales-dialogue/sales-llama8b-src512 / launcher: mpirun does not forward NCCL_DEBUG, NCCL_SOCKET_IFNAME, FI_PROVIDER, FI_EFA_USE_DEVICE_RDMA, FI_EFA_FORK_SAFE (-x): ranks on other nodes start through sshd without the fabric's environment, so NCCL falls back to TCP or fails",
    );
  });
});

describe("policies container-images-pinned and no-runtime-downloads (mandatory)", () => {
  it("names an untagged image and a latest tag, accepts a version tag and a digest", () => {
    expect(unpinnedImage("docker.io/alpine")).toBe("has no tag (it pulls latest)");
    expect(unpinnedImage("registry:5000/team/image")).toBe("has no tag (it pulls latest)");
    expect(unpinnedImage("alpine:latest")).toBe("is tagged latest");
    expect(unpinnedImage("alpine:3.21")).toBeUndefined();
    expect(unpinnedImage(`alpine@sha256:${"a".repeat(64)}`)).toBeUndefined();
  });

  it("fail the pre-fix Kubeflow Pipelines installer: apk add and kubectl apply of GitHub manifests at start-up", async () => {
    const resources = await planWith("onprem", (rs) => {
      rs.push(recorded("kubernetes:batch/v1:Job", "installer", {
        apiVersion: "batch/v1", kind: "Job", metadata: { name: "kfp-install", namespace: "kubeflow" },
        spec: { template: { spec: { containers: [{ name: "install", image: "docker.io/alpine", command: ["/bin/sh", "-c", 'apk add --no-cache git kubectl && kubectl apply -k "github.com/kubeflow/pipelines/manifests/kustomize/env/platform-agnostic?ref=2.14.3"'] }] } } },
      }));
    });
    expect(await messages(noRuntimeDownloads, resources)).toEqual([
      "mandatory: Job kubeflow/kfp-install: container install runs apk add at start-up; bake it into a pinned image or render it in the plan",
      "mandatory: Job kubeflow/kfp-install: container install runs kubectl apply of remote manifests at start-up; bake it into a pinned image or render it in the plan",
    ]);
    expect(await messages(containerImagesPinned, resources)).toEqual([
      "mandatory: Job kubeflow/kfp-install: container install image docker.io/alpine has no tag (it pulls latest); pin a version (infra/versions.ts) or a digest",
    ]);
  });
});

describe("policy no-standing-cluster-admin (mandatory)", () => {
  it("fails a ServiceAccount bound to cluster-admin, passes a user bound to it and a narrower role", async () => {
    const binding = (name: string, role: string, subject: object) => recorded("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", name, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role }, subjects: [subject] });
    expect(await messages(noStandingClusterAdmin, [
      binding("installer", "cluster-admin", { kind: "ServiceAccount", name: "kfp-installer", namespace: "kubeflow" }),
      binding("humans", "cluster-admin", { kind: "Group", name: "platform-admins" }),
      binding("reader", "view", { kind: "ServiceAccount", name: "reader", namespace: "ops" }),
    ])).toEqual(["mandatory: ClusterRoleBinding installer binds ServiceAccount kubeflow/kfp-installer to cluster-admin; grant the verbs it needs on the resources it needs, or let the deployer apply instead"]);
  });
});

describe("policy lustre-after-security-rules (mandatory)", () => {
  it("fails a file system created without waiting for its Lustre rules, as before the fix", async () => {
    const resources = await planWith("prod", (rs) => {
      const fs = rs.find((r) => r.type === "aws:fsx/lustreFileSystem:LustreFileSystem")!;
      (fs.options as any).dependsOn = [];
    });
    const [message] = await messages(lustreAfterSecurityRules, resources);
    expect(message).toBe("mandatory: file system prod-storage-shards may be created before 4 ingress rule(s) of its security group (prod-storage-lustre-nodes-988, prod-storage-lustre-self-988, prod-storage-lustre-nodes-1018-1023, prod-storage-lustre-self-1018-1023); CreateFileSystem checks port 988 when called — add them to its dependsOn");
  });

  it("fails a file system whose groups admit no Lustre port 988", async () => {
    const resources = await planWith("prod", (rs) => {
      for (const rule of rs.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && Number(inputs(r).fromPort) === 988)) inputs(rule).fromPort = inputs(rule).toPort = 1018;
    });
    expect(await messages(lustreAfterSecurityRules, resources)).toEqual(["mandatory: file system prod-storage-shards: no ingress rule of its security groups admits Lustre port 988; clients cannot mount it"]);
  });
});

describe("policy kubernetes-after-system-nodes (mandatory)", () => {
  it("fails every Helm release when the Kubernetes provider no longer waits for the system pool", async () => {
    const resources = await planWith("dev", (rs) => {
      const provider = byName(rs, "pulumi:providers:kubernetes", "dev-k8s");
      (provider.options as any).dependsOn = provider.options.dependsOn.filter((u) => !u.includes("NodeGroup"));
    });
    const found = await messages(kubernetesAfterSystemNodes, resources);
    const releases = resources.filter((r) => r.type === RELEASE).map((r) => inputs(r).name);
    expect(found).toEqual(releases.map((name) => `mandatory: Helm release ${name} does not wait for the system pool's nodes; on a new cluster it times out waiting for pods that cannot schedule — make the Kubernetes provider depend on the system node group`));
    expect(releases).toEqual(expect.arrayContaining(["cluster-autoscaler", "gpu-operator", "kubeflow-trainer"]));
  });
});

describe("policy default-storage-class-present (mandatory)", () => {
  it("fails an AWS stack with no default class and with two, and does not apply on an existing cluster", async () => {
    const none = await planWith("dev", (rs) => { delete inputs(rs.find((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass")!).metadata.annotations; });
    expect(await messages(defaultStorageClassPresent, none)).toEqual(["mandatory: 0 default StorageClasses (want exactly 1): claims without a storageClassName stay Pending forever"]);
    const two = await planWith("dev", (rs) => { const sc = rs.find((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass")!; rs.push(recorded(sc.type, "second", structuredClone(sc.inputs))); });
    expect(await messages(defaultStorageClassPresent, two)).toEqual(["mandatory: 2 default StorageClasses (want exactly 1): claims without a storageClassName get whichever the API server picks"]);
    expect(await messages(defaultStorageClassPresent, await planWith("onprem"))).toEqual([]);
  });
});

describe("policies node-image-pinned (mandatory) and node-image-known (advisory)", () => {
  it("fails a node group without a release, and a GPU release whose driver is not gpuStack's", async () => {
    const resources = await planWith("prod", (rs) => {
      delete inputs(byName(rs, NODE_GROUP, "prod-system")).releaseVersion;
      // amazon-eks-ami v20260505: 1.34.7-20260505 ships kmod-nvidia-latest-dkms 580.126.09
      inputs(byName(rs, NODE_GROUP, "prod-train-h100")).releaseVersion = "1.34.7-20260505";
    });
    expect(await messages(nodeImagePinned, resources)).toEqual([
      "mandatory: node group prod-system has no releaseVersion: it takes whatever AMI is newest when created or updated, and with it another NVIDIA driver than the stack declares",
      "mandatory: node group prod-train-h100: AMI release 1.34.7-20260505 ships NVIDIA driver 580.126.09, but gpuStack.driverVersion is 580.105.08; set the driver to 580.126.09 or pin a release that ships 580.105.08",
    ]);
  });

  it("advises that a release newer than the table is unchecked (the table is behind), without refusing it", async () => {
    const resources = await planWith("prod", (rs) => { inputs(byName(rs, NODE_GROUP, "prod-train-h100")).releaseVersion = "1.34.9-20261120"; });
    expect(await messages(nodeImagePinned, resources)).toEqual([]);
    expect(await messages(nodeImageKnown, resources)).toEqual(["advisory: node group prod-train-h100: AMI release 1.34.9-20261120 is newer than the platform's table (infra/nodes/eksAmi.ts), so its NVIDIA driver is not checked — the table is behind; add the release from amazon-eks-ami's release notes"]);
  });
});

describe("policy cluster-autoscaler-matches-cluster (mandatory)", () => {
  it("fails the pre-fix pin: chart 9.43.1 (autoscaler 1.31) on a 1.34 cluster, and an image of another minor", async () => {
    const resources = await planWith("prod", (rs) => {
      const release = rs.find((r) => r.type === RELEASE && inputs(r).chart === "cluster-autoscaler")!;
      inputs(release).version = "9.43.1";
      inputs(release).values.image.tag = "v1.33.0";
    });
    expect(await messages(clusterAutoscalerMatchesCluster, resources)).toEqual([
      "mandatory: cluster autoscaler chart 9.43.1 is not 9.52.0, the chart for Kubernetes 1.34; its ClusterRole may lack what this autoscaler watches",
      "mandatory: cluster autoscaler image v1.33.0 is not of the cluster's minor 1.34 (the autoscaler's minor must match the cluster's)",
    ]);
  });
});

describe("policy gpu-node-group-accelerator-label (mandatory)", () => {
  it("fails a GPU pool without the label, and a scale-from-zero pool without its node-template tag", async () => {
    const resources = await planWith("prod", (rs) => {
      delete inputs(byName(rs, NODE_GROUP, "prod-infer-l40s")).labels["k8s.amazonaws.com/accelerator"];
      const tag = rs.find((r) => r.type === "aws:autoscaling/tag:Tag" && r.name.startsWith("prod-train-h200-asg-k8s.io-cluster-autoscaler-node-template-label-k8s.amazonaws.com"))!;
      rs.splice(rs.indexOf(tag), 1);
    });
    expect(await messages(gpuNodeGroupAcceleratorLabel, resources)).toEqual([
      "mandatory: pool train-h200 scales from zero but its Auto Scaling group has no k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator tag: from zero the autoscaler cannot know the node will have GPUs",
      "mandatory: pool infer-l40s (g6e.12xlarge) has no k8s.amazonaws.com/accelerator label: the autoscaler over-scales while its GPUs are not yet advertised",
    ]);
  });
});

describe("policy kueue-waits-for-pools (mandatory)", () => {
  it("fails Kueue's 10 minute default on prod's scale-from-zero p5 pools, which need 30", async () => {
    const resources = await planWith("prod", (rs) => {
      const release = rs.find((r) => r.type === RELEASE && String(inputs(r).chart).endsWith("/kueue"))!;
      inputs(release).values.managerConfig.controllerManagerConfigYaml = inputs(release).values.managerConfig.controllerManagerConfigYaml.replace("timeout: 30m", "timeout: 10m");
    });
    const found = await messages(kueueWaitsForPools, resources);
    expect(found).toEqual(["train-h100", "train-h200"].map((pool) => `mandatory: Kueue evicts jobs whose pods are not ready within 10 min, but pool ${pool} needs about 30 min (scale-up 1 + boot 12 + image pull 5.5 + start 2, with margin): every job on it would be evicted and requeued; raise waitForPodsReady.timeout`));
  });

  it("accepts 30 minutes (on the need) and fails 29 minutes 59 seconds (just under)", async () => {
    const at = (timeout: string) => planWith("prod", (rs) => {
      const release = rs.find((r) => r.type === RELEASE && String(inputs(r).chart).endsWith("/kueue"))!;
      inputs(release).values.managerConfig.controllerManagerConfigYaml = inputs(release).values.managerConfig.controllerManagerConfigYaml.replace("timeout: 30m", `timeout: ${timeout}`);
    });
    expect(await messages(kueueWaitsForPools, await at("30m"))).toEqual([]);
    expect(await messages(kueueWaitsForPools, await at("29m59s"))).toHaveLength(2);
    expect(await messages(kueueWaitsForPools, await at("1h"))).toEqual([]);
  });
});

describe("policy remote-code-in-jobs (advisory)", () => {
  it("advises onprem's ChatGLM2 tokenizer and model, and stays quiet on prod", async () => {
    expect(await messages(remoteCodeInJobs, await planWith("prod"))).toEqual([]);
    expect(await messages(remoteCodeInJobs, await planWith("onprem"))).toEqual([
      "advisory: tokenise job of data set sales-dialogue: tokenizer /data/models/chatglm2-6b runs its own code (trust_remote_code); review that repository's code or pin a reviewed copy on shared storage",
      "advisory: TrainJob sales-dialogue/sales-glm6b: model /data/models/chatglm2-6b runs its own code (trust_remote_code) on every rank",
    ]);
  });
});
