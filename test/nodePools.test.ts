import { recordProgram, RecordedResource, RecordedStack } from "../infra/plan/record";
import main from "../infra/index";
import { efaCapableInstanceTypes, findInstanceType } from "../infra/catalog/instances";
import { efaDevicePluginValues } from "../infra/fabric/efaPluginValues";
import { networkOperatorValues } from "../infra/fabric/networkOperatorValues";
import { CHARTS, IMAGES } from "../infra/versions";
import { referencePlan, named, ofType } from "./helpers/plan";
import { referenceConfig, withValues } from "./helpers/stacks";
import { describeWithUpstream, readUpstreamYaml, unknownValueKeys } from "./helpers/upstream";

/** A prod-like stack whose pools are these, planned through the real program. */
async function planPools(pools: Record<string, unknown>[]): Promise<RecordedStack> {
  const config = withValues(referenceConfig("prod"), {
    "llm-platform:nodePools": [{ name: "system", instanceType: "m6i.large", purpose: "system", minNodes: 2, maxNodes: 2 }, ...pools],
    // prod's data set is cut for its own pools; these tests are about other pools
    "llm-platform:datasets": undefined,
    "llm-platform:storage": undefined,
    "llm-platform:trainingJobs": undefined,
    "llm-platform:teams": undefined,
    "llm-platform:inferenceEndpoints": undefined,
  });
  return recordProgram("llm-platform", { ...config, stack: "fabric" }, () => main({ offline: true }));
}
const find = (s: { resources: readonly RecordedResource[] }, type: string, name: string) => {
  const r = s.resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name}`);
  return r;
};
const interfacesOf = (lt: RecordedResource) => lt.inputs.networkInterfaces as Record<string, unknown>[];

describe("GPU node pools on EFA", () => {
  let stack: RecordedStack;
  beforeAll(async () => {
    stack = await planPools([
      { name: "h100", instanceType: "p5.48xlarge", purpose: "training", minNodes: 0, maxNodes: 4 },
      { name: "h200", instanceType: "p5en.48xlarge", purpose: "training", minNodes: 0, maxNodes: 4, availabilityZones: ["us-east-1b"] },
      { name: "a100", instanceType: "p4d.24xlarge", purpose: "training", minNodes: 0, maxNodes: 2, capacityType: "capacity-block", capacityReservationId: "cr-0123456789abcdef0" },
      { name: "serve", instanceType: "g6e.12xlarge", purpose: "inference", minNodes: 1, maxNodes: 3 },
    ]);
  });

  // The per-type EFA counts live in the catalog and are checked against AWS's table in catalog.test.ts.
  it.each([["h100", "p5.48xlarge"], ["h200", "p5en.48xlarge"], ["a100", "p4d.24xlarge"]])("attaches every EFA interface of pool %s (%s): card 0 efa, the rest efa-only", (pool, type) => {
    const interfaces = interfacesOf(find(stack, "aws:ec2/launchTemplate:LaunchTemplate", `fabric-${pool}-lt`));
    expect(interfaces).toHaveLength(findInstanceType(type)!.efaInterfaces);
    expect(interfaces[0]).toMatchObject({ networkCardIndex: 0, deviceIndex: 0, interfaceType: "efa" });
    expect(interfaces.slice(1).every((i, n) => i.interfaceType === "efa-only" && i.networkCardIndex === n + 1)).toBe(true);
    for (const i of interfaces) {
      expect(i.associatePublicIpAddress).toBe("false");
      expect(i.securityGroups).toEqual(["plan-fabric-eks-cluster-sg", `plan-fabric-${pool}-efa-id`]);
    }
  });

  it("requires IMDSv2 and encrypts a gp3 root volume sized for training images", () => {
    const lt = find(stack, "aws:ec2/launchTemplate:LaunchTemplate", "fabric-h100-lt");
    expect(lt.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(lt.inputs.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: { volumeSize: 200, volumeType: "gp3", iops: 3000, throughput: 125, encrypted: "true", deleteOnTermination: "true" } }]);
    expect(Buffer.from(lt.inputs.userData as string, "base64").toString()).toContain("vm.nr_hugepages = 2560");
  });

  it("puts each EFA pool in a cluster placement group named in its launch template", () => {
    for (const pool of ["h100", "h200", "a100"]) {
      const placement = find(stack, "aws:ec2/placementGroup:PlacementGroup", `fabric-${pool}-placement`);
      expect(placement.inputs).toMatchObject({ strategy: "cluster", name: `llm-fabric-${pool}` });
      expect(find(stack, "aws:ec2/launchTemplate:LaunchTemplate", `fabric-${pool}-lt`).inputs.placement).toEqual({ groupName: `llm-fabric-${pool}` });
    }
  });

  it("opens each EFA security group to itself only, both ways", () => {
    const ingress = find(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "fabric-h100-efa-in");
    const egress = find(stack, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "fabric-h100-efa-out");
    for (const rule of [ingress, egress]) {
      expect(rule.inputs).toMatchObject({ securityGroupId: "plan-fabric-h100-efa-id", referencedSecurityGroupId: "plan-fabric-h100-efa-id", ipProtocol: "-1" });
      expect(rule.inputs).not.toHaveProperty("cidrIpv4");
    }
  });

  it("keeps each EFA pool in one subnet of its AZ and spreads other pools over all", () => {
    expect(find(stack, "aws:eks/nodeGroup:NodeGroup", "fabric-h100").inputs.subnetIds).toEqual(["plan-fabric-vpc-private-us-east-1a-id"]);
    expect(find(stack, "aws:eks/nodeGroup:NodeGroup", "fabric-h200").inputs.subnetIds).toEqual(["plan-fabric-vpc-private-us-east-1b-id"]);
    expect(find(stack, "aws:eks/nodeGroup:NodeGroup", "fabric-serve").inputs.subnetIds).toHaveLength(3);
    expect(interfacesOf(find(stack, "aws:ec2/launchTemplate:LaunchTemplate", "fabric-serve-lt"))).toEqual([
      { deviceIndex: 0, securityGroups: ["plan-fabric-eks-cluster-sg"], associatePublicIpAddress: "false", deleteOnTermination: "true" },
    ]);
  });

  it("launches a capacity-block pool into its reservation", () => {
    const lt = find(stack, "aws:ec2/launchTemplate:LaunchTemplate", "fabric-a100-lt");
    expect(lt.inputs.instanceMarketOptions).toEqual({ marketType: "capacity-block" });
    expect(lt.inputs.capacityReservationSpecification).toEqual({ capacityReservationTarget: { capacityReservationId: "cr-0123456789abcdef0" } });
    expect(find(stack, "aws:eks/nodeGroup:NodeGroup", "fabric-a100").inputs.capacityType).toBe("CAPACITY_BLOCK");
  });

  it("lets an idle pool scale from zero: ASG tags carry GPU and EFA counts, labels and the taint", () => {
    const tags = new Map(stack.resources.filter((r) => r.type === "aws:autoscaling/tag:Tag" && r.name.startsWith("fabric-h200-asg-")).map((r) => {
      const tag = r.inputs.tag as { key: string; value: string; propagateAtLaunch: boolean };
      expect(r.inputs.autoscalingGroupName).toBe("eks-fabric-h200-plan");
      return [tag.key, tag.value];
    }));
    expect(tags.get("k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu")).toBe("8");
    expect(tags.get("k8s.io/cluster-autoscaler/node-template/resources/vpc.amazonaws.com/efa")).toBe("16");
    expect(tags.get("k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu")).toBe("present:NoSchedule");
    expect(tags.get("k8s.io/cluster-autoscaler/node-template/label/llm-platform/gpu")).toBe("H200");
    expect(tags.get("k8s.io/cluster-autoscaler/enabled")).toBe("true");
    expect(tags.get("k8s.io/cluster-autoscaler/llm-fabric")).toBe("owned");
    expect(find(stack, "aws:eks/nodeGroup:NodeGroup", "fabric-h200").inputs.scalingConfig).toEqual({ minSize: 0, desiredSize: 0, maxSize: 4 });
  });

  it("links each node group to its launch template by name", () => {
    expect(find(stack, "aws:eks/nodeGroup:NodeGroup", "fabric-h100").inputs.launchTemplate).toEqual({ name: "llm-fabric-h100", version: "1" });
  });
});

describe("AWS EFA device plugin", () => {
  it("is a pinned Helm release in kube-system, only on EFA pools, tolerating the GPU taint", async () => {
    const prod = await referencePlan("prod");
    const release = named(prod, "kubernetes:helm.sh/v3:Release", "prod-efa-device-plugin");
    expect(release.inputs).toMatchObject({ chart: "aws-efa-k8s-device-plugin", version: CHARTS.efaDevicePlugin.version, namespace: "kube-system", repositoryOpts: { repo: "https://aws.github.io/eks-charts" } });
    const values = release.inputs.values as ReturnType<typeof efaDevicePluginValues>;
    expect(values.nodeSelector).toEqual({ "llm-platform/fabric": "efa" });
    expect(values.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(values.image).toEqual({ repository: IMAGES.efaDevicePlugin.repository, tag: "v0.5.20" });
  });

  it("lists exactly the catalog's EFA-capable types in its node affinity", async () => {
    const values = named(await referencePlan("prod"), "kubernetes:helm.sh/v3:Release", "prod-efa-device-plugin").inputs.values as ReturnType<typeof efaDevicePluginValues>;
    expect(values.supportedInstanceLabels.keys).toEqual(["node.kubernetes.io/instance-type"]);
    // The EFA-capable sizes of the catalog's families, per the EC2 user guide's "Supported instance
    // types" for EFA (g5 and g6e from 8xlarge up; every p3dn, p4, p5 and p6 size the catalog has).
    expect([...values.supportedInstanceLabels.values].sort()).toEqual([
      "g5.12xlarge", "g5.16xlarge", "g5.24xlarge", "g5.48xlarge", "g5.8xlarge",
      "g6e.12xlarge", "g6e.16xlarge", "g6e.24xlarge", "g6e.48xlarge", "g6e.8xlarge",
      "p3dn.24xlarge", "p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge",
    ]);
  });

  it("is not installed on a stack without EFA pools", async () => {
    expect(ofType(await referencePlan("dev"), "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).not.toContain("aws-efa-k8s-device-plugin");
  });
});

describe("on-prem InfiniBand (target existing)", () => {
  it("renders the Network Operator and a NicClusterPolicy for the InfiniBand pools, and no AWS resource", async () => {
    const onprem = await referencePlan("onprem");
    expect(onprem.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    const release = named(onprem, "kubernetes:helm.sh/v3:Release", "onprem-network-operator");
    expect(release.inputs).toMatchObject({ chart: "network-operator", version: "26.4.1", namespace: "nvidia-network-operator" });
    const policy = named(onprem, "kubernetes:mellanox.com/v1alpha1:NicClusterPolicy", "onprem-network-operator-nic-cluster-policy");
    expect(policy.options.dependsOn).toEqual([release.urn]);
    const spec = (policy.inputs as any).spec;
    expect(JSON.parse(spec.rdmaSharedDevicePlugin.config)).toEqual({
      configList: [{ resourceName: "rdma_shared_device_a", resourcePrefix: "rdma", rdmaHcaMax: 63, selectors: { vendors: ["15b3"], linkTypes: ["infiniband"] } }],
    });
    expect(spec.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "llm-platform/pool", operator: "In", values: ["train-a100"] }] },
      { matchExpressions: [{ key: "llm-platform/pool", operator: "In", values: ["train-a800"] }] },
    ]);
  });
});

describeWithUpstream("chart values contract (../shared/upstream/charts)", () => {
  it("sets only keys the pinned EFA device plugin chart defines, at its pinned version", () => {
    const chart = readUpstreamYaml("charts/aws-efa-k8s-device-plugin/master/Chart.yaml");
    expect([chart.version, chart.appVersion]).toEqual([CHARTS.efaDevicePlugin.version, IMAGES.efaDevicePlugin.tag]);
    const defaults = readUpstreamYaml("charts/aws-efa-k8s-device-plugin/master/values.yaml");
    expect(unknownValueKeys(efaDevicePluginValues(), defaults)).toEqual([]);
    expect(defaults.image.repository).toBe(IMAGES.efaDevicePlugin.repository);
  });

  it("never lists a type upstream does not know as EFA-capable, and misses none upstream lists", () => {
    const upstream: string[] = readUpstreamYaml("charts/aws-efa-k8s-device-plugin/master/values.yaml").supportedInstanceLabels.values;
    expect(efaCapableInstanceTypes().filter((t) => !upstream.includes(t))).toEqual([]);
    const { instanceTypeNames } = require("../infra/catalog/instances") as typeof import("../infra/catalog/instances");
    expect(instanceTypeNames().filter((t) => upstream.includes(t) && !efaCapableInstanceTypes().includes(t))).toEqual([]);
  });

  it("sets only keys the pinned Network Operator chart defines, at its pinned version", () => {
    const chart = readUpstreamYaml("charts/network-operator/v26.4.1/Chart.yaml");
    expect(chart.version).toBe(CHARTS.networkOperator.version);
    const defaults = readUpstreamYaml("charts/network-operator/v26.4.1/values.yaml");
    expect(unknownValueKeys(networkOperatorValues(), defaults)).toEqual([]);
    expect(defaults.operator.ofedDriver.initContainer.version).toBe(IMAGES.rdmaSharedDevicePlugin.version);
  });

  it("the contract check itself catches a misspelt key", () => {
    const defaults = readUpstreamYaml("charts/aws-efa-k8s-device-plugin/master/values.yaml");
    expect(unknownValueKeys({ supportedInstanceLabel: { values: [] }, image: { tags: "x" } }, defaults)).toEqual(["supportedInstanceLabel", "image.tags"]);
  });
});
