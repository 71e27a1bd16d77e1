import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { runPolicies } from "../policies/run";
import { recorded } from "./helpers/resources";

// The runner as @pulumi/policy 1.21's analyzer server behaves: enforcement from the pack config,
// else the policy's own level, else the pack default, else advisory; "disabled" skips the policy;
// "remediate" reports as mandatory.
const complainAbout = (name: string, enforcementLevel?: ResourceValidationPolicy["enforcementLevel"]): ResourceValidationPolicy => ({
  name,
  description: name,
  ...(enforcementLevel ? { enforcementLevel } : {}),
  validateResource: (args, report) => report(`${args.name} is wrong`),
});
const one = [recorded("aws:kms/key:Key", "key", {})];
const levelsOf = async (policy: ResourceValidationPolicy, options: Parameters<typeof runPolicies>[2] = {}) =>
  (await runPolicies([policy], one, options)).violations.map((v) => v.enforcement);

describe("policy runner: enforcement levels", () => {
  it("reports a policy at its own level, mandatory or advisory", async () => {
    expect(await levelsOf(complainAbout("p", "mandatory"))).toEqual(["mandatory"]);
    expect(await levelsOf(complainAbout("p", "advisory"))).toEqual(["advisory"]);
  });

  it("lets the pack config raise an advisory policy to mandatory and lower a mandatory one to advisory", async () => {
    expect(await levelsOf(complainAbout("p", "advisory"), { config: { p: { enforcementLevel: "mandatory" } } })).toEqual(["mandatory"]);
    expect(await levelsOf(complainAbout("p", "mandatory"), { config: { p: { enforcementLevel: "advisory" } } })).toEqual(["advisory"]);
  });

  it("applies the config only to the policy it names", async () => {
    expect(await levelsOf(complainAbout("p", "mandatory"), { config: { other: { enforcementLevel: "advisory" } } })).toEqual(["mandatory"]);
  });

  it("skips a policy disabled by the config or by its own level", async () => {
    expect(await levelsOf(complainAbout("p", "mandatory"), { config: { p: { enforcementLevel: "disabled" } } })).toEqual([]);
    expect(await levelsOf(complainAbout("p", "disabled"))).toEqual([]);
  });

  it("reports remediate as mandatory", async () => {
    expect(await levelsOf(complainAbout("p", "remediate"))).toEqual(["mandatory"]);
  });

  it("falls back to the pack's level, then to advisory, for a policy without one", async () => {
    expect(await levelsOf(complainAbout("p"), { packEnforcementLevel: "mandatory" })).toEqual(["mandatory"]);
    expect(await levelsOf(complainAbout("p"))).toEqual(["advisory"]);
    expect(await levelsOf(complainAbout("p", "advisory"), { packEnforcementLevel: "mandatory" })).toEqual(["advisory"]);
  });
});

describe("policy runner: resource policies", () => {
  it("reports against the resource's URN unless the policy names another", async () => {
    const elsewhere: ResourceValidationPolicy = { name: "e", description: "e", enforcementLevel: "mandatory", validateResource: (_a, report) => report("m", "urn:other") };
    const [key] = one;
    expect((await runPolicies([complainAbout("p", "mandatory")], one)).violations).toEqual([{ policy: "p", enforcement: "mandatory", urn: key.urn, message: "key is wrong" }]);
    expect((await runPolicies([elsewhere], one)).violations).toEqual([{ policy: "e", enforcement: "mandatory", urn: "urn:other", message: "m" }]);
  });

  it("never hands the stack resource to a resource policy", async () => {
    const stack = recorded("pulumi:pulumi:Stack", "llm-platform-test", {});
    expect((await runPolicies([complainAbout("p", "mandatory")], [stack])).violations).toEqual([]);
  });

  it("passes the policy's config without its enforcement level, the options and the provider", async () => {
    const seen: unknown[] = [];
    const probe: ResourceValidationPolicy = {
      name: "probe",
      description: "probe",
      validateResource: (args) => void seen.push({ config: args.getConfig(), opts: args.opts, provider: args.provider?.name, type: args.type, props: args.props }),
    };
    const provider = recorded("pulumi:providers:aws", "aws", { region: "us-east-1" });
    const key = recorded("aws:kms/key:Key", "key", { enableKeyRotation: true }, { protect: true, ignoreChanges: ["tags"], deleteBeforeReplace: true, provider: provider.urn }, "urn:parent");
    await runPolicies([probe], [key], { config: { probe: { enforcementLevel: "mandatory", maxKeys: 3 } } });
    expect(seen).toEqual([{
      config: { maxKeys: 3 },
      opts: { protect: true, ignoreChanges: ["tags"], deleteBeforeReplace: true, aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: "urn:parent" },
      provider: undefined, // the provider resource is not among the planned resources
      type: "aws:kms/key:Key",
      props: { enableKeyRotation: true },
    }]);
    seen.length = 0;
    await runPolicies([probe], [provider, key]);
    expect(seen.map((s: any) => [s.type, s.provider, s.config])).toEqual([["pulumi:providers:aws", undefined, {}], ["aws:kms/key:Key", "aws", {}]]);
  });

  it("records a resource the policy declares itself not applicable to and goes on with the next", async () => {
    const picky: ResourceValidationPolicy = {
      name: "picky",
      description: "picky",
      enforcementLevel: "mandatory",
      validateResource: (args, report) => (args.name === "a" ? args.notApplicable("not for a") : report(`${args.name} checked`)),
    };
    const result = await runPolicies([picky], [recorded("aws:kms/key:Key", "a", {}), recorded("aws:kms/key:Key", "b", {})]);
    expect(result.notApplicable).toEqual([{ policy: "picky", reason: "not for a" }]);
    expect(result.violations.map((v) => v.message)).toEqual(["b checked"]);
  });

  it("names the policy when it throws", async () => {
    const broken: ResourceValidationPolicy = { name: "broken", description: "b", validateResource: () => { throw new Error("boom"); } };
    await expect(runPolicies([broken], one)).rejects.toThrow(new Error("policy broken failed: boom"));
  });

  it("tells resource types apart with isType and asType", async () => {
    const seen: unknown[] = [];
    const keyClass = { __pulumiType: "aws:kms/key:Key" };
    const byInstance = { isInstance: (o: any) => o.__pulumiType === "aws:s3/bucket:Bucket" };
    const probe: ResourceValidationPolicy = {
      name: "types",
      description: "t",
      validateResource: (args) => void seen.push([args.name, args.isType(keyClass as never), args.isType(byInstance as never), args.isType({} as never), args.asType(keyClass as never)]),
    };
    await runPolicies([probe], [recorded("aws:kms/key:Key", "k", { a: 1 }), recorded("aws:s3/bucket:Bucket", "b", {})]);
    expect(seen).toEqual([["k", true, false, false, { a: 1 }], ["b", false, true, false, undefined]]);
  });
});

describe("policy runner: stack policies", () => {
  it("is not applicable when no resource has the type the policy was written for", async () => {
    const validateStack = Object.assign(() => undefined, { __pulumiType: "aws:eks/cluster:Cluster" });
    const typed: StackValidationPolicy = { name: "typed", description: "t", validateStack };
    expect(await runPolicies([typed], one)).toEqual({ violations: [], notApplicable: [{ policy: "typed", reason: "Policy only applies to resources of type 'aws:eks/cluster:Cluster'" }] });
  });

  it("records a stack policy that declares itself not applicable", async () => {
    const quiet: StackValidationPolicy = { name: "quiet", description: "q", validateStack: (args) => args.notApplicable("nothing to check") };
    expect(await runPolicies([quiet], one)).toEqual({ violations: [], notApplicable: [{ policy: "quiet", reason: "nothing to check" }] });
  });

  it("groups property dependencies by top-level input and drops URNs that are not planned", async () => {
    let deps: Record<string, string[]> = {};
    let all: string[] = [];
    const probe: StackValidationPolicy = {
      name: "deps",
      description: "d",
      validateStack: (args) => {
        const fs = args.resources.find((r) => r.name === "fs")!;
        deps = Object.fromEntries(Object.entries(fs.propertyDependencies).map(([k, v]) => [k, v.map((d) => d.name)]));
        all = fs.dependencies.map((d) => d.name);
      },
    };
    const sg = recorded("aws:ec2/securityGroup:SecurityGroup", "sg", {});
    const subnet = recorded("aws:ec2/subnet:Subnet", "subnet", {});
    const key = recorded("aws:kms/key:Key", "key", {});
    const fs = {
      ...recorded("aws:fsx/lustreFileSystem:LustreFileSystem", "fs", {}, { dependsOn: [key.urn, "urn:gone"] }),
      inputDependencies: [sg.urn, subnet.urn, sg.urn],
      propertyDependencies: { "securityGroupIds[0]": [sg.urn], "securityGroupIds[1]": [sg.urn], "tags.Name": [subnet.urn], subnetIds: ["urn:gone"] },
    };
    await runPolicies([probe], [sg, subnet, key, fs]);
    expect(deps).toEqual({ securityGroupIds: ["sg"], tags: ["subnet"], subnetIds: [] });
    expect(all).toEqual(["key", "sg", "subnet"]);
  });
});
