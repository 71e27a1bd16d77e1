import { StackValidationPolicy } from "@pulumi/policy";
import { PLATFORM_TYPE } from "../infra/manifest";
import { costAtMaxWithinBudget, costFullyPriced, costWithinBudget } from "../policies/cost";
import { eksEndpointNotPublic } from "../policies/eksEndpoint";
import { eksSecretsEncrypted } from "../policies/eksSecretsEncryption";
import { runPolicies } from "../policies/run";
import { recorded } from "./helpers/resources";

const platform = (budgetUsdPerMonth: number) =>
  recorded(PLATFORM_TYPE, "test", { stack: "test", target: "aws", budgetUsdPerMonth, gpuStack: {}, nodePools: [] });
const h100Pool = (desired: number, max: number) =>
  recorded("aws:eks/nodeGroup:NodeGroup", "train-h100", { instanceTypes: ["p5.48xlarge"], scalingConfig: { minSize: 0, desiredSize: desired, maxSize: max }, launchTemplate: { id: "lt" } });
const secureCluster = {
  name: "llm-test",
  vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["a", "b"] },
  encryptionConfig: { provider: { keyArn: "arn:aws:kms:us-east-1:000000000000:key/k" }, resources: ["secrets"] },
};
const cluster = (inputs: Record<string, unknown>) => recorded("aws:eks/cluster:Cluster", "eks", inputs);

describe("policy cost-within-budget (mandatory)", () => {
  it("passes when the expected monthly cost is within the budget", async () => {
    const { violations } = await runPolicies([costWithinBudget], [platform(100_000), h100Pool(2, 8)]);
    expect(violations).toEqual([]);
  });

  it("fails when the expected cost exceeds the budget, naming both amounts and the largest lines", async () => {
    const { violations } = await runPolicies([costWithinBudget], [platform(50_000), h100Pool(2, 8)]);
    expect(violations).toEqual([{
      policy: "cost-within-budget",
      enforcement: "mandatory",
      message:
        "expected monthly cost $80,358.40 exceeds llm-platform:budgetUsdPerMonth $50,000.00 (min $0.00, max $321,433.60); " +
        "largest: train-h100 $80,358.40. Lower desiredNodes or pick smaller instance types, or raise the budget.",
    }]);
  });

  it("is not applicable to a stack without the platform component", async () => {
    const result = await runPolicies([costWithinBudget], [h100Pool(2, 8)]);
    expect(result.violations).toEqual([]);
    expect(result.notApplicable).toEqual([{ policy: "cost-within-budget", reason: "no llm-platform:index:Platform resource carries the platform manifest" }]);
  });
});

describe("cost-within-budget on its boundary", () => {
  // 2 × p5.48xlarge: 2 × 55.04 × 730 = $80,358.40 expected; 8 at most: $321,433.60
  it("passes a budget equal to the expected cost and fails one a cent under it", async () => {
    expect((await runPolicies([costWithinBudget], [platform(80_358.4), h100Pool(2, 8)])).violations).toEqual([]);
    expect((await runPolicies([costWithinBudget], [platform(80_358.39), h100Pool(2, 8)])).violations.map((v) => v.message)).toEqual([
      "expected monthly cost $80,358.40 exceeds llm-platform:budgetUsdPerMonth $80,358.39 (min $0.00, max $321,433.60); largest: train-h100 $80,358.40. Lower desiredNodes or pick smaller instance types, or raise the budget.",
    ]);
  });

  it("names the three largest lines, largest first", async () => {
    const pool = (name: string, type: string, desired: number) =>
      recorded("aws:eks/nodeGroup:NodeGroup", name, { instanceTypes: [type], scalingConfig: { minSize: 0, desiredSize: desired, maxSize: desired }, launchTemplate: { id: "lt" } });
    const resources = [platform(1), pool("small", "m6i.large", 1), pool("h100", "p5.48xlarge", 1), pool("l40s", "g6e.xlarge", 1), pool("mid", "m6i.2xlarge", 1)];
    // 730 h: m6i.large $70.08, p5.48xlarge $40,179.20, g6e.xlarge $1,358.53, m6i.2xlarge 0.384 × 730 = $280.32
    const [violation] = (await runPolicies([costWithinBudget], resources)).violations;
    expect(violation.message).toContain("; largest: h100 $40,179.20, l40s $1,358.53, mid $280.32. Lower desiredNodes");
  });

  it("cost-at-max-within-budget passes a budget equal to the maximum and warns a cent under it", async () => {
    expect((await runPolicies([costAtMaxWithinBudget], [platform(321_433.6), h100Pool(2, 8)])).violations).toEqual([]);
    expect((await runPolicies([costAtMaxWithinBudget], [platform(321_433.59), h100Pool(2, 8)])).violations).toEqual([{
      policy: "cost-at-max-within-budget",
      enforcement: "advisory",
      message: "at every pool's maxNodes the monthly cost would be $321,433.60, over the $321,433.59 budget; GPU quotas (Kueue) or lower maxNodes cap it",
    }]);
  });

  it("is not applicable without the platform manifest, for the max-cost advice too", async () => {
    expect((await runPolicies([costAtMaxWithinBudget], [h100Pool(2, 8)])).notApplicable).toEqual([{ policy: "cost-at-max-within-budget", reason: "no llm-platform:index:Platform resource carries the platform manifest" }]);
  });
});

describe("advisory cost policies", () => {
  it("cost-at-max-within-budget warns when maxNodes could spend past the budget, and is quiet otherwise", async () => {
    expect((await runPolicies([costAtMaxWithinBudget], [platform(100_000), h100Pool(2, 8)])).violations).toEqual([
      expect.objectContaining({ policy: "cost-at-max-within-budget", enforcement: "advisory", message: expect.stringContaining("$321,433.60, over the $100,000.00 budget") }),
    ]);
    expect((await runPolicies([costAtMaxWithinBudget], [platform(400_000), h100Pool(2, 8)])).violations).toEqual([]);
  });

  it("cost-fully-priced names resources without a price, and is quiet when all are priced", async () => {
    const logs = recorded("aws:cloudwatch/logGroup:LogGroup", "eks-logs", {});
    expect((await runPolicies([costFullyPriced], [platform(1), logs])).violations).toEqual([
      { policy: "cost-fully-priced", enforcement: "advisory", message: "1 resource(s) have no price, so $0.00/month is a lower bound: eks-logs" },
    ]);
    expect((await runPolicies([costFullyPriced], [platform(1), h100Pool(1, 1)])).violations).toEqual([]);
  });
});

describe("policy eks-endpoint-not-public (mandatory)", () => {
  it("passes a private endpoint", async () => {
    expect((await runPolicies([eksEndpointNotPublic], [cluster(secureCluster)])).violations).toEqual([]);
  });

  it("passes a public endpoint restricted to an allow-list", async () => {
    const c = cluster({ ...secureCluster, vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/26"] } });
    expect((await runPolicies([eksEndpointNotPublic], [c])).violations).toEqual([]);
  });

  it("fails a public endpoint open to 0.0.0.0/0", async () => {
    const c = cluster({ ...secureCluster, vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/8", "0.0.0.0/0"] } });
    const { violations } = await runPolicies([eksEndpointNotPublic], [c]);
    expect(violations).toEqual([{
      policy: "eks-endpoint-not-public",
      enforcement: "mandatory",
      urn: c.urn,
      message: "cluster llm-test allows 0.0.0.0/0 to reach its public API endpoint; list only your CI runners' or VPN's CIDRs",
    }]);
  });

  it("reads a cluster without vpcConfig as AWS's default: public to everyone", async () => {
    const { vpcConfig: _none, ...bare } = secureCluster;
    expect((await runPolicies([eksEndpointNotPublic], [cluster(bare)])).violations.map((v) => v.message)).toEqual([
      "cluster llm-test has a public API endpoint with no CIDR allow-list (AWS then allows 0.0.0.0/0); set endpointPublicAccess false or list CIDRs in llm-platform:cluster.publicAccessCidrs",
    ]);
    const unnamed = cluster({ vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } });
    expect((await runPolicies([eksEndpointNotPublic], [unnamed])).violations.map((v) => v.message)).toEqual([
      "cluster  allows 0.0.0.0/0 to reach its public API endpoint; list only your CI runners' or VPN's CIDRs",
    ]);
  });

  it("passes a private endpoint even with CIDRs listed, and fails an empty allow-list", async () => {
    const privateWithCidrs = cluster({ ...secureCluster, vpcConfig: { endpointPublicAccess: false, publicAccessCidrs: ["0.0.0.0/0"] } });
    expect((await runPolicies([eksEndpointNotPublic], [privateWithCidrs])).violations).toEqual([]);
    const emptyList = cluster({ ...secureCluster, vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: [] } });
    expect((await runPolicies([eksEndpointNotPublic], [emptyList])).violations.map((v) => v.message)).toEqual([
      "cluster llm-test has a public API endpoint with no CIDR allow-list (AWS then allows 0.0.0.0/0); set endpointPublicAccess false or list CIDRs in llm-platform:cluster.publicAccessCidrs",
    ]);
  });

  it("fails a cluster that leaves endpoint access unset (AWS defaults to public, open to all)", async () => {
    const { violations } = await runPolicies([eksEndpointNotPublic], [cluster({ ...secureCluster, vpcConfig: { subnetIds: ["a"] } })]);
    expect(violations.map((v) => v.message)).toEqual([
      "cluster llm-test has a public API endpoint with no CIDR allow-list (AWS then allows 0.0.0.0/0); set endpointPublicAccess false or list CIDRs in llm-platform:cluster.publicAccessCidrs",
    ]);
  });
});

describe("policy eks-secrets-encrypted (mandatory)", () => {
  const SECRETS_NOT_ENCRYPTED = 'cluster llm-test does not encrypt Secrets with a KMS key; set encryptionConfig { provider.keyArn, resources: ["secrets"] } (the EksCluster component does)';

  it("passes a cluster that envelope-encrypts secrets with KMS", async () => {
    expect((await runPolicies([eksSecretsEncrypted], [cluster(secureCluster)])).violations).toEqual([]);
  });

  it("fails a cluster without encryptionConfig", async () => {
    const { encryptionConfig: _none, ...plain } = secureCluster;
    const { violations } = await runPolicies([eksSecretsEncrypted], [cluster(plain)]);
    expect(violations).toEqual([{ policy: "eks-secrets-encrypted", enforcement: "mandatory", urn: cluster(plain).urn, message: SECRETS_NOT_ENCRYPTED }]);
  });

  it("fails encryption that does not cover secrets", async () => {
    const c = cluster({ ...secureCluster, encryptionConfig: { provider: { keyArn: "arn" }, resources: [] } });
    expect((await runPolicies([eksSecretsEncrypted], [c])).violations.map((v) => v.message)).toEqual([SECRETS_NOT_ENCRYPTED]);
  });

  it("fails encryption config without resources or without a provider", async () => {
    for (const encryptionConfig of [{ provider: { keyArn: "arn" } }, { resources: ["secrets"] }]) {
      const c = cluster({ ...secureCluster, encryptionConfig });
      expect([encryptionConfig, (await runPolicies([eksSecretsEncrypted], [c])).violations.map((v) => v.message)]).toEqual([encryptionConfig, [SECRETS_NOT_ENCRYPTED]]);
    }
  });

  it("fails encryption of secrets without a key", async () => {
    const c = cluster({ ...secureCluster, encryptionConfig: { provider: {}, resources: ["secrets"] } });
    expect((await runPolicies([eksSecretsEncrypted], [c])).violations.map((v) => v.message)).toEqual([SECRETS_NOT_ENCRYPTED]);
  });
});

describe("policy runner (the analyzer's arguments)", () => {
  it("passes stack policies linked parents, dependencies, options and the provider", async () => {
    const seen: Parameters<StackValidationPolicy["validateStack"]>[0][] = [];
    const probe: StackValidationPolicy = { name: "probe", description: "probe", enforcementLevel: "advisory", validateStack: (args) => void seen.push(args) };
    const parent = recorded("llm-platform:cluster:EksCluster", "eks", {});
    const provider = recorded("pulumi:providers:kubernetes", "k8s", { kubeconfig: "[secret]" });
    const key = recorded("aws:kms/key:Key", "key", { enableKeyRotation: true }, { protect: true }, parent.urn);
    const ns = recorded("kubernetes:core/v1:Namespace", "ns", {}, { provider: provider.urn, dependsOn: [key.urn] }, parent.urn);
    await runPolicies([probe], [parent, provider, key, ns], { stackTags: new Map([["team", "ml"]]) });
    const args = seen[0];
    const byName = new Map(args.resources.map((r) => [r.name, r]));
    expect(byName.get("key")!.opts.protect).toBe(true);
    expect(byName.get("key")!.parent?.name).toBe("eks");
    expect(byName.get("ns")!.dependencies.map((d) => d.name)).toEqual(["key"]);
    expect(byName.get("ns")!.provider).toEqual({ type: "pulumi:providers:kubernetes", props: { kubeconfig: "[secret]" }, urn: provider.urn, name: "k8s" });
    expect(args.stackTags.get("team")).toBe("ml");
    expect(args.getConfig()).toEqual({});
  });

  it("applies enforcement from pack config over the policy's own, and skips disabled policies", async () => {
    const c = cluster({ ...secureCluster, vpcConfig: {} });
    const advisory = await runPolicies([eksEndpointNotPublic], [c], { config: { "eks-endpoint-not-public": { enforcementLevel: "advisory" } } });
    expect(advisory.violations[0].enforcement).toBe("advisory");
    const disabled = await runPolicies([eksEndpointNotPublic], [c], { config: { "eks-endpoint-not-public": { enforcementLevel: "disabled" } } });
    expect(disabled.violations).toEqual([]);
  });

  it("runs typed resource policies only on their type", async () => {
    const { violations, notApplicable } = await runPolicies([eksSecretsEncrypted], [recorded("aws:kms/key:Key", "k", {})]);
    expect(violations).toEqual([]);
    expect(notApplicable).toEqual([]);
  });
});
