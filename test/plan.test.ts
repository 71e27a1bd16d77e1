import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_CLEAN, EXIT_CONFIG, EXIT_POLICY } from "../infra/plan/cli";
import { cli, CliRun } from "./helpers/cli";
import { referenceStackDoc, tempProject } from "./helpers/stacks";


const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "llm-platform-plan-"));
const project = tempProject({
  overbudget: { ...referenceStackDoc("staging").config, "llm-platform:budgetUsdPerMonth": 5000 },
  broken: {
    ...referenceStackDoc("prod").config,
    "llm-platform:budgetUsdPerMonth": "lots",
    "llm-platform:nodePools": [
      { name: "system", instanceType: "m6i.large", purpose: "system", minNodes: 2, maxNodes: 3 },
      { name: "train", instanceType: "p5.48xl", purpose: "training", minNodes: 0, maxNodes: 2 },
      { name: "train", instanceType: "g6e.xlarge", purpose: "training", minNodes: 3, maxNodes: 2 },
    ],
  },
});

describe("npm run plan", () => {
  let all: CliRun;
  let json: any[];
  beforeAll(async () => {
    all = await cli("--all", "--json", path.join(tmp, "all.json"), "--markdown", path.join(tmp, "all.md"));
    json = JSON.parse(fs.readFileSync(path.join(tmp, "all.json"), "utf8"));
  });

  it("plans dev by default and exits 0 with a one-line summary", async () => {
    const run = await cli();
    expect(run.code).toBe(EXIT_CLEAN);
    expect(run.out).toMatch(/^dev: \d+ resources, 0 mandatory \/ \d+ advisory policy violations, \$[\d,.]+\/month expected \(min \$[\d,.]+, max \$[\d,.]+; budget \$1,500\.00\) \[\d+ ms\]$/);
  });

  it("covers all four reference stacks with --all, one progress line each, and exits 0", () => {
    expect(all.code).toBe(EXIT_CLEAN);
    expect(json.map((s) => s.stack)).toEqual(["dev", "onprem", "prod", "staging"]);
    expect(all.out.split("\n").filter((l) => /^\w+: \d+ resources/.test(l))).toHaveLength(4);
    expect(all.out).toMatch(/planned 4\/4 stacks in \d+ ms/);
  });

  it("writes the public JSON contract: stack, resources, policies, cost, inference, gateways", () => {
    for (const stack of json) {
      expect(Object.keys(stack)).toEqual(["stack", "resources", "policies", "cost", "inference", "gateways"]);
      for (const i of stack.inference) {
        expect(Object.keys(i)).toEqual(["endpoint", "pool", "gpu", "estimate", "alternatives"]);
        expect(Object.keys(i.estimate)).toEqual(["ttftMs", "itlMs", "replyMs", "repliesPerSecondPerReplica", "usdPerThousandReplies"]);
        for (const a of i.alternatives) expect(Object.keys(a)).toEqual(["gpu", "ttftMs", "itlMs", "replyMs", "usdPerThousandReplies"]);
      }
      // The first contract's six fields, then the dependency fields added for the review.
      for (const r of stack.resources) expect(Object.keys(r)).toEqual(["urn", "type", "name", "parent", "inputs", "options", "custom", "inputDependencies", "propertyDependencies"]);
      for (const p of stack.policies) expect(Object.keys(p)).toEqual(["policy", "enforcement", "urn", "message"]);
      expect(Object.keys(stack.cost)).toEqual(["currency", "monthly", "lines", "unpriced"]);
      expect(Object.keys(stack.cost.monthly)).toEqual(["min", "expected", "max"]);
      for (const l of stack.cost.lines) expect(Object.keys(l)).toEqual(["urn", "description", "monthly"]);
    }
  });

  it("records parents: the stack at the root, components under it, resources under their component", () => {
    const prod = json.find((s) => s.stack === "prod");
    const byUrn = new Map(prod.resources.map((r: any) => [r.urn, r]));
    const stack = prod.resources.find((r: any) => r.type === "pulumi:pulumi:Stack");
    expect(stack.parent).toBeNull();
    const platform = prod.resources.find((r: any) => r.type === "llm-platform:index:Platform");
    expect(platform.parent).toBe(stack.urn);
    const nodeGroup = prod.resources.find((r: any) => r.name === "prod-train-h100" && r.type === "aws:eks/nodeGroup:NodeGroup");
    expect((byUrn.get(nodeGroup.parent) as any).type).toBe("llm-platform:nodes:NodePool");
    expect((byUrn.get((byUrn.get(nodeGroup.parent) as any).parent) as any).type).toBe("llm-platform:index:Platform");
    for (const r of prod.resources) if (r.parent) expect(byUrn.has(r.parent)).toBe(true);
  });

  it("records options: protect on the cluster and KMS key, dependsOn, ignoreChanges and explicit providers", () => {
    const prod = json.find((s) => s.stack === "prod");
    const find = (type: string, name: string) => prod.resources.find((r: any) => r.type === type && r.name === name);
    expect(find("aws:eks/cluster:Cluster", "prod-eks").options.protect).toBe(true);
    expect(find("aws:kms/key:Key", "prod-eks-secrets").options.protect).toBe(true);
    expect(find("aws:ec2/vpc:Vpc", "prod-vpc").options.protect).toBe(false);
    expect(find("aws:eks/cluster:Cluster", "prod-eks").options.dependsOn).toEqual([
      find("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "prod-eks-cluster").urn,
      find("aws:cloudwatch/logGroup:LogGroup", "prod-eks-control-plane").urn,
    ]);
    expect(find("aws:eks/nodeGroup:NodeGroup", "prod-train-h100").options.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    const provider = find("pulumi:providers:kubernetes", "prod-k8s");
    expect(find("kubernetes:core/v1:Namespace", "prod-system").options.provider).toBe(provider.urn);
  });

  it("records implicit dependencies: the resources whose outputs flow into each input", () => {
    const prod = json.find((s) => s.stack === "prod");
    const find = (type: string, name: string) => prod.resources.find((r: any) => r.type === type && r.name === name);
    const fsx = find("aws:fsx/lustreFileSystem:LustreFileSystem", "prod-storage-shards");
    expect(fsx.propertyDependencies).toEqual({
      kmsKeyId: [find("aws:kms/key:Key", "prod-storage-data").urn],
      "securityGroupIds[0]": [find("aws:ec2/securityGroup:SecurityGroup", "prod-storage-lustre").urn],
      subnetIds: [find("aws:ec2/subnet:Subnet", "prod-vpc-private-us-east-1a").urn],
    });
    expect(fsx.inputDependencies).toEqual([...new Set(Object.values(fsx.propertyDependencies).flat())].sort());
    // A value the program computes itself (a literal) brings no dependency.
    expect(fsx.propertyDependencies.storageCapacity).toBeUndefined();
    const volume = find("kubernetes:core/v1:PersistentVolume", "prod-storage-research");
    expect(volume.propertyDependencies["spec.csi.volumeHandle"]).toEqual([fsx.urn]);
    expect(find("pulumi:pulumi:Stack", "llm-platform-prod").inputDependencies).toEqual([]);
  });

  it("keeps secure: values opaque", () => {
    const onprem = json.find((s) => s.stack === "onprem");
    const provider = onprem.resources.find((r: any) => r.type === "pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(fs.readFileSync(path.join(tmp, "all.json"), "utf8")).not.toContain("fAKeCiPHeRTeXt");
  });

  it("creates no AWS resource for the on-prem stack", () => {
    const onprem = json.find((s) => s.stack === "onprem");
    expect(onprem.resources.filter((r: any) => r.type.startsWith("aws:"))).toEqual([]);
    expect(onprem.cost.monthly).toEqual({ min: 0, expected: 0, max: 0 });
  });

  it("reports no mandatory violation for the reference stacks", () => {
    for (const stack of json) expect([stack.stack, stack.policies.filter((p: any) => p.enforcement === "mandatory")]).toEqual([stack.stack, []]);
  });

  it("prices dev line by line at AWS's published us-east-1 prices", () => {
    const dev = json.find((s) => s.stack === "dev");
    // By hand, 730 h a month: public IPv4 730 × $0.005 = $3.65; NAT gateway 730 × $0.045 = $32.85; two KMS
    // keys (the platform's logs, the cluster's Secrets) $1 each; EKS control plane 730 × $0.10 = $73;
    // m6i.large 730 × $0.096 + 50 GB gp3 × $0.08 = $74.08 a node, 2 expected / 3 at most;
    // g6e.xlarge 730 × $1.861 + 200 GB × $0.08 = $1,374.53 a node, 0 expected / 1 at most.
    expect(dev.cost.lines.map((l: any) => l.monthly)).toEqual([
      { min: 1, expected: 1, max: 1 },
      { min: 3.65, expected: 3.65, max: 3.65 },
      { min: 32.85, expected: 32.85, max: 32.85 },
      { min: 1, expected: 1, max: 1 },
      { min: 73, expected: 73, max: 73 },
      { min: 148.16, expected: 148.16, max: 222.24 },
      { min: 0, expected: 0, max: 1374.53 },
    ]);
    // 1 + 3.65 + 32.85 + 1 + 73 + 148.16 = 259.66; at most 1 + 3.65 + 32.85 + 1 + 73 + 222.24 + 1,374.53 = 1,708.27
    expect(dev.cost.monthly).toEqual({ min: 259.66, expected: 259.66, max: 1708.27 });
  });

  it("writes a reviewer's Markdown report with pools, policies, cost against budget and a Mermaid diagram", () => {
    const md = fs.readFileSync(path.join(tmp, "all.md"), "utf8");
    for (const heading of ["## ✅ prod", "### Node pools", "### Policies", "### Monthly cost", "### Resources by component", "```mermaid"]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain("| train-h100 | training | p5.48xlarge | 8 × H100 | efa | 3200 Gbps | 400 Gbps | 0/2/8 |");
    expect(md).toContain("| budget | llm-platform:budgetUsdPerMonth | $175,000.00 |");
    expect(md).toMatch(/flowchart TD\n {2}c0\["Stack llm-platform-prod"\]\n {2}c1\["Platform prod( \(\d+\))?"\]\n {2}c2\["Vpc prod-vpc \(\d+\)"\]/);
    expect(md).toContain("  c0 --> c1\n  c1 --> c2");
  });

  it("exits 1 and names the policy when a stack is over its budget", async () => {
    const run = await cli("--project", project, "--stack", "overbudget");
    expect(run.code).toBe(EXIT_POLICY);
    expect(run.out).toContain("mandatory cost-within-budget: expected monthly cost $22,291.39 exceeds llm-platform:budgetUsdPerMonth $5,000.00");
  });

  it("exits 2 listing every problem of a broken stack", async () => {
    const run = await cli("--project", project, "--stack", "broken");
    expect(run.code).toBe(EXIT_CONFIG);
    expect(run.err.split("\n")).toEqual([
      "stack broken: 4 config problems:",
      '  - llm-platform:budgetUsdPerMonth: "lots" is not a number',
      '  - llm-platform:nodePools[1].instanceType: "p5.48xl" is not a known instance type (did you mean p5.48xlarge?)',
      "  - llm-platform:nodePools[2].minNodes: 3 is greater than maxNodes 2 (minNodes must be ≤ maxNodes)",
      '  - llm-platform:nodePools[2].name: "train" is already the name of nodePools[1] (pool names must be unique)',
    ]);
  });

  it("with --all plans the good stacks, reports the broken one and exits 2", async () => {
    const run = await cli("--project", project, "--all", "--json", path.join(tmp, "mixed.json"));
    expect(run.code).toBe(EXIT_CONFIG);
    expect(run.err).toContain("stack broken: 4 config problems");
    expect(JSON.parse(fs.readFileSync(path.join(tmp, "mixed.json"), "utf8")).map((s: any) => s.stack)).toEqual(["dev", "onprem", "overbudget", "prod", "staging"]);
  });

  it.each([
    [["--stack", "nope"], "--stack nope: no such stack (stacks: dev, onprem, prod, staging)"],
    [["--stack", "dev", "--all"], "--stack and --all exclude each other: pass one"],
    [["--frobnicate"], "error: unknown option '--frobnicate'"],
    [["--project", "/nonexistent"], "--project /nonexistent: no Pulumi.yaml there"],
  ])("exits 2 on usage error %j", async (args, message) => {
    const run = await cli(...args);
    expect(run.code).toBe(EXIT_CONFIG);
    expect(run.err).toContain(message);
  });
});
