import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/**
 * The pinned upstream copies (charts, CRDs, prices) CI has beside the repo; see its PROVENANCE.md.
 * Looked for upwards so that a copy of the repo nested deeper (Stryker's sandbox under .stryker-tmp/)
 * still finds the same ../shared.
 */
export const SHARED_UPSTREAM = findSharedUpstream(path.resolve(__dirname, "..", ".."));

function findSharedUpstream(repoDir: string): string {
  const beside = path.resolve(repoDir, "..", "shared", "upstream");
  for (let dir = path.dirname(repoDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "shared", "upstream");
    if (fs.existsSync(path.join(candidate, "PROVENANCE.md"))) return candidate;
    if (path.dirname(dir) === dir) return beside;
  }
}

/** `describe` when ../shared/upstream exists, else a skipped describe and a printed reason. */
export function describeWithUpstream(name: string, fn: () => void): void {
  if (fs.existsSync(SHARED_UPSTREAM)) {
    describe(name, fn);
  } else {
    console.log(`skipping contract tests "${name}": ${SHARED_UPSTREAM} not found (CI has ../shared)`);
    describe.skip(name, fn);
  }
}

export function readUpstreamYaml(relative: string): any {
  return parse(fs.readFileSync(path.join(SHARED_UPSTREAM, relative), "utf8"));
}

/**
 * Every key path of `values` that the chart's own values.yaml does not define. Under a key whose
 * default is an empty map, a list or null (free-form: nodeSelector, tolerations, …) anything goes.
 */
export function unknownValueKeys(values: unknown, defaults: unknown, at = ""): string[] {
  if (values === null || typeof values !== "object" || Array.isArray(values)) return [];
  if (defaults === null || defaults === undefined || Array.isArray(defaults)) return [];
  if (typeof defaults !== "object") return [at];
  if (Object.keys(defaults as object).length === 0) return [];
  return Object.entries(values as Record<string, unknown>).flatMap(([key, value]) => {
    const path = at ? `${at}.${key}` : key;
    if (!(key in (defaults as Record<string, unknown>))) return [path];
    return unknownValueKeys(value, (defaults as Record<string, unknown>)[key], path);
  });
}
