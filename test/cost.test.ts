import { formatUsd, priceResources, PricedResourceInput } from "../infra/cost/model";
import { ON_DEMAND_USD_PER_HOUR } from "../infra/cost/prices";

const urn = (type: string, name: string) => `urn:pulumi:test::llm-platform::${type}::${name}`;
const r = (type: string, name: string, inputs: Record<string, unknown> = {}): PricedResourceInput => ({ urn: urn(type, name), type, inputs });
const nodeGroup = (name: string, instanceType: string, min: number, desired: number, max: number, extra: Record<string, unknown> = {}) =>
  r("aws:eks/nodeGroup:NodeGroup", name, { instanceTypes: [instanceType], scalingConfig: { minSize: min, desiredSize: desired, maxSize: max }, ...extra });

describe("cost model", () => {
  it("prices the EKS control plane, a NAT gateway, its public IP and a KMS key at their published rates", () => {
    const report = priceResources([
      r("aws:eks/cluster:Cluster", "eks"),
      r("aws:ec2/natGateway:NatGateway", "nat"),
      r("aws:ec2/eip:Eip", "nat"),
      r("aws:kms/key:Key", "key"),
    ]);
    // 0.10 × 730 = 73.00; 0.045 × 730 = 32.85; 0.005 × 730 = 3.65; 1.00
    expect(report.lines.map((l) => l.monthly.expected)).toEqual([73, 32.85, 3.65, 1]);
    expect(report.monthly).toEqual({ min: 110.5, expected: 110.5, max: 110.5 });
    expect(report.unpriced).toEqual([]);
  });

  it("prices a node group at min, desired and max nodes, with its default root volumes", () => {
    const report = priceResources([nodeGroup("system", "m6i.large", 2, 2, 3, { diskSize: 50 })]);
    // per node: 0.096 × 730 = 70.08 + 50 GB × 0.08 = 4.00 → 74.08
    expect(report.lines[0].monthly).toEqual({ min: 148.16, expected: 148.16, max: 222.24 });
    expect(report.lines[0].description).toBe("m6i.large × 2/2/3 nodes (min/expected/max) at $0.096/h on demand + 50 GB gp3 each");
  });

  it("prices an H100 pool that idles at zero and scales to eight nodes", () => {
    const report = priceResources([nodeGroup("train-h100", "p5.48xlarge", 0, 2, 8, { launchTemplate: { id: "lt-1", version: "1" } })]);
    // 55.04 × 730 = 40,179.20 per node; volumes come from the launch template, not diskSize
    expect(report.lines[0].monthly).toEqual({ min: 0, expected: 80358.4, max: 321433.6 });
  });

  it("lists a pool of a type with no published price as unpriced, not as zero", () => {
    expect(ON_DEMAND_USD_PER_HOUR["p5e.48xlarge"]).toBeUndefined();
    const report = priceResources([nodeGroup("train-h200", "p5e.48xlarge", 0, 1, 4), r("aws:kms/key:Key", "key")]);
    expect(report.unpriced).toEqual([urn("aws:eks/nodeGroup:NodeGroup", "train-h200")]);
    expect(report.monthly.expected).toBe(1);
  });

  it("prices FSx for Lustre PERSISTENT_2 by capacity and throughput tier, and an EBS volume by size", () => {
    const report = priceResources([
      r("aws:fsx/lustreFileSystem:LustreFileSystem", "shards", { deploymentType: "PERSISTENT_2", storageCapacity: 2400, perUnitStorageThroughput: 250 }),
      r("aws:ebs/volume:Volume", "scratch", { size: 100 }),
    ]);
    expect(report.lines.map((l) => l.monthly.expected)).toEqual([504, 8]); // 2400 × 0.21; 100 × 0.08
  });

  it("lists usage-billed and unknown AWS types as unpriced and skips free ones, components and Kubernetes objects", () => {
    const report = priceResources([
      r("aws:cloudwatch/logGroup:LogGroup", "logs"),
      r("aws:sagemaker/domain:Domain", "unknown"),
      r("aws:ec2/vpc:Vpc", "vpc"),
      r("aws:iam/role:Role", "role"),
      r("llm-platform:network:Vpc", "component"),
      r("kubernetes:core/v1:Namespace", "ns"),
      r("pulumi:providers:kubernetes", "k8s"),
    ]);
    expect(report.lines).toEqual([]);
    expect(report.unpriced).toEqual([urn("aws:cloudwatch/logGroup:LogGroup", "logs"), urn("aws:sagemaker/domain:Domain", "unknown")]);
  });

  it("writes each line's rate in its description", () => {
    const report = priceResources([
      r("aws:eks/cluster:Cluster", "eks"),
      r("aws:ec2/natGateway:NatGateway", "nat"),
      r("aws:ec2/eip:Eip", "nat"),
      r("aws:kms/key:Key", "key"),
      r("aws:ebs/volume:Volume", "scratch", { size: 100 }),
    ]);
    expect(report.lines.map((l) => l.description)).toEqual([
      "EKS control plane (730 h × $0.1/h)",
      "NAT gateway hours (730 h × $0.045/h; data processed not priced)",
      "public IPv4 address (730 h × $0.005/h)",
      "KMS customer managed key ($1/month; requests not priced)",
      "EBS gp3 100 GB × $0.08/GB-month",
    ]);
    expect(report.currency).toBe("USD");
  });

  it("sums the root volumes of a pool's launch template, and says when the template is not planned", () => {
    const template = r("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
      name: "llm-train",
      blockDeviceMappings: [{ ebs: { volumeSize: 200 } }, { ebs: { volumeSize: 300 } }, { deviceName: "/dev/sdb" }],
    });
    // p5.48xlarge 55.04 × 730 = 40,179.20 + 500 GB × 0.08 = 40.00 → 40,219.20 a node
    const withTemplate = priceResources([template, nodeGroup("train", "p5.48xlarge", 1, 1, 2, { launchTemplate: { name: "llm-train" } })]);
    expect(withTemplate.lines[0].monthly).toEqual({ min: 40219.2, expected: 40219.2, max: 80438.4 });
    expect(withTemplate.lines[0].description).toBe("p5.48xlarge × 1/1/2 nodes (min/expected/max) at $55.04/h on demand + 500 GB gp3 each");
    const missing = priceResources([nodeGroup("train", "p5.48xlarge", 1, 1, 1, { launchTemplate: { name: "elsewhere" } })]);
    expect(missing.lines[0].monthly.expected).toBe(40179.2);
    expect(missing.lines[0].description).toBe("p5.48xlarge × 1/1/1 nodes (min/expected/max) at $55.04/h on demand (root volumes of launch template elsewhere not priced: template not in the plan)");
  });

  it("uses EKS's 20 GiB default root volume without diskSize, and prices capacity blocks at the on-demand rate as an upper bound", () => {
    // m6i.large 70.08 + 20 × 0.08 = 1.60 → 71.68
    const report = priceResources([
      nodeGroup("system", "m6i.large", 1, 1, 1),
      nodeGroup("cb", "m6i.large", 1, 1, 1, { capacityType: "CAPACITY_BLOCK" }),
      nodeGroup("od", "m6i.large", 1, 1, 1, { capacityType: "ON_DEMAND" }),
    ]);
    expect(report.lines.map((l) => l.monthly.expected)).toEqual([71.68, 71.68, 71.68]);
    expect(report.lines.map((l) => l.description)).toEqual([
      "m6i.large × 1/1/1 nodes (min/expected/max) at $0.096/h on demand + 20 GB gp3 each",
      "m6i.large × 1/1/1 nodes (min/expected/max) at $0.096/h (CAPACITY_BLOCK: priced at the on-demand rate, an upper bound) + 20 GB gp3 each",
      "m6i.large × 1/1/1 nodes (min/expected/max) at $0.096/h on demand + 20 GB gp3 each",
    ]);
  });

  it("leaves a node group with an unknown node count unpriced", () => {
    const report = priceResources([r("aws:eks/nodeGroup:NodeGroup", "ng", { instanceTypes: ["m6i.large"], scalingConfig: { minSize: 1, maxSize: 2 } })]);
    expect(report.unpriced).toEqual([urn("aws:eks/nodeGroup:NodeGroup", "ng")]);
  });

  it("prices S3 by the expected data the bucket is tagged with, else leaves it unpriced", () => {
    const report = priceResources([
      r("aws:s3/bucket:Bucket", "data", { tags: { "llm-platform/expected-data-gib": "2000" } }),
      r("aws:s3/bucket:Bucket", "untagged", {}),
    ]);
    // 2000 × 0.023 = 46.00
    expect(report.lines).toEqual([{ urn: urn("aws:s3/bucket:Bucket", "data"), description: "S3 Standard 2000 GiB expected × $0.023/GB-month (requests and transfer not priced)", monthly: { min: 46, expected: 46, max: 46 } }]);
    expect(report.unpriced).toEqual([urn("aws:s3/bucket:Bucket", "untagged")]);
  });

  it("prices each FSx throughput tier and refuses what it has no rate for", () => {
    const fsx = (name: string, inputs: Record<string, unknown>) => r("aws:fsx/lustreFileSystem:LustreFileSystem", name, { deploymentType: "PERSISTENT_2", storageCapacity: 1200, ...inputs });
    const report = priceResources([
      fsx("t125", { perUnitStorageThroughput: 125 }), // 1200 × 0.145 = 174
      fsx("t1000", { perUnitStorageThroughput: 1000 }), // 1200 × 0.60 = 720
      fsx("scratch", { deploymentType: "SCRATCH_2", perUnitStorageThroughput: 125 }),
      fsx("t200", { perUnitStorageThroughput: 200 }),
      fsx("empty", { perUnitStorageThroughput: 125, storageCapacity: 0 }),
      r("aws:ebs/volume:Volume", "nosize", {}),
    ]);
    expect(report.lines.map((l) => [l.monthly.expected, l.description])).toEqual([
      [174, "FSx for Lustre PERSISTENT_2 1200 GiB × $0.145/GB-month (125 MB/s/TiB)"],
      [720, "FSx for Lustre PERSISTENT_2 1200 GiB × $0.6/GB-month (1000 MB/s/TiB)"],
    ]);
    expect(report.unpriced.map((u) => u.split("::").pop())).toEqual(["scratch", "t200", "empty", "nosize"]);
  });

  it("rounds each line and each total to cents", () => {
    // g6e.xlarge 1.861 × 730 = 1,358.53 exactly; three EIPs 3.65 each
    const report = priceResources([nodeGroup("l40s", "g6e.xlarge", 0, 1, 1, { diskSize: 0 }), r("aws:ec2/eip:Eip", "a"), r("aws:ec2/eip:Eip", "b"), r("aws:ec2/eip:Eip", "c")]);
    expect(report.monthly).toEqual({ min: 10.95, expected: 1369.48, max: 1369.48 });
  });

  it("leaves a volume of no size, and a node group without instance types, unpriced", () => {
    const report = priceResources([r("aws:ebs/volume:Volume", "empty", { size: 0 }), r("aws:eks/nodeGroup:NodeGroup", "ng", { scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 } })]);
    expect(report.unpriced).toEqual([urn("aws:ebs/volume:Volume", "empty"), urn("aws:eks/nodeGroup:NodeGroup", "ng")]);
  });

  it("finds a pool's template by name among launch templates only, and says so when the pool names none", () => {
    const template = (name: string | undefined, gb: number) => r("aws:ec2/launchTemplate:LaunchTemplate", name ?? "unnamed", { ...(name ? { name } : {}), blockDeviceMappings: [{ ebs: { volumeSize: gb } }] });
    const sameNameOtherType = r("aws:ec2/instance:Instance", "i", { name: "llm-train" }); // not a template: no volumes to borrow
    const named = priceResources([template("llm-train", 500), sameNameOtherType, nodeGroup("train", "m6i.large", 1, 1, 1, { launchTemplate: { name: "llm-train" } })]);
    expect(named.lines[0].description).toBe("m6i.large × 1/1/1 nodes (min/expected/max) at $0.096/h on demand + 500 GB gp3 each");
    // a template without a name is not the one a node group referring to it by id means
    const byId = priceResources([template(undefined, 300), nodeGroup("train", "m6i.large", 1, 1, 1, { launchTemplate: { id: "lt-0abc" } })]);
    expect(byId.lines[0].description).toBe("m6i.large × 1/1/1 nodes (min/expected/max) at $0.096/h on demand (root volumes of launch template ? not priced: template not in the plan)");
  });

  it("does not bill random values or Kubernetes objects, even with a slash in their type", () => {
    const report = priceResources([r("random:index/randomPassword:RandomPassword", "pw"), r("kubernetes:core/v1:Secret", "s")]);
    expect([report.lines, report.unpriced]).toEqual([[], []]);
  });

  it("bills nothing for the networking, IAM, tagging and bucket-setting resources AWS does not charge for", () => {
    // aws.amazon.com/vpc/pricing, /iam, /eks/pricing, /s3/pricing: these carry no charge of their own
    // (the instances, traffic, requests or storage behind them are billed, and priced elsewhere).
    const free = [
      "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route",
      "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/placementGroup:PlacementGroup",
      "aws:iam/role:Role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:kms/alias:Alias",
      "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws:eks/addon:Addon", "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "aws:autoscaling/tag:Tag",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketVersioning:BucketVersioning",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketPolicy:BucketPolicy",
      "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation",
    ];
    for (const type of free) {
      const report = priceResources([r(type, "x")]);
      expect([type, report.lines, report.unpriced]).toEqual([type, [], []]);
    }
  });

  it("formats money as US dollars with cents", () => {
    expect(formatUsd(143000.19)).toBe("$143,000.19");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
    expect(formatUsd(0.005)).toBe("$0.01");
  });
});
