/**
 * The config key registry: every key under the project's namespace, how Pulumi's string value is
 * decoded, and which targets use it. Unknown keys are errors (with a did-you-mean).
 */
import type { Target } from "./enums";

export const PROJECT = "llm-platform";
/** A full config key: `llm-platform:<name>`. */
export const configKey = (name: string) => `${PROJECT}:${name}`;

export type KeyKind = "string" | "number" | "json" | "secret";

export const CONFIG_KEYS: Readonly<Record<string, { kind: KeyKind; targets: readonly Target[] }>> = {
  target: { kind: "string", targets: ["aws", "existing"] },
  budgetUsdPerMonth: { kind: "number", targets: ["aws", "existing"] },
  gpuStack: { kind: "json", targets: ["aws", "existing"] },
  images: { kind: "json", targets: ["aws", "existing"] },
  nodePools: { kind: "json", targets: ["aws", "existing"] },
  cluster: { kind: "json", targets: ["aws"] },
  network: { kind: "json", targets: ["aws"] },
  kubeconfig: { kind: "secret", targets: ["existing"] },
  storage: { kind: "json", targets: ["aws", "existing"] },
  teams: { kind: "json", targets: ["aws", "existing"] },
  datasets: { kind: "json", targets: ["aws", "existing"] },
  trainingJobs: { kind: "json", targets: ["aws", "existing"] },
  pipelines: { kind: "json", targets: ["aws", "existing"] },
  inferenceEndpoints: { kind: "json", targets: ["aws", "existing"] },
  monitoring: { kind: "json", targets: ["aws", "existing"] },
};
