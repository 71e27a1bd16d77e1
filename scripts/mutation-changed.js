#!/usr/bin/env node
// Entry of `npm run test:mutation:changed [-- <base ref>] [--budget-minutes N]`: mutation-tests only
// the mutable files (stryker.config.json's `mutate`) that differ from the base ref (default
// origin/main, else main), so a change is checked in minutes instead of the full run's hour or two.
// Exits 0 when none changed. With a budget, a run still going when it runs out is stopped and
// reported as not finished (exit 0): CI gives it 20 minutes.
const { execFileSync, spawn, spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const budgetAt = args.indexOf("--budget-minutes");
const budgetMinutes = budgetAt >= 0 ? Number(args.splice(budgetAt, 2)[1]) : undefined;
if (budgetMinutes !== undefined && !(budgetMinutes > 0)) {
  console.error("test:mutation:changed: --budget-minutes takes a positive number of minutes");
  process.exit(2);
}
const git = (...a) => execFileSync("git", a, { cwd: root, encoding: "utf8" }).trim();
const refExists = (ref) => spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: root }).status === 0;

const base = args[0] ?? ["origin/main", "main"].find(refExists);
if (!base || !refExists(base)) {
  console.error(`test:mutation:changed: no base ref to compare with (tried ${args[0] ?? "origin/main, main"}); pass one: npm run test:mutation:changed -- <ref>`);
  process.exit(2);
}

/** The same selection as stryker.config.json: infra/ except plan/ and index.ts, policies/ except index.ts. */
const mutable = (file) =>
  file.endsWith(".ts") &&
  ((file.startsWith("infra/") && !file.startsWith("infra/plan/") && file !== "infra/index.ts") ||
    (file.startsWith("policies/") && file !== "policies/index.ts"));

const changed = git("diff", "--name-only", "--diff-filter=d", `${base}...HEAD`).split("\n").filter(Boolean);
const files = changed.filter(mutable);
if (files.length === 0) {
  console.log(`test:mutation:changed: no file under infra/ or policies/ to mutate changed since ${base}`);
  process.exit(0);
}
console.log(`test:mutation:changed: mutating ${files.length} file(s) changed since ${base}: ${files.join(", ")}`);
const stryker = path.join(path.dirname(require.resolve("@stryker-mutator/core/package.json", { paths: [root] })), "bin", "stryker.js");
// Its own incremental file and report: the committed incremental file records the full run.
const run = spawn(process.execPath, [
  stryker, "run", "--mutate", files.join(","),
  "--incrementalFile", "reports/mutation/changed-incremental.json",
], { cwd: root, stdio: "inherit", detached: true });
let outOfTime = false;
const timer = budgetMinutes === undefined ? undefined : setTimeout(() => {
  outOfTime = true;
  console.log(`test:mutation:changed: stopped after ${budgetMinutes} minutes, before Stryker finished: no score for this change (run it locally)`);
  process.kill(-run.pid, "SIGTERM"); // Stryker and its test-runner workers
}, budgetMinutes * 60_000);
run.on("exit", (code) => {
  if (timer) clearTimeout(timer);
  process.exit(outOfTime ? 0 : code ?? 2);
});
