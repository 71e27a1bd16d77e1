#!/usr/bin/env node
// `node scripts/mutation-score.js [reports/mutation/mutation.json]`: Stryker's mutation score per
// folder (infra/<folder>, policies) from its JSON report, the way Stryker counts it:
// (killed + timed out) / (killed + timed out + survived + no coverage). Ignored (static) and
// compile-error mutants do not count.
const fs = require("node:fs");
const path = require("node:path");

const file = process.argv[2] ?? path.join(__dirname, "..", "reports", "mutation", "mutation.json");
const report = JSON.parse(fs.readFileSync(file, "utf8"));
const folderOf = (name) => {
  const parts = name.split("/");
  return parts[0] === "infra" && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.length > 1 ? parts[0] : name;
};
const totals = new Map();
const add = (key, status) => {
  const t = totals.get(key) ?? { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, CompileError: 0, RuntimeError: 0 };
  t[status] = (t[status] ?? 0) + 1;
  totals.set(key, t);
};
for (const [name, result] of Object.entries(report.files)) {
  for (const mutant of result.mutants) {
    add(folderOf(name), mutant.status);
    add("all", mutant.status);
  }
}
const score = (t) => {
  const detected = t.Killed + t.Timeout;
  const valid = detected + t.Survived + t.NoCoverage;
  return valid === 0 ? "n/a" : `${((100 * detected) / valid).toFixed(1)} %`;
};
const rows = [...totals.entries()].sort(([a], [b]) => (a === "all") - (b === "all") || a.localeCompare(b));
console.log(["folder", "score", "killed", "timeout", "survived", "no coverage", "ignored"].join("\t"));
for (const [key, t] of rows) console.log([key, score(t), t.Killed, t.Timeout, t.Survived, t.NoCoverage, t.Ignored].join("\t"));
