import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./helpers/stacks";

// The house's rules (.dependency-cruiser.cjs), run as CI runs them: dependency-cruiser's own CLI.
const DEPCRUISE = path.join(PROJECT_DIR, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");
const CONFIG = path.join(PROJECT_DIR, ".dependency-cruiser.cjs");

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(cwd: string, folders: string[]): Violation[] {
  const json = execFileSync(process.execPath, [DEPCRUISE, "--config", CONFIG, "--output-type", "json", ...folders], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(json).summary.violations;
}

const brief = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}`;

describe("architecture rules", () => {
  it("hold for the whole repository: no cycles, pure knowledge, policies without components", () => {
    const folders = ["infra", "components", "policies", "test"].concat(fs.existsSync(path.join(PROJECT_DIR, "gateway")) ? ["gateway"] : []);
    expect(cruise(PROJECT_DIR, folders).map(brief)).toEqual([]);
  });

  it("report each kind of break, so the check above can fail", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llm-platform-arch-"));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
    fs.copyFileSync(path.join(PROJECT_DIR, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    // A type-only cycle, pure knowledge importing Pulumi and a component, a policy importing a component.
    write("infra/config/types.ts", 'import type { Rule } from "./rules";\nexport interface Spec { rules: Rule[] }\n');
    write("infra/config/rules.ts", 'import type { Spec } from "./types";\nexport interface Rule { check(spec: Spec): boolean }\n');
    write("infra/knowledge.ts", 'import * as pulumi from "@pulumi/pulumi";\nimport { Thing } from "../components/thing";\nexport const x = [pulumi, Thing];\n');
    write("components/thing.ts", "export class Thing {}\n");
    write("policies/policy.ts", 'import { Thing } from "../components/thing";\nexport const p = Thing;\n');
    const found = cruise(dir, ["infra", "components", "policies"]).map(brief).sort();
    // One row per cycle; the @pulumi import resolves through the symlinked node_modules.
    expect(found).toEqual([
      expect.stringMatching(/^knowledge-is-pure: infra\/knowledge\.ts → (\.\.\/)+.*node_modules\/@pulumi\/pulumi\/index\.js$/),
      "knowledge-is-pure: infra/knowledge.ts → components/thing.ts",
      "no-cycles: infra/config/rules.ts → infra/config/types.ts",
      "policies-import-no-components: policies/policy.ts → components/thing.ts",
    ]);
  });
});
