import { PLATFORM_TYPE } from "../infra/manifest";
import { clusterAutoscalerMatchesCluster, gpuNodeGroupAcceleratorLabel, nodeImageKnown, nodeImagePinned } from "../policies/nodeImage";
import { defaultStorageClassPresent, kubernetesAfterSystemNodes, lustreAfterSecurityRules } from "../policies/ordering";
import { runPolicies } from "../policies/run";
import type { RecordedResource } from "../infra/recorded";
import { recorded } from "./helpers/resources";

// Unit tests with hand-built resources: each branch of each policy both ways. The same policies
// run on the reference plans with defects put back in policies.runtime.test.ts.
type Policy = Parameters<typeof runPolicies>[0][number];
const messages = async (policy: Policy, resources: RecordedResource[]) => (await runPolicies([policy], resources)).violations.map((v) => `${v.enforcement}: ${v.message}`);
const platform = (target: "aws" | "existing", gpuStack: Record<string, unknown> = {}) => recorded(PLATFORM_TYPE, "platform", { target, gpuStack });
const depending = (r: RecordedResource, ...on: RecordedResource[]): RecordedResource => ({ ...r, options: { ...r.options, dependsOn: on.map((d) => d.urn) } });

describe("policy lustre-after-security-rules (mandatory)", () => {
  const rule = (name: string, group: string, fromPort: number, toPort: number) =>
    recorded("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, { securityGroupId: group, fromPort, toPort });
  const lustre = recorded("aws:fsx/lustreFileSystem:LustreFileSystem", "fs", { securityGroupIds: ["sg-lustre"] });
  const r988 = rule("lustre-988", "sg-lustre", 988, 988);
  const r1018 = rule("lustre-1018", "sg-lustre", 1018, 1023);
  const other = rule("other-group", "sg-other", 443, 443);

  it("passes a file system that depends on every rule of its group, one of which admits 988", async () => {
    expect(await messages(lustreAfterSecurityRules, [r988, r1018, other, depending(lustre, r988, r1018)])).toEqual([]);
  });

  it("names the rules of its group it may be created before, and only those", async () => {
    expect(await messages(lustreAfterSecurityRules, [r988, r1018, other, depending(lustre, r988)])).toEqual([
      "mandatory: file system fs may be created before 1 ingress rule(s) of its security group (lustre-1018); CreateFileSystem checks port 988 when called — add them to its dependsOn",
    ]);
    expect(await messages(lustreAfterSecurityRules, [r988, r1018, lustre])).toEqual([
      "mandatory: file system fs may be created before 2 ingress rule(s) of its security group (lustre-988, lustre-1018); CreateFileSystem checks port 988 when called — add them to its dependsOn",
    ]);
  });

  it("wants port 988 inside some rule's range: on each edge and just outside", async () => {
    const check = async (from: number, to: number) => {
      const r = rule("r", "sg-lustre", from, to);
      return messages(lustreAfterSecurityRules, [r, depending(lustre, r)]);
    };
    expect(await check(988, 988)).toEqual([]);
    expect(await check(900, 988)).toEqual([]);
    expect(await check(988, 1000)).toEqual([]);
    expect(await check(989, 1023)).toEqual(["mandatory: file system fs: no ingress rule of its security groups admits Lustre port 988; clients cannot mount it"]);
    expect(await check(900, 987)).toEqual(["mandatory: file system fs: no ingress rule of its security groups admits Lustre port 988; clients cannot mount it"]);
  });

  it("says nothing about 988 when the file system has no group or its groups have no rule here", async () => {
    expect(await messages(lustreAfterSecurityRules, [other, recorded("aws:fsx/lustreFileSystem:LustreFileSystem", "fs", {})])).toEqual([]);
    expect(await messages(lustreAfterSecurityRules, [other, lustre])).toEqual([]);
  });
});

describe("policy kubernetes-after-system-nodes (mandatory)", () => {
  const systemGroup = recorded("aws:eks/nodeGroup:NodeGroup", "system", { labels: { "llm-platform/purpose": "system" } });
  const gpuGroup = recorded("aws:eks/nodeGroup:NodeGroup", "gpu", { labels: { "llm-platform/purpose": "training" } });
  const release = (over: Partial<RecordedResource["options"]> = {}, name = "kueue") => recorded("kubernetes:helm.sh/v3:Release", name, { name }, over);

  it("passes a release whose provider waits for the system node group", async () => {
    const provider = depending(recorded("pulumi:providers:kubernetes", "k8s", {}), systemGroup);
    expect(await messages(kubernetesAfterSystemNodes, [platform("aws"), systemGroup, provider, release({ provider: provider.urn })])).toEqual([]);
  });

  it("passes a release that itself waits for the system node group", async () => {
    expect(await messages(kubernetesAfterSystemNodes, [platform("aws"), systemGroup, release({ dependsOn: [systemGroup.urn] })])).toEqual([]);
  });

  it("fails a release that waits only for a GPU pool, or for nothing", async () => {
    const provider = depending(recorded("pulumi:providers:kubernetes", "k8s", {}), gpuGroup);
    const expected = "mandatory: Helm release kueue does not wait for the system pool's nodes; on a new cluster it times out waiting for pods that cannot schedule — make the Kubernetes provider depend on the system node group";
    expect(await messages(kubernetesAfterSystemNodes, [platform("aws"), systemGroup, gpuGroup, provider, release({ provider: provider.urn })])).toEqual([expected]);
    expect(await messages(kubernetesAfterSystemNodes, [platform("aws"), systemGroup, release()])).toEqual([expected]);
  });

  it("does not apply on an existing cluster or without the manifest", async () => {
    expect(await messages(kubernetesAfterSystemNodes, [platform("existing"), release()])).toEqual([]);
    expect(await messages(kubernetesAfterSystemNodes, [release()])).toEqual([]);
  });
});

describe("policy default-storage-class-present (mandatory)", () => {
  const storageClass = (name: string, isDefault?: string) =>
    recorded("kubernetes:storage.k8s.io/v1:StorageClass", name, { kind: "StorageClass", metadata: { name, ...(isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": isDefault } } : {}) } });

  it("passes exactly one default class", async () => {
    expect(await messages(defaultStorageClassPresent, [platform("aws"), storageClass("gp3", "true"), storageClass("io2")])).toEqual([]);
  });

  it("fails none (an annotation of false is none) and fails two", async () => {
    expect(await messages(defaultStorageClassPresent, [platform("aws"), storageClass("gp3", "false")])).toEqual([
      "mandatory: 0 default StorageClasses (want exactly 1): claims without a storageClassName stay Pending forever",
    ]);
    expect(await messages(defaultStorageClassPresent, [platform("aws"), storageClass("gp3", "true"), storageClass("gp2", "true")])).toEqual([
      "mandatory: 2 default StorageClasses (want exactly 1): claims without a storageClassName get whichever the API server picks",
    ]);
  });

  it("leaves an existing cluster's storage classes to the cluster", async () => {
    expect(await messages(defaultStorageClassPresent, [platform("existing")])).toEqual([]);
  });
});

describe("policies node-image-pinned (mandatory) and node-image-known (advisory)", () => {
  // amazon-eks-ami release notes: v20251120 (1.33.5-20251120) ships NVIDIA driver 580.105.08, v20251029 ships 580.95.05.
  const nodeGroup = (releaseVersion: string | undefined, amiType = "AL2023_x86_64_NVIDIA") =>
    recorded("aws:eks/nodeGroup:NodeGroup", "train", { nodeGroupName: "llm-train", amiType, ...(releaseVersion ? { releaseVersion } : {}) });
  const nodeImage = platform("aws", { driverVersion: "580.105.08", driverManagedBy: "node-image" });

  it("passes a release whose driver is the stack's", async () => {
    expect(await messages(nodeImagePinned, [nodeImage, nodeGroup("1.33.5-20251120")])).toEqual([]);
  });

  it("fails a release that ships another driver, naming both fixes", async () => {
    expect(await messages(nodeImagePinned, [nodeImage, nodeGroup("1.33.5-20251029")])).toEqual([
      "mandatory: node group llm-train: AMI release 1.33.5-20251029 ships NVIDIA driver 580.95.05, but gpuStack.driverVersion is 580.105.08; set the driver to 580.95.05 or pin a release that ships 580.105.08",
    ]);
  });

  it("compares drivers only where the node image manages it, on an NVIDIA AMI", async () => {
    const operator = platform("aws", { driverVersion: "580.105.08", driverManagedBy: "operator" });
    expect(await messages(nodeImagePinned, [operator, nodeGroup("1.33.5-20251029")])).toEqual([]);
    expect(await messages(nodeImagePinned, [nodeImage, nodeGroup("1.33.5-20251029", "AL2023_x86_64_STANDARD")])).toEqual([]);
    expect(await messages(nodeImagePinned, [nodeGroup("1.33.5-20251029")])).toEqual([]);
  });

  it("fails any node group without a release, GPU or not", async () => {
    expect(await messages(nodeImagePinned, [nodeImage, nodeGroup(undefined, "AL2023_x86_64_STANDARD")])).toEqual([
      "mandatory: node group llm-train has no releaseVersion: it takes whatever AMI is newest when created or updated, and with it another NVIDIA driver than the stack declares",
    ]);
  });

  it("advises on a release newer than the table, and on one it does not know", async () => {
    expect(await messages(nodeImageKnown, [nodeGroup("1.33.9-20991231")])).toEqual([
      "advisory: node group llm-train: AMI release 1.33.9-20991231 is newer than the platform's table (infra/nodes/eksAmi.ts), so its NVIDIA driver is not checked — the table is behind; add the release from amazon-eks-ami's release notes",
    ]);
    expect(await messages(nodeImageKnown, [nodeGroup("1.33.5-20250101")])).toEqual([
      "advisory: node group llm-train: AMI release 1.33.5-20250101 is not an EKS AL2023 NVIDIA release the table knows; check the version, its driver is not checked",
    ]);
    expect(await messages(nodeImageKnown, [nodeGroup("1.99.0-20250101")])).toEqual([
      "advisory: node group llm-train: AMI release 1.99.0-20250101 is newer than the platform's table (infra/nodes/eksAmi.ts), so its NVIDIA driver is not checked — the table is behind; add the release from amazon-eks-ami's release notes",
    ]);
  });

  it("is quiet about known releases, unpinned groups and non-NVIDIA AMIs", async () => {
    expect(await messages(nodeImageKnown, [nodeGroup("1.33.5-20251120"), nodeGroup(undefined), nodeGroup("1.33.9-20991231", "AL2023_x86_64_STANDARD")])).toEqual([]);
  });
});

describe("policy cluster-autoscaler-matches-cluster (mandatory)", () => {
  const cluster = (version: string) => recorded("aws:eks/cluster:Cluster", "eks", { version });
  const autoscaler = (version: string, tag?: string) =>
    recorded("kubernetes:helm.sh/v3:Release", "ca", { chart: "cluster-autoscaler", version, values: tag ? { image: { tag } } : {} });

  it("passes the chart and image pinned for the cluster's minor", async () => {
    expect(await messages(clusterAutoscalerMatchesCluster, [cluster("1.34"), autoscaler("9.52.0", "v1.34.1")])).toEqual([]);
  });

  it("fails the chart of another minor and an image of another minor", async () => {
    expect(await messages(clusterAutoscalerMatchesCluster, [cluster("1.34"), autoscaler("9.47.0", "v1.33.0")])).toEqual([
      "mandatory: cluster autoscaler chart 9.47.0 is not 9.52.0, the chart for Kubernetes 1.34; its ClusterRole may lack what this autoscaler watches",
      "mandatory: cluster autoscaler image v1.33.0 is not of the cluster's minor 1.34 (the autoscaler's minor must match the cluster's)",
    ]);
  });

  it("fails the chart's default image, and a minor with no pinned chart", async () => {
    expect(await messages(clusterAutoscalerMatchesCluster, [cluster("1.33"), autoscaler("9.47.0")])).toEqual([
      "mandatory: cluster autoscaler image (chart default) is not of the cluster's minor 1.33 (the autoscaler's minor must match the cluster's)",
    ]);
    expect(await messages(clusterAutoscalerMatchesCluster, [cluster("1.31"), autoscaler("9.47.0", "v1.31.0")])).toEqual([
      "mandatory: cluster autoscaler release for Kubernetes 1.31: no chart is pinned for that minor (pinned: 1.33, 1.34)",
    ]);
    expect(await messages(clusterAutoscalerMatchesCluster, [autoscaler("9.47.0", "v1.33.0")])).toEqual([
      "mandatory: cluster autoscaler release for Kubernetes (unknown): no chart is pinned for that minor (pinned: 1.33, 1.34)",
    ]);
  });

  it("ignores other charts", async () => {
    expect(await messages(clusterAutoscalerMatchesCluster, [cluster("1.31"), recorded("kubernetes:helm.sh/v3:Release", "kueue", { chart: "kueue", version: "0.19.2" })])).toEqual([]);
  });
});

describe("policy gpu-node-group-accelerator-label (mandatory)", () => {
  const pool = "urn:pulumi:test::llm-platform::llm-platform:nodes:NodePool::train";
  const nodeGroup = (instanceType: string, minSize: number, labels: Record<string, string>) =>
    recorded("aws:eks/nodeGroup:NodeGroup", "train", { instanceTypes: [instanceType], scalingConfig: { minSize }, labels: { "llm-platform/pool": "train", ...labels } }, {}, pool);
  const templateTag = (parent: string) =>
    recorded("aws:autoscaling/tag:Tag", "train-tag", { tag: { key: "k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator", value: "nvidia-h100" } }, {}, parent);
  const accelerator = { "k8s.amazonaws.com/accelerator": "nvidia-h100" };
  // The NodePool components that parent the node group and the tags.
  const pools = [recorded("llm-platform:nodes:NodePool", "train", {}), recorded("llm-platform:nodes:NodePool", "other", {})];
  const otherPool = pools[1].urn;

  it("passes a labelled GPU pool that scales from zero with its node-template tag", async () => {
    expect(await messages(gpuNodeGroupAcceleratorLabel, [...pools, nodeGroup("p5.48xlarge", 0, accelerator), templateTag(pool)])).toEqual([]);
  });

  it("needs no tag for a pool that never scales below one node", async () => {
    expect(await messages(gpuNodeGroupAcceleratorLabel, [nodeGroup("p5.48xlarge", 1, accelerator)])).toEqual([]);
  });

  it("fails a GPU pool without the label", async () => {
    expect(await messages(gpuNodeGroupAcceleratorLabel, [nodeGroup("p5.48xlarge", 1, {})])).toEqual([
      "mandatory: pool train (p5.48xlarge) has no k8s.amazonaws.com/accelerator label: the autoscaler over-scales while its GPUs are not yet advertised",
    ]);
  });

  it("fails a pool from zero whose tag is missing or belongs to another pool", async () => {
    const expected = "mandatory: pool train scales from zero but its Auto Scaling group has no k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator tag: from zero the autoscaler cannot know the node will have GPUs";
    expect(await messages(gpuNodeGroupAcceleratorLabel, [...pools, nodeGroup("p5.48xlarge", 0, accelerator)])).toEqual([expected]);
    expect(await messages(gpuNodeGroupAcceleratorLabel, [...pools, nodeGroup("p5.48xlarge", 0, accelerator), templateTag(otherPool)])).toEqual([expected]);
  });

  it("leaves CPU pools alone", async () => {
    expect(await messages(gpuNodeGroupAcceleratorLabel, [nodeGroup("m6i.large", 0, {})])).toEqual([]);
  });
});
