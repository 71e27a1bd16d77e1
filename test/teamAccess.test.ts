import { problemsOrNone } from "./helpers/problems";
import { membersByPrincipal } from "../infra/security/teamAccess";
import { named, ofType, referencePlan } from "./helpers/plan";
import { referenceConfig, withValues } from "./helpers/stacks";


const prodTeams = (members: string[]) => withValues(referenceConfig("prod"), {
  "llm-platform:teams": [{ name: "sales-dialogue", gpuQuota: { "train-h100": 32 }, members }, { name: "research", gpuQuota: { "train-h100": 16 } }],
});
const onpremTeams = (members: string[]) => withValues(referenceConfig("onprem"), {
  "llm-platform:teams": [{ name: "sales-dialogue", gpuQuota: { "train-a100": 32 }, members }],
});

describe("teams[].members", () => {
  it.each([
    ["a role", "arn:aws:iam::444455556666:role/ml"],
    ["a role under a path", "arn:aws:iam::444455556666:role/teams/eu/ml"],
    ["a user", "arn:aws:iam::444455556666:user/alice"],
    ["a GovCloud role", "arn:aws-us-gov:iam::444455556666:role/ml"],
  ])("accepts %s on AWS", (_what, arn) => {
    expect(problemsOrNone(prodTeams([arn]))).toEqual([]);
  });

  it.each([
    ["a bare name", "alice", '"alice" is not an IAM role or user ARN'],
    ["an 11-digit account", "arn:aws:iam::44445555666:role/ml", '"arn:aws:iam::44445555666:role/ml" is not an IAM role or user ARN'],
    ["a group (EKS maps only roles and users)", "arn:aws:iam::444455556666:group/ml", '"arn:aws:iam::444455556666:group/ml" is not an IAM role or user ARN'],
    ["an assumed-role session", "arn:aws:sts::444455556666:assumed-role/ml/alice", '"arn:aws:sts::444455556666:assumed-role/ml/alice" is not an IAM role or user ARN'],
  ])("refuses %s on AWS", (_what, arn, message) => {
    expect(problemsOrNone(prodTeams([arn]))).toEqual([
      `llm-platform:teams[0].members[0]: ${message} (arn:aws:iam::<12-digit account>:role/<path/name> or …:user/<path/name>); EKS maps only IAM principals to Kubernetes groups`,
    ]);
  });

  it("refuses a member who is also a cluster admin (one access entry per principal)", () => {
    expect(problemsOrNone(prodTeams(["arn:aws:iam::444455556666:role/platform-admins"]))).toEqual([
      'llm-platform:teams[0].members[0]: "arn:aws:iam::444455556666:role/platform-admins" is also in cluster.adminRoleArns: it already has cluster-admin, and EKS allows one access entry per principal (remove it from one of the two)',
    ]);
  });

  it("refuses the same member twice in one team", () => {
    expect(problemsOrNone(prodTeams(["arn:aws:iam::444455556666:role/ml", "arn:aws:iam::444455556666:role/ml"]))).toEqual([
      'llm-platform:teams[0].members[1]: "arn:aws:iam::444455556666:role/ml" is already members[0] of team sales-dialogue',
    ]);
  });

  it("on an existing cluster accepts group names and refuses Kubernetes' system: groups", () => {
    expect(problemsOrNone(onpremTeams(["oidc:ml", "ml-team"]))).toEqual([]);
    expect(problemsOrNone(onpremTeams(["system:masters", "system:authenticated", "two words"]))).toEqual([
      'llm-platform:teams[0].members[0]: "system:masters" is a Kubernetes system group (the "system:" prefix is reserved); name a group of your identity provider',
      'llm-platform:teams[0].members[1]: "system:authenticated" is a Kubernetes system group (the "system:" prefix is reserved); name a group of your identity provider',
      'llm-platform:teams[0].members[2]: "two words" is not a group name (no whitespace, at most 253 characters)',
    ]);
  });

  it("maps a principal in two teams to one access entry carrying both teams' groups", () => {
    expect(membersByPrincipal([{ name: "a", members: ["r1", "r2"] }, { name: "b", members: ["r2"] }])).toEqual([
      { principalArn: "r1", groups: ["llm-platform:team:a"] },
      { principalArn: "r2", groups: ["llm-platform:team:a", "llm-platform:team:b"] },
    ]);
  });
});

describe("team access in the plan", () => {
  it("gives members an access entry with their teams' groups and no access policy (prod)", async () => {
    const prod = await referencePlan("prod");
    const entries = ofType(prod, "aws:eks/accessEntry:AccessEntry").map((e) => e.inputs as any).filter((e) => e.kubernetesGroups);
    expect(entries.map((e) => [e.principalArn, e.kubernetesGroups])).toEqual([
      ["arn:aws:iam::444455556666:role/teams/sales-dialogue-ml", ["llm-platform:team:sales-dialogue"]],
      ["arn:aws:iam::444455556666:role/ml-leads", ["llm-platform:team:sales-dialogue", "llm-platform:team:research"]],
      ["arn:aws:iam::444455556666:role/teams/research-ml", ["llm-platform:team:research"]],
    ]);
    // Only the deployer and the two admin roles hold an access policy (cluster-admin).
    expect(ofType(prod, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => (a.inputs as any).principalArn)).toHaveLength(3);
  });

  it("binds each team's group to its Role in its own namespace only, with no wildcard and no Secret reads", async () => {
    for (const stack of ["prod", "onprem"]) {
      const plan = await referencePlan(stack);
      const bindings = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").map((b) => b.inputs as any).filter((b) => b.roleRef.name === "llm-platform-team-member");
      for (const b of bindings) {
        const team = b.metadata.namespace;
        expect(b.subjects[0]).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: `llm-platform:team:${team}` });
      }
      const roles = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:Role").map((r) => r.inputs as any).filter((r) => r.metadata.name === "llm-platform-team-member");
      expect(roles.length).toBe(bindings.length);
      for (const role of roles) {
        for (const rule of role.rules) {
          expect([...rule.verbs, ...rule.resources, ...rule.apiGroups]).not.toContain("*");
          if (rule.resources.includes("secrets")) expect(rule.verbs).not.toEqual(expect.arrayContaining(["get"]));
        }
      }
      expect(ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").filter((b) => JSON.stringify((b.inputs as any).subjects).includes("llm-platform:team:"))).toEqual([]);
    }
    const onprem = await referencePlan("onprem");
    expect((named(onprem, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "onprem-teams-sales-dialogue-member").inputs as any).subjects.map((s: any) => s.name)).toEqual(["llm-platform:team:sales-dialogue", "oidc:sales-dialogue-ml"]);
  });
});
