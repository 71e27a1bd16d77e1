/**
 * The review's parts of the PR comment: "Changes" (what is replaced or deleted and what data that
 * destroys, then the cost delta, then updated resources) and "Deploy time" (the critical path).
 */
import { formatUsd, MonthlyRange } from "../cost/model";
import { CriticalPath, formatMinutes } from "./criticalPath";
import { DataLossFinding, describeReasons } from "./dataLoss";
import { PlanDiff } from "./diff";
import { resourceLabel } from "./planDocument";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const show = (v: unknown) => {
  const text = v === undefined ? "unset" : typeof v === "string" ? v : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** "+$40,195.20", "−$16.00", "$0.00". */
export function signedUsd(delta: number): string {
  const rounded = Math.round(delta * 100) / 100;
  if (rounded === 0) return formatUsd(0);
  return `${rounded > 0 ? "+" : "−"}${formatUsd(Math.abs(rounded))}`;
}

/** "+27.9%"; "new" from zero. */
export function signedPercent(before: number, after: number): string {
  if (before === 0) return after === 0 ? "0.0%" : "new";
  const pct = ((after - before) / before) * 100;
  return `${pct > 0 ? "+" : pct < 0 ? "−" : ""}${Math.abs(pct).toFixed(1)}%`;
}

function beforeAfter(before: number | undefined, after: number | undefined): string {
  const [b, a] = [before ?? 0, after ?? 0];
  if (b === a) return formatUsd(a);
  return `${before === undefined ? "—" : formatUsd(b)} → ${after === undefined ? "—" : formatUsd(a)} (${signedUsd(a - b)}, ${signedPercent(b, a)})`;
}

function findingRow(f: DataLossFinding): string {
  const verdict = f.level === "mandatory" ? (f.accepted ? "**mandatory** (accepted)" : "❌ **mandatory**") : "⚠️ advisory";
  const forcedBy = f.op === "replace" ? describeReasons(f.reasons) : "no longer declared";
  return `| ${verdict} | ${cell(resourceLabel(f.urn))} | ${f.op} | ${cell(forcedBy)} | ${cell(f.holds)} | ${cell(f.why)} |`;
}

/** The data-loss guard's findings as a table (also used for a real preview's findings). */
export function findingsTable(findings: readonly DataLossFinding[]): string[] {
  if (findings.length === 0) return [];
  return ["| guard | resource | op | forced by | holds | why |", "|---|---|---|---|---|---|", ...findings.map(findingRow), ""];
}

function costDeltaTable(diff: PlanDiff): string[] {
  const { cost } = diff;
  const out = ["| resource | what | expected | min | max |", "|---|---|---|---|---|"];
  for (const l of cost.lines) {
    const range = (k: keyof MonthlyRange) => beforeAfter(l.before?.[k], l.after?.[k]);
    out.push(`| ${cell(resourceLabel(l.urn))} | ${cell(l.description)} | ${range("expected")} | ${range("min")} | ${range("max")} |`);
  }
  const total = (k: keyof MonthlyRange) => `**${beforeAfter(cost.before[k], cost.after[k])}**`;
  out.push(`| **total** | | ${total("expected")} | ${total("min")} | ${total("max")} |`, "");
  return out;
}

export function renderChanges(diff: PlanDiff): string[] {
  const out = ["### Changes", ""];
  const replacedOrDeleted = diff.replaced.length + diff.removed.length;
  out.push(`${diff.added.length} to create, ${diff.changed.length} to update, ${diff.replaced.length} to replace, ${diff.removed.length} to delete (against the baseline plan).`, "");

  out.push("#### Replaced or deleted", "");
  if (replacedOrDeleted === 0) out.push("Nothing.", "");
  else {
    out.push(...findingsTable(diff.findings));
    const guarded = new Set(diff.findings.map((f) => f.urn));
    const others = [
      ...diff.replaced.filter((r) => !guarded.has(r.resource.urn)).map((r) => `- replace ${resourceLabel(r.resource.urn)}: ${describeReasons(r.reasons)}`),
      ...diff.removed.filter((r) => !guarded.has(r.urn)).map((r) => `- delete ${resourceLabel(r.urn)}`),
    ];
    if (others.length > 0) out.push("Holding no data the guard knows of:", "", ...others, "");
  }

  out.push("#### Monthly cost (USD, before → after)", "");
  if (diff.cost.lines.length === 0) out.push(`No change: ${formatUsd(diff.cost.after.expected)}/month expected.`, "");
  else out.push(...costDeltaTable(diff));

  out.push("#### Updated in place", "");
  if (diff.changed.length === 0) out.push("Nothing.", "");
  else {
    out.push("| resource | inputs |", "|---|---|");
    for (const c of diff.changed) {
      const inputs = c.changes.map((ch) => `\`${ch.path}\` ${show(ch.before)} → ${show(ch.after)}${ch.ignored ? " (ignoreChanges: `pulumi up` leaves it alone)" : ""}`);
      out.push(`| ${cell(resourceLabel(c.resource.urn))} | ${cell(inputs.join("; "))} |`);
    }
    out.push("");
  }
  if (diff.added.length > 0) {
    out.push(`<details><summary>Created (${diff.added.length})</summary>`, "", ...diff.added.map((r) => `- ${resourceLabel(r.urn)} (${r.type})`), "", "</details>", "");
  }

  const { before, after, change } = diff.deployTime;
  out.push("#### Deploy time of this change", "");
  if (change.steps.length === 0) out.push("No slow step: the change creates or replaces nothing that takes minutes.", "");
  else out.push(...pathTable(change), `This change's \`pulumi up\`: ≈ ${formatMinutes(change.minutes)} (at most ${formatMinutes(change.worstCase.maxMinutes)}).`, "");
  out.push(`A fresh stack: ≈ ${formatMinutes(before.minutes)} → ≈ ${formatMinutes(after.minutes)}.`, "");
  return out;
}

function pathTable(path: CriticalPath): string[] {
  return [
    "| step | resource | typical | at most | source |",
    "|---:|---|---:|---:|---|",
    ...path.steps.map((s, i) => `| ${i + 1} | ${cell(resourceLabel(s.urn))} | ${formatMinutes(s.duration.minutes)} | ${s.duration.maxMinutes === undefined ? "—" : formatMinutes(s.duration.maxMinutes)} | ${cell(s.duration.source)} |`),
    "",
  ];
}

/** The critical path of a fresh `pulumi up` of the stack. */
export function renderDeployTime(path: CriticalPath): string[] {
  const out = ["### Deploy time", ""];
  if (path.steps.length === 0) return [...out, "No slow step: every resource takes seconds.", ""];
  const dominant = [...path.steps].sort((a, b) => b.duration.minutes - a.duration.minutes)[0];
  out.push(
    `A fresh \`pulumi up\` takes ≈ ${formatMinutes(path.minutes)} along its critical path; ${resourceLabel(dominant.urn)} dominates (${formatMinutes(dominant.duration.minutes)}).`,
    "",
    ...pathTable(path),
  );
  const worst = path.worstCase;
  const worstDominant = [...worst.steps].sort((a, b) => (b.duration.maxMinutes ?? b.duration.minutes) - (a.duration.maxMinutes ?? a.duration.minutes))[0];
  if (worstDominant) out.push(`At most ${formatMinutes(worst.maxMinutes)} when every step runs to its timeout (dominated by ${resourceLabel(worstDominant.urn)}).`, "");
  return out;
}
