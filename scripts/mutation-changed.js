#!/usr/bin/env node
// Entry of `npm run test:mutation:changed [-- <base ref>]`: mutation-tests only the mutable files
// (stryker.config.json's `mutate`) that differ from the base ref (default origin/main, else main),
// so a change is checked in minutes instead of the full run's time. Exits 0 when none changed.
const { execFileSync, spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
const refExists = (ref) => spawnSync("git", ["rev-parse", "--verify", "--quiet", ref], { cwd: root }).status === 0;

const base = process.argv[2] ?? ["origin/main", "main"].find(refExists);
if (!base || !refExists(base)) {
  console.error(`test:mutation:changed: no base ref to compare with (tried ${process.argv[2] ?? "origin/main, main"}); pass one: npm run test:mutation:changed -- <ref>`);
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
const stryker = require.resolve("@stryker-mutator/core/bin/stryker.js", { paths: [root] });
// Its own incremental file: the committed one records the full run.
const run = spawnSync(process.execPath, [stryker, "run", "--mutate", files.join(","), "--incrementalFile", "reports/mutation/changed-incremental.json"], { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 2);
