/**
 * `npm run plan -- [--stack NAME | --all] [--json FILE] [--markdown FILE] [--project DIR]
 *   [--baseline BASE.json] [--accept-replace NAME]... | --preview-json FILE`
 * (entry: scripts/plan.js)
 * The offline plan: no Pulumi CLI, no credentials, no network. With `--baseline`, also what changes
 * against a plan of the base commit; with `--preview-json`, only the data-loss guard over a real
 * `pulumi preview --json`. Exit codes: 0 clean, 1 a mandatory policy is violated or a change would
 * destroy data, 2 a config or usage error (the message says what to fix).
 */
import { Command, CommanderError } from "commander";
import * as fs from "fs";
import * as path from "path";
import { formatUsd } from "../cost/model";
import { blocking, DataLossFinding, guard } from "../review/dataLoss";
import { diffPlans, PlanDiff } from "../review/diff";
import { findingsTable, signedPercent, signedUsd } from "../review/markdown";
import { PlanDocument, planOfStack } from "../review/planDocument";
import { PreviewFormatError, previewChanges } from "../review/preview";
import { renderComment, renderMarkdown, summaryLine } from "./markdown";
import { planJson, planStack, StackPlan } from "./plan";
import { listStacks } from "./stackConfig";

export const EXIT_CLEAN = 0;
export const EXIT_POLICY = 1;
export const EXIT_CONFIG = 2;

export async function runCli(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const program = new Command("plan")
    .description("Offline plan of llm-platform stacks: resources, policy verdicts and monthly cost, under Pulumi's mock engine.")
    .option("-s, --stack <name>", "stack to plan", "dev")
    .option("-a, --all", "plan every stack in the stack config directory")
    .option("--json <file>", "write the machine-readable plan (public contract) to FILE")
    .option("--markdown <file>", "write the reviewer's full report to FILE")
    .option("--comment <file>", "write the pull-request comment to FILE: per stack the summary, changes against --baseline, mandatory findings and deploy time")
    .option("--project <dir>", "project directory holding Pulumi.yaml", process.cwd())
    .option("--deployed-outputs <file>", "the stack's outputs from its last deploy (`pulumi stack output --json`), to catch changes that would replace stateful resources")
    .option("--baseline <file>", "a plan (--json) of the same stacks from the base commit: report what changes, its cost delta, and refuse changes that destroy data")
    .option("--preview-json <file>", "apply the data-loss guard to a real `pulumi preview --json` instead of planning")
    .option("--accept-replace <name>", "a resource (name or URN) whose replacement or deletion is deliberate: reported, not failing (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) });
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_CLEAN : EXIT_CONFIG;
    throw e;
  }
  const opts = program.opts<{ stack: string; all?: boolean; json?: string; markdown?: string; comment?: string; project: string; deployedOutputs?: string; baseline?: string; previewJson?: string; acceptReplace: string[] }>();
  if (opts.previewJson) {
    if (opts.all || opts.baseline || opts.json) {
      err("--preview-json checks one real preview: use it with --stack (and --markdown, --accept-replace), not --all, --baseline or --json");
      return EXIT_CONFIG;
    }
    return checkPreview(opts.previewJson, opts.stack, opts.acceptReplace, opts.markdown, out, err);
  }
  const projectDir = path.resolve(opts.project);
  if (!fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) {
    err(`--project ${opts.project}: no Pulumi.yaml there`);
    return EXIT_CONFIG;
  }
  if (opts.all && program.getOptionValueSource("stack") === "cli") {
    err("--stack and --all exclude each other: pass one");
    return EXIT_CONFIG;
  }
  const stacks = opts.all ? listStacks(projectDir) : [opts.stack];
  const known = listStacks(projectDir);
  const unknown = stacks.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    err(`--stack ${unknown[0]}: no such stack (stacks: ${known.join(", ")})`);
    return EXIT_CONFIG;
  }

  let deployedOutputs: Record<string, unknown> | undefined;
  if (opts.deployedOutputs) {
    if (opts.all) {
      err("--deployed-outputs belongs to one stack: use it with --stack, not --all");
      return EXIT_CONFIG;
    }
    try {
      deployedOutputs = JSON.parse(fs.readFileSync(opts.deployedOutputs, "utf8"));
    } catch (e) {
      err(`--deployed-outputs ${opts.deployedOutputs}: ${(e as Error).message.split("\n")[0]} (expected the JSON of \`pulumi stack output --json\`)`);
      return EXIT_CONFIG;
    }
  }
  let baseline: unknown;
  if (opts.baseline) {
    try {
      baseline = JSON.parse(fs.readFileSync(opts.baseline, "utf8"));
    } catch (e) {
      err(`--baseline ${opts.baseline}: ${(e as Error).message.split("\n")[0]} (expected the JSON of \`npm run plan -- --json\` on the base commit)`);
      return EXIT_CONFIG;
    }
  }
  const started = Date.now();
  const plans: StackPlan[] = [];
  const reviews = new Map<string, PlanDiff>();
  const failures: { stack: string; message: string }[] = [];
  for (const stack of stacks) {
    const result = await planStack(projectDir, stack, { deployedOutputs });
    if (!result.ok) {
      failures.push({ stack, message: result.error.message });
      err(result.error.message);
      continue;
    }
    plans.push(result.plan);
    out(`${summaryLine(result.plan)} [${result.plan.elapsedMs} ms]`);
    for (const v of result.plan.policies.filter((p) => p.enforcement === "mandatory")) {
      out(`  mandatory ${v.policy}: ${v.message}`);
    }
    for (const g of result.plan.gateways) {
      out(`  gateway ${g.endpoint}: library ${g.library} version ${g.version}, hash ${g.hash.slice(0, 12)}, ${g.stages} stages`);
    }
    if (opts.baseline) {
      const base = planOfStack(baseline, stack);
      if (!base) out(`  no baseline for ${stack} in ${opts.baseline}: a new stack, everything is created`);
      const review = diffPlans(base ?? emptyPlan(stack), planJson(result.plan), opts.acceptReplace);
      reviews.set(stack, review);
      out(`  ${changeLine(review)}`);
      for (const f of review.findings) out(`  ${findingLine(f)}`);
    }
  }
  if (opts.all) out(`planned ${plans.length}/${stacks.length} stacks in ${Date.now() - started} ms`);

  if (opts.json) {
    const json = plans.map(planJson);
    writeFile(opts.json, JSON.stringify(opts.all ? json : (json[0] ?? null), null, 2) + "\n");
  }
  if (opts.markdown) writeFile(opts.markdown, renderMarkdown(plans, failures, reviews));
  if (opts.comment) writeFile(opts.comment, renderComment(plans, failures, reviews));

  if (failures.length > 0) return EXIT_CONFIG;
  const destroysData = [...reviews.values()].some((r) => blocking(r.findings).length > 0);
  return destroysData || plans.some((p) => p.policies.some((v) => v.enforcement === "mandatory")) ? EXIT_POLICY : EXIT_CLEAN;
}

const emptyPlan = (stack: string): PlanDocument => ({
  stack,
  resources: [],
  policies: [],
  cost: { currency: "USD", monthly: { min: 0, expected: 0, max: 0 }, lines: [], unpriced: [] },
});

function changeLine(review: PlanDiff): string {
  const { before, after } = review.cost;
  return (
    `changes: ${review.added.length} create, ${review.changed.length} update, ${review.replaced.length} replace, ${review.removed.length} delete; ` +
    `${formatUsd(before.expected)} → ${formatUsd(after.expected)}/month expected (${signedUsd(after.expected - before.expected)}, ${signedPercent(before.expected, after.expected)})`
  );
}

function findingLine(f: DataLossFinding): string {
  const level = f.level === "mandatory" ? (f.accepted ? "accepted (mandatory)" : "mandatory") : "advisory";
  return `${level} data-loss: ${f.message}`;
}

/** `--preview-json`: the data-loss guard over a real preview, nothing planned. */
function checkPreview(file: string, stack: string, accepted: readonly string[], markdown: string | undefined, out: (line: string) => void, err: (line: string) => void): number {
  let findings: DataLossFinding[];
  try {
    findings = guard(previewChanges(JSON.parse(fs.readFileSync(file, "utf8"))), accepted);
  } catch (e) {
    if (e instanceof PreviewFormatError || e instanceof SyntaxError || (e as NodeJS.ErrnoException).code === "ENOENT") {
      err(`--preview-json ${file}: ${(e as Error).message.split("\n")[0]}`);
      return EXIT_CONFIG;
    }
    throw e;
  }
  const failing = blocking(findings);
  out(`${stack}: pulumi preview replaces or deletes ${findings.length} resource(s) holding data or running work, ${failing.length} refused`);
  for (const f of findings) out(`  ${findingLine(f)}`);
  if (markdown) {
    const body = findings.length > 0 ? findingsTable(findings) : ["No replaced or deleted resource holds data.", ""];
    writeFile(markdown, [`### ${failing.length > 0 ? "❌" : "✅"} ${stack}: data-loss guard on \`pulumi preview\``, "", ...body].join("\n"));
  }
  return failing.length > 0 ? EXIT_POLICY : EXIT_CLEAN;
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}
