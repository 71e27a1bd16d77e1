import type { z } from "zod";

/**
 * Turns schema issues into sentences that name the key, quote the bad value and say what is
 * valid — the house rule for every bad input (config and library files alike).
 */

/** `stages[2].replies[0].text` from a zod path. */
function keyPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** A value the way the user wrote it, for quoting in a message. */
export function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * One sentence per issue. `expectations` maps a key name (the last path element) to what a valid
 * value looks like, e.g. `threshold → "a number in (0, 1]"`; `knownKeys` lists the keys valid in
 * an object at a given dotted path pattern (array indices as `[]`).
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  options: { expectations: Record<string, string>; knownKeys: Record<string, readonly string[]>; prefix?: string },
): string[] {
  return issues.map((issue) => {
    const path = keyPath(issue.path, options.prefix);
    const value = valueAt(input, issue.path);
    if (issue.code === "unrecognized_keys") {
      const pattern = issue.path.map((p) => (typeof p === "number" ? "[]" : String(p))).join(".").replace(/\.\[\]/g, "[]");
      const known = options.knownKeys[pattern] ?? [];
      const where = issue.path.length === 0 ? "" : `${path}: `;
      return `${where}unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map(show).join(", ")}${known.length ? ` (valid keys: ${known.join(", ")})` : ""}`;
    }
    const last = [...issue.path].reverse().find((p) => typeof p === "string");
    const element = typeof issue.path[issue.path.length - 1] === "number" ? options.expectations[`${String(last)}[]`] : undefined;
    const expected = element ?? (last !== undefined ? options.expectations[String(last)] : undefined);
    if (value === undefined) return `${path}: is required${expected ? `; expected ${expected}` : ""}`;
    return `${path}: ${show(value)} is not valid; expected ${expected ?? issue.message}`;
  });
}
