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

  it("formats money as US dollars with cents", () => {
    expect(formatUsd(143000.19)).toBe("$143,000.19");
    expect(formatUsd(0)).toBe("$0.00");
  });
});
