import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import type { RawStackConfig } from "../../infra/config/types";
import { readStackConfig } from "../../infra/plan/stackConfig";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** A reference stack's config as Pulumi would hand it to the program. */
export function referenceConfig(stack: "dev" | "staging" | "prod" | "onprem"): RawStackConfig {
  return readStackConfig(PROJECT_DIR, stack);
}

/** The reference config with some keys replaced (objects become JSON, as Pulumi passes them). */
export function withValues(base: RawStackConfig, changes: Record<string, unknown>): RawStackConfig {
  const values: Record<string, string> = { ...base.values };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete values[key];
    else values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { ...base, values };
}

/** A reference stack's `config:` map from its YAML file. */
export function referenceStackDoc(stack: string): { config: Record<string, unknown> } {
  const { parse } = require("yaml") as typeof import("yaml");
  return parse(fs.readFileSync(path.join(PROJECT_DIR, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
}

/**
 * A throwaway project directory: the real Pulumi.yaml, reference stacks and gateway libraries, plus extra stack files
 * (name → `config:` map), for driving the plan CLI end to end.
 */
export function tempProject(extraStacks: Record<string, Record<string, unknown>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llm-platform-test-"));
  fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.cpSync(path.join(PROJECT_DIR, "stacks"), path.join(dir, "stacks"), { recursive: true });
  // Files stacks name relative to the project: the gateways' approved-reply libraries.
  fs.cpSync(path.join(PROJECT_DIR, "gateway", "libraries"), path.join(dir, "gateway", "libraries"), { recursive: true });
  for (const [name, config] of Object.entries(extraStacks)) {
    fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${name}.yaml`), stringify({ config }));
  }
  return dir;
}
