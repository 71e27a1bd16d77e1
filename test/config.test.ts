import { problemsOf } from "./helpers/problems";
import { parseSpec } from "../infra/config/spec";
import type { AwsPlatformSpec, ExistingPlatformSpec } from "../infra/config/types";
import { closestMatch } from "../infra/config/suggest";
import { referenceConfig, withValues } from "./helpers/stacks";
import { corpus, onprem, onpremPool, prod, prodCluster, prodPool, prodPools } from "./helpers/badConfigs";


describe(`stack config → spec (a corpus of ${corpus.length} bad configs)`, () => {
  it.each(corpus)("rejects %s with exactly the problems naming key, value and what is valid", (_what, raw, expected) => {
    const problems = problemsOf(raw);
    expect(problems).toEqual(expected);
  });

  it("reports every problem of a config at once, in key order", () => {
    const raw = withValues(prod, {
      "llm-platform:budgetUsdPerMonth": "lots",
      "llm-platform:nodePools": [
        { ...prodPools[0] },
        { ...prodPools[1], instanceType: "p5.48xl" },
        { ...prodPools[2], minNodes: 5, maxNodes: 4 },
        { ...prodPools[3], name: "train-h100" },
      ],
      "llm-platform:cluster": { ...prodCluster, publicAccessCidrs: ["0.0.0.0/0"] },
    });
    const problems = problemsOf(raw);
    expect(problems).toEqual([
      'llm-platform:budgetUsdPerMonth: "lots" is not a number',
      'llm-platform:cluster.publicAccessCidrs[0]: "0.0.0.0/0" opens the API endpoint to the whole internet; list the CIDRs of your CI runners or VPN instead',
      'llm-platform:nodePools[1].instanceType: "p5.48xl" is not a known instance type (did you mean p5.48xlarge?)',
      "llm-platform:nodePools[2].minNodes: 5 is greater than maxNodes 4 (minNodes must be ≤ maxNodes)",
      'llm-platform:nodePools[3].name: "train-h100" is already the name of nodePools[1] (pool names must be unique)',
    ]);
  });

  it("names the stack and counts the problems in the thrown error", () => {
    expect(() => parseSpec(withValues(prod, { "llm-platform:target": "gcp" }))).toThrow(/^stack prod: 1 config problem:\n {2}- llm-platform:target: "gcp"/);
  });

  it("parses every reference stack into a spec", () => {
    for (const stack of ["dev", "staging", "prod", "onprem"] as const) {
      expect(parseSpec(referenceConfig(stack)).stack).toBe(stack);
    }
  });

  it("resolves AWS pools against the catalog and fills defaults", () => {
    const spec = parseSpec(prod) as AwsPlatformSpec;
    const h100 = spec.nodePools.find((p) => p.name === "train-h100")!;
    expect(h100.instanceType.gpu?.model.name).toBe("H100");
    expect(h100.fabric).toBe("efa"); // training on an EFA type gets EFA by default
    expect(spec.nodePools.find((p) => p.name === "infer-l40s")!.fabric).toBe("tcp"); // serving stays on TCP
    expect(spec.nodePools.find((p) => p.name === "infer-l40s")!.desiredNodes).toBe(2); // default: minNodes
    expect(spec.cluster.name).toBe("llm-prod");
    expect(spec.cluster.publicAccessCidrs).toEqual([]);
    expect(spec.network.natGateways).toBe("perAz");
    expect(spec.region).toBe("us-east-1");
    expect(h100.availabilityZones).toEqual(["us-east-1a"]); // EFA: one AZ, the first by default
    expect(spec.nodePools.find((p) => p.name === "infer-l40s")!.availabilityZones).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(h100.capacityType).toBe("on-demand");
  });

  it("accepts a capacity-block pool with its reservation id", () => {
    const spec = parseSpec(withValues(prod, { "llm-platform:nodePools": prodPool(1, { capacityType: "capacity-block", capacityReservationId: "cr-0123456789abcdef0" }) })) as AwsPlatformSpec;
    expect(spec.nodePools[1]).toMatchObject({ capacityType: "capacity-block", capacityReservationId: "cr-0123456789abcdef0" });
  });

  it("defaults AZs to the region's a, b, c and the VPC to 10.0.0.0/16", () => {
    const spec = parseSpec(withValues(prod, { "llm-platform:network": undefined })) as AwsPlatformSpec;
    expect(spec.network).toEqual({ vpcCidr: "10.0.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"], natGateways: "single" });
  });

  it("gives on-prem pools a node selector on the pool label unless one is configured", () => {
    const spec = parseSpec(withValues(onprem, { "llm-platform:nodePools": onpremPool(1, { nodeSelector: { "example.com/gpu": "a800" } }) })) as ExistingPlatformSpec;
    expect(spec.nodePools[0].nodeSelector).toEqual({ "llm-platform/pool": "train-a100" });
    expect(spec.nodePools[1].nodeSelector).toEqual({ "example.com/gpu": "a800" });
    expect(spec.kubeconfigKey).toBe("llm-platform:kubeconfig");
  });

  it("returns a deeply frozen spec", () => {
    const spec = parseSpec(prod) as AwsPlatformSpec;
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.nodePools[1])).toBe(true);
    expect(() => {
      (spec.nodePools[1] as { maxNodes: number }).maxNodes = 99;
    }).toThrow(TypeError);
  });
});

describe("did-you-mean suggestions", () => {
  it("prefers a known name that starts with the input", () => {
    expect(closestMatch("p5.48xl", ["p5.48xlarge", "p5e.48xlarge", "p4d.24xlarge"])).toBe("p5.48xlarge");
  });
  it("falls back to edit distance for typos", () => {
    expect(closestMatch("trainng", ["system", "training", "inference"])).toBe("training");
  });
  it("suggests nothing when nothing is close", () => {
    expect(closestMatch("quantum.huge", ["p5.48xlarge", "g5.xlarge"])).toBeUndefined();
  });
});
