import { namespaceLabels, selectorMatches } from "../infra/k8s/labelSelector";

// Label selector semantics as apimachinery defines them (pkg/apis/meta/v1 LabelSelector): every
// matchLabels pair and every expression must hold; an empty selector matches all, a nil one nothing.
describe("label selectors", () => {
  const team = { "llm-platform/team": "research", "kubernetes.io/metadata.name": "research" };

  it("matches an empty selector against anything and a missing selector against nothing", () => {
    expect(selectorMatches({}, team)).toBe(true);
    expect(selectorMatches(undefined, team)).toBe(false);
  });

  it("requires every matchLabels pair", () => {
    expect(selectorMatches({ matchLabels: { "llm-platform/team": "research" } }, team)).toBe(true);
    expect(selectorMatches({ matchLabels: { "llm-platform/team": "research", tier: "gpu" } }, team)).toBe(false);
  });

  it("evaluates In, NotIn, Exists and DoesNotExist, NotIn holding for an absent key", () => {
    expect(selectorMatches({ matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["research", "sales"] }] }, team)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["sales"] }] }, team)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] }] }, team)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["research"] }] }, team)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "absent", operator: "NotIn", values: ["x"] }] }, team)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "llm-platform/team", operator: "Exists" }] }, team)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "llm-platform/team", operator: "DoesNotExist" }] }, team)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: "llm-platform/team", operator: "Gt", values: ["1"] }] }, team)).toBe(false);
  });

  it("sees a namespace with the name label the API server adds", () => {
    expect(namespaceLabels({ metadata: { name: "research", labels: { "llm-platform/team": "research" } } })).toEqual(team);
  });
});
