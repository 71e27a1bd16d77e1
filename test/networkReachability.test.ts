import { allowed, Pod, Policy } from "./helpers/networkPolicy";
import { ofType, referencePlan } from "./helpers/plan";

const policiesOf = async (stack: string) => ofType(await referencePlan(stack), "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs as unknown as Policy);

describe("who reaches the platform's own services (NetworkPolicy evaluator over the prod plan)", () => {
  const prometheus: Pod = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };
  const cases: [string, Pod, Pod, number, boolean][] = [
    ["KEDA's operator → Prometheus (its prometheus scalers)", { namespace: "keda", labels: { app: "keda-operator" } }, prometheus, 9090, true],
    ["the idle-GPU reclaimer → Prometheus", { namespace: "llm-platform", labels: { "app.kubernetes.io/name": "gpu-reclaimer" } }, prometheus, 9090, true],
    ["Grafana → Prometheus (same namespace)", { namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana" } }, prometheus, 9090, true],
    ["a team's training pod → Prometheus", { namespace: "sales-dialogue", labels: { "jobset.sigs.k8s.io/jobset-name": "x" } }, prometheus, 9090, false],
    ["KEDA → Prometheus on another port", { namespace: "keda", labels: { app: "keda-operator" } }, prometheus, 9093, false],
    // The API server calls webhooks and aggregated APIs from the VPC (prod: 10.30.0.0/16).
    ["the control plane → Kueue's webhook", { namespace: "", labels: {}, ip: "10.30.4.7" }, { namespace: "kueue-system", labels: { "control-plane": "controller-manager" } }, 9443, true],
    ["the control plane → Kueue's visibility API", { namespace: "", labels: {}, ip: "10.30.4.7" }, { namespace: "kueue-system", labels: { "control-plane": "controller-manager" } }, 8082, true],
    ["the control plane → KEDA's metrics API server", { namespace: "", labels: {}, ip: "10.30.4.7" }, { namespace: "keda", labels: { app: "keda-operator-metrics-apiserver" } }, 6443, true],
    ["a team's pod → Kueue's visibility API", { namespace: "sales-dialogue", labels: {} }, { namespace: "kueue-system", labels: {} }, 8082, false],
  ];
  it.each(cases)("%s", async (_what, from, to, port, want) => {
    expect(allowed(await policiesOf("prod"), from, to, port)).toBe(want);
  });
});
