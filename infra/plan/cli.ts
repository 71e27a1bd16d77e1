/**
 * `npm run plan -- [--stack NAME | --all] [--json FILE] [--markdown FILE] [--project DIR]`
 * (entry: scripts/plan.js)
 * The offline plan: no Pulumi CLI, no credentials, no network. Exit codes: 0 clean, 1 a mandatory
 * policy is violated, 2 a config or usage error (the message says what to fix).
 */
import { Command, CommanderError } from "commander";
import * as fs from "fs";
import * as path from "path";
import { renderMarkdown, summaryLine } from "./markdown";
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
    .option("--markdown <file>", "write the reviewer's report (PR comment) to FILE")
    .option("--project <dir>", "project directory holding Pulumi.yaml", process.cwd())
    .option("--deployed-outputs <file>", "the stack's outputs from its last deploy (`pulumi stack output --json`), to catch changes that would replace stateful resources")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) });
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_CLEAN : EXIT_CONFIG;
    throw e;
  }
  const opts = program.opts<{ stack: string; all?: boolean; json?: string; markdown?: string; project: string; deployedOutputs?: string }>();
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
  const started = Date.now();
  const plans: StackPlan[] = [];
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
  }
  if (opts.all) out(`planned ${plans.length}/${stacks.length} stacks in ${Date.now() - started} ms`);

  if (opts.json) {
    const json = plans.map(planJson);
    writeFile(opts.json, JSON.stringify(opts.all ? json : (json[0] ?? null), null, 2) + "\n");
  }
  if (opts.markdown) writeFile(opts.markdown, renderMarkdown(plans, failures));

  if (failures.length > 0) return EXIT_CONFIG;
  return plans.some((p) => p.policies.some((v) => v.enforcement === "mandatory")) ? EXIT_POLICY : EXIT_CLEAN;
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}
