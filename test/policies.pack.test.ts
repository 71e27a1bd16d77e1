import { Policies } from "@pulumi/policy";
import main from "../infra/index";
import { recordProgram } from "../infra/plan/record";
import { allPolicies } from "../policies/policies";
import { runPolicies } from "../policies/run";
import { referenceConfig, withValues } from "./helpers/stacks";

// The pack as a whole: every policy, on a real program. Each policy's own branches are unit-tested
// in the other policies.*.test.ts files; this suite loads every policy (and the Pulumi SDKs), so
// Stryker leaves it out (jest.stryker.config.js) rather than run it for every mutant of every policy.
describe("the policy pack", () => {
  it("lists every policy of the pack with a unique name", () => {
    const names = (allPolicies as Policies).map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["cost-within-budget", "eks-endpoint-not-public", "eks-secrets-encrypted"]));
  });

  it("fails the preview of a real stack whose training pool spans p3.16xlarge nodes", async () => {
    const config = withValues(referenceConfig("dev"), {
      "llm-platform:nodePools": [
        { name: "system", instanceType: "m6i.large", purpose: "system", minNodes: 2, maxNodes: 2 },
        { name: "v100", instanceType: "p3.16xlarge", purpose: "training", minNodes: 0, maxNodes: 4 },
      ],
    });
    const stack = await recordProgram("llm-platform", config, () => main({ offline: true }));
    const { violations } = await runPolicies(allPolicies, stack.resources);
    // three fabric gaps, and (a bonus of the matrix) PyTorch 2.7's CUDA 12.8 wheel has no sm_70 for the V100s
    expect(violations.filter((v) => v.enforcement === "mandatory").map((v) => v.policy)).toEqual([
      "multinode-training-fabric", "multinode-training-fabric", "multinode-training-fabric", "gpu-software-aligned",
    ]);
    expect(violations.filter((v) => v.policy === "multinode-bandwidth-per-gpu").map((v) => v.message)).toEqual([
      "pool v100: 3.125 Gbps per GPU (25 Gbps / 8 GPUs) for multi-node training; all-reduce will likely wait on the network",
    ]);
  });
});
