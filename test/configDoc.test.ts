import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS } from "../infra/config/keys";
import { TARGETS } from "../infra/config/enums";
import type { Target } from "../infra/config/enums";
import { ConfigError, formatProblem } from "../infra/config/errors";
import { configSchema, parseSpec } from "../infra/config/spec";
import type { RawStackConfig } from "../infra/config/types";
import { referenceConfig, withValues } from "./helpers/stacks";

// docs/config.md is checked against the code: every key the config schemas accept has a row, no row
// names a key that no longer exists, and each row's targets are the targets the code uses the key with.

const DOC = fs.readFileSync(path.join(__dirname, "..", "docs", "config.md"), "utf8");
/** Key tables are the tables with exactly this header. */
const KEY_TABLE_HEADER = "| key | targets | type | default | meaning |";

/** Keys of other namespaces the program reads: parseSpec reads the AWS provider's region on AWS stacks. */
const PROVIDER_KEYS: Readonly<Record<string, readonly Target[]>> = { "aws:region": ["aws"] };

/**
 * One storage schema serves both targets, so the schema cannot say which target a storage key
 * belongs to: dataChecks.ts refuses these on the other target (the last test holds it to that).
 */
const STORAGE_TARGETS: Readonly<Record<string, Target>> = {
  "storage.fsx": "aws",
  "storage.s3": "aws",
  "storage.storageClassName": "existing",
  "storage.claimSizeGiB": "existing",
};

interface ZodNode {
  _zod: { def: { type: string; innerType?: ZodNode; in?: ZodNode; shape?: Record<string, ZodNode>; element?: ZodNode } };
}

/** Leaf key paths (`a.b`, `a[].b`) of a zod schema, and the maps and lists above them. */
function walk(schema: ZodNode, at: string, leaves: Set<string>, containers: Set<string>): void {
  const def = schema._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
      return walk(def.innerType!, at, leaves, containers);
    case "pipe":
      return walk(def.in!, at, leaves, containers);
    case "object":
      if (at) containers.add(at);
      for (const [k, v] of Object.entries(def.shape!)) walk(v, at ? `${at}.${k}` : k, leaves, containers);
      return;
    case "array": {
      let element = def.element!;
      while (["optional", "nullable", "default", "readonly"].includes(element._zod.def.type)) element = element._zod.def.innerType!;
      if (element._zod.def.type !== "object") {
        leaves.add(at);
        return;
      }
      containers.add(at);
      return walk(element, `${at}[]`, leaves, containers);
    }
    default:
      leaves.add(at);
  }
}

const topKey = (keyPath: string) => keyPath.split(/[.[]/)[0];

/** What the code accepts: each leaf key path with the targets it is used with, and the container paths. */
function codeKeys(): { leaves: Map<string, Set<Target>>; containers: Set<string> } {
  const leaves = new Map<string, Set<Target>>();
  const containers = new Set<string>();
  for (const target of TARGETS) {
    const found = new Set<string>();
    const schema = configSchema(target) as unknown as ZodNode;
    walk(schema, "", found, containers);
    // Plain values the schema does not hold (target, the secret kubeconfig).
    for (const name of Object.keys(CONFIG_KEYS)) if (!(name in schema._zod.def.shape!)) found.add(name);
    for (const leaf of found) {
      if (!CONFIG_KEYS[topKey(leaf)].targets.includes(target)) continue;
      const restricted = Object.entries(STORAGE_TARGETS).find(([prefix]) => leaf === prefix || leaf.startsWith(`${prefix}.`));
      if (restricted && restricted[1] !== target) continue;
      leaves.set(leaf, new Set([...(leaves.get(leaf) ?? []), target]));
    }
  }
  for (const [key, targets] of Object.entries(PROVIDER_KEYS)) leaves.set(key, new Set(targets));
  return { leaves, containers };
}

interface KeyRow {
  readonly line: number;
  readonly keys: string[];
  readonly cells: string[];
}

/** The rows of every key table, with the key paths of their first cell (`a`, `b` ...). */
function documentedRows(): { rows: KeyRow[]; malformed: string[] } {
  const lines = DOC.split("\n");
  const rows: KeyRow[] = [];
  const malformed: string[] = [];
  lines.forEach((header, h) => {
    if (header.trim() !== KEY_TABLE_HEADER) return;
    for (let i = h + 2; i < lines.length && lines[i].startsWith("|"); i++) {
      const cells = lines[i].trim().slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
      const keys = cells[0].split(/,\s*/).map((k) => /^`([^`]+)`$/.exec(k)?.[1] ?? "");
      if (cells.length !== 5 || cells.some((c) => c === "") || keys.includes("") || !["aws", "existing", "both"].includes(cells[1])) {
        malformed.push(`line ${i + 1}: ${lines[i].slice(0, 100)}`);
      } else rows.push({ line: i + 1, keys, cells });
    }
  });
  return { rows, malformed };
}

const code = codeKeys();
const { rows, malformed } = documentedRows();
const documented = new Map<string, Set<Target>>();
for (const row of rows) {
  const targets: Target[] = row.cells[1] === "both" ? ["aws", "existing"] : [row.cells[1] as Target];
  for (const key of row.keys) documented.set(key, new Set([...(documented.get(key) ?? []), ...targets]));
}
const show = (targets: Set<Target> | undefined) => (targets ? (targets.size === 2 ? "both" : [...targets][0]) : "none");

describe("docs/config.md", () => {
  it("has key tables whose every row names keys in backquotes and fills all five columns", () => {
    expect(malformed).toEqual([]);
    // Written out by hand from schema.ts: the walk reaches nested lists and objects of every kind.
    expect([...code.leaves.keys()]).toEqual(expect.arrayContaining([
      "target", "kubeconfig", "aws:region", "images.digests", "network.availabilityZones", "storage.fsx.availabilityZone",
      "nodePools[].cpusPerNode", "nodePools[].capacityReservationId", "teams[].members", "teams[].reclaim.mode",
      "datasets[].hubTokenSecret.key", "trainingJobs[].variants[].zeroStage", "inferenceEndpoints[].loraAdapters[].rank",
      "inferenceEndpoints[].gateway.upstreamTimeoutMs", "monitoring.prometheus.existing.selectorLabels", "pipelines.manifestsDir",
    ]));
  });

  it("documents every key the config schemas accept", () => {
    expect([...code.leaves.keys()].filter((key) => !documented.has(key))).toEqual([]);
  });

  it("documents no key the code does not accept", () => {
    expect([...documented.keys()].filter((key) => !code.leaves.has(key) && !code.containers.has(key))).toEqual([]);
  });

  it("gives each key the targets the code uses it with", () => {
    const wrong = [...code.leaves].filter(([key, targets]) => documented.has(key) && show(documented.get(key)) !== show(targets)).map(([key, targets]) => `${key}: documented ${show(documented.get(key))}, used with ${show(targets)}`);
    expect(wrong).toEqual([]);
  });

  it("covers every structured key of the registry through the schema of each target that uses it", () => {
    const missing = Object.entries(CONFIG_KEYS)
      .filter(([, meta]) => meta.kind === "json")
      .flatMap(([name, meta]) => meta.targets.filter((t) => !(name in (configSchema(t) as unknown as ZodNode)._zod.def.shape!)).map((t) => `${name} (${t})`));
    expect(missing).toEqual([]);
  });

  it("is right that each storage key is refused on the other target, as the targets above assume", () => {
    const problems = (raw: RawStackConfig) => {
      try {
        parseSpec(raw);
        return [];
      } catch (e) {
        if (e instanceof ConfigError) return e.problems.map(formatProblem);
        throw e;
      }
    };
    const prod = referenceConfig("prod");
    const onprem = referenceConfig("onprem");
    const onpremStorage = JSON.parse(onprem.values["llm-platform:storage"]);
    const prodStorage = JSON.parse(prod.values["llm-platform:storage"]);
    expect(problems(withValues(onprem, { "llm-platform:storage": { ...onpremStorage, fsx: { storageCapacityGiB: 1200, throughputPerTiB: 125 }, s3: { expectedDataGiB: 1 } } }))).toEqual([
      "llm-platform:storage.fsx: is only used with target aws (an existing cluster uses storage.storageClassName)",
      "llm-platform:storage.s3: is only used with target aws (an existing cluster uses storage.storageClassName)",
    ]);
    expect(problems(withValues(prod, { "llm-platform:storage": { ...prodStorage, storageClassName: "cephfs", claimSizeGiB: 100 } }))).toEqual([
      "llm-platform:storage.claimSizeGiB: is only used with target existing (AWS stacks get FSx for Lustre)",
      "llm-platform:storage.storageClassName: is only used with target existing (AWS stacks get FSx for Lustre)",
    ]);
  });
});
