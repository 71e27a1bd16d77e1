import { parseSpec } from "../infra/config/spec";
import { ConfigError } from "../infra/config/errors";
import { PLATFORM_NAMESPACES } from "../infra/k8s/namespaces";
import { nameRuleViolation, NAME_RULES, principalKey } from "../infra/naming";
import { prod } from "./helpers/badConfigs";
import { withValues } from "./helpers/stacks";

const teams = JSON.parse(prod.values["llm-platform:teams"]) as Record<string, unknown>[];

describe("names derived from config", () => {
  it("keys the access entries of roles of two accounts that share a name apart", () => {
    const arns = ["arn:aws:iam::111122223333:role/admins", "arn:aws:iam::444455556666:role/admins"];
    const keys = arns.map(principalKey);
    expect(new Set(keys).size).toBe(2);
    for (const key of keys) expect(key).toMatch(/^admins-[0-9a-f]{8}$/);
  });

  it("allows a TrainJob name of 44 characters and refuses 45 (63 less '-launcher-0-0-xxxxx')", () => {
    expect(nameRuleViolation(`a${"b".repeat(43)}`, NAME_RULES.trainJob)).toBeUndefined();
    expect(nameRuleViolation(`a${"b".repeat(44)}`, NAME_RULES.trainJob)).toMatch(/^is 45 characters, more than the 44/);
  });

  it("allows a Job name of 63 characters and refuses 64", () => {
    expect(nameRuleViolation("j".repeat(63), NAME_RULES.job)).toBeUndefined();
    expect(nameRuleViolation("j".repeat(64), NAME_RULES.job)).toMatch(/^is 64 characters, more than the 63/);
  });

  it("allows a launch template name of 3 to 128 characters", () => {
    expect(nameRuleViolation("ab", NAME_RULES.launchTemplate)).toMatch(/^is 2 characters, fewer than the 3/);
    expect(nameRuleViolation("abc", NAME_RULES.launchTemplate)).toBeUndefined();
    expect(nameRuleViolation("a".repeat(128), NAME_RULES.launchTemplate)).toBeUndefined();
    expect(nameRuleViolation("a".repeat(129), NAME_RULES.launchTemplate)).toMatch(/^is 129 characters/);
  });
});

describe("team names", () => {
  it.each([...PLATFORM_NAMESPACES, "kube-public", "kube-node-lease", "kube-anything"])("refuses a team named %s", (name) => {
    let problems: string[] = [];
    try {
      parseSpec(withValues(prod, { "llm-platform:teams": [teams[0], { ...teams[1], name }] }));
    } catch (e) {
      problems = (e as ConfigError).problems.filter((p) => p.path === "llm-platform:teams[1].name").map((p) => p.message);
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^"${name}" (is a namespace|starts with kube-)`));
  });

  it("accepts a team named like a platform namespace with a suffix", () => {
    expect(() => parseSpec(withValues(prod, { "llm-platform:teams": [teams[0], { ...teams[1], name: "monitoring-team" }] }))).not.toThrow();
  });
});
