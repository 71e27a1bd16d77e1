import * as fs from "fs";
import * as path from "path";
import type { ConfigError } from "../infra/config/errors";
import type { RawStackConfig } from "../infra/config/types";
import { containersOf, podsOfObjects } from "../infra/k8s/podTemplates";
import { runCli } from "../infra/plan/cli";
import { parseSpec } from "../infra/config/spec";
import { planStack } from "../infra/plan/plan";
import { readProject, readStackConfig } from "../infra/plan/stackConfig";
import type { RecordedResource } from "../infra/plan/record";
import { corpus, prod, prodCluster, prodPools } from "./helpers/badConfigs";
import { referencePlan } from "./helpers/plan";
import { PROJECT_DIR, tempProject } from "./helpers/stacks";

/** A config as the `config:` map of a stack file; undefined when YAML cannot carry it as it is (1e400). */
function stackDoc(raw: RawStackConfig): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(raw.values)) {
    if (raw.secretKeys.has(key)) {
      config[key] = { secure: text };
      continue;
    }
    let value: unknown = text;
    try {
      const parsed = JSON.parse(text);
      if (parsed !== null && typeof parsed === "object") {
        if (JSON.stringify(parsed) !== text) return undefined;
        value = parsed;
      }
    } catch {
      // a plain string
    }
    config[key] = value;
  }
  return config;
}

const objectsOf = (resources: readonly RecordedResource[]) => resources.filter((r) => r.type.startsWith("kubernetes:") && (r.inputs as { kind?: string }).kind).map((r) => r.inputs as any);

describe("hostile configs through the plan CLI", () => {
  it("exits 2 with the config problems and no stack trace for every corpus case YAML can carry", async () => {
    const cases = corpus
      // Each case its own stack file; cases about the stack's name keep theirs.
      .map(([what, raw, expected], i) => ({ what, raw, expected, stack: ["prod", "onprem"].includes(raw.stack) ? `corpus-${String(i).padStart(3, "0")}` : raw.stack, doc: stackDoc(raw) }))
      // Left out: values YAML cannot hold as they are (1e400), and keys removed that Pulumi.yaml gives a
      // default (the CLI applies it, so "no region" is not a problem there).
      .filter((c) => c.doc !== undefined && Object.keys(readProject(PROJECT_DIR).defaults).every((k) => k in c.raw.values));
    const dir = tempProject(Object.fromEntries(cases.map((c) => [c.stack, c.doc!])));
    for (const reference of ["dev", "staging", "prod", "onprem"]) fs.rmSync(path.join(dir, "stacks", `Pulumi.${reference}.yaml`));
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(["--project", dir, "--all"], (l) => out.push(l), (l) => err.push(l));
    expect(code).toBe(2);
    const stderr = err.join("\n");
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(out.join("\n")).toContain(`planned 0/${cases.length} stacks`);
    for (const c of cases) {
      const n = c.expected.length;
      expect(stderr).toContain(`stack ${c.stack}: ${n} config problem${n === 1 ? "" : "s"}:\n${c.expected.map((line) => `  - ${line}`).join("\n")}`);
    }
    expect(corpus.length - cases.length).toBe(2); // the 1e400 case and the missing region
  }, 60_000);
});

describe("hostile configs that must plan clean", () => {
  it("plans admin roles of two accounts that share a name as two access entries", async () => {
    const arns = ["arn:aws:iam::444455556666:role/platform-admins", "arn:aws:iam::111122223333:role/platform-admins"];
    const dir = tempProject({ shared: { ...prodDocWith({ "llm-platform:cluster": { ...prodCluster, adminRoleArns: arns } }) } });
    const result = await planStack(dir, "shared");
    if (!result.ok) throw result.error;
    const entries = result.plan.resources.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry" && r.name.startsWith("shared-eks-admin-"));
    expect(entries.map((e) => e.inputs.principalArn).sort()).toEqual([...arns].sort());
    expect(new Set(entries.map((e) => e.name)).size).toBe(2);
    for (const e of entries) expect(e.name).toMatch(/^shared-eks-admin-platform-admins-[0-9a-f]{8}$/);
    expect(result.plan.policies.filter((p) => p.enforcement === "mandatory")).toEqual([]);
  });
});

/** prod's stack file with some keys replaced. */
function prodDocWith(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...stackDoc(prod)!, ...changes };
}

// The limits each name's API enforces, written out from their sources (not taken from infra/naming.ts):
// Kubernetes "Object Names and IDs" and "Labels and Selectors"; batch/v1 Job names ≤ 63 (the pods'
// job-name label); Services DNS-1035 labels ≤ 63; JobSet pod names `<trainjob>-launcher-0-0-xxxxx` ≤ 63 as DNS-1035 labels; EKS
// CreateNodegroup (≤ 63), CreateCluster (≤ 100); EC2 CreateLaunchTemplate (3–128 of [a-zA-Z0-9().\-/_]);
// IAM CreateRole (≤ 64, and Pulumi's auto-name appends "-" and 7 random characters); S3 bucket names
// (≤ 63, lowercase letters, digits, '-' and '.').
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Every name in a plan that breaks its API's rule, as "kind name: why". */
function nameViolations(resources: readonly RecordedResource[]): string[] {
  const bad: string[] = [];
  const check = (what: string, name: string, ok: boolean) => { if (!ok) bad.push(`${what} ${name}`); };
  for (const r of resources) {
    const inputs = r.inputs as any;
    switch (r.type) {
      case "aws:eks/nodeGroup:NodeGroup":
        check("node group", inputs.nodeGroupName, inputs.nodeGroupName.length <= 63 && /^[0-9A-Za-z][A-Za-z0-9\-_]*$/.test(inputs.nodeGroupName));
        break;
      case "aws:eks/cluster:Cluster":
        check("EKS cluster", inputs.name, inputs.name.length <= 100 && /^[0-9A-Za-z][A-Za-z0-9\-_]*$/.test(inputs.name));
        break;
      case "aws:ec2/launchTemplate:LaunchTemplate":
        check("launch template", inputs.name, inputs.name.length >= 3 && inputs.name.length <= 128 && /^[a-zA-Z0-9().\-/_]+$/.test(inputs.name));
        break;
      case "aws:ec2/placementGroup:PlacementGroup":
        check("placement group", inputs.name, inputs.name.length <= 255);
        break;
      case "aws:iam/role:Role":
        check("IAM role", r.name, inputs.name !== undefined || r.name.length + 8 <= 64);
        break;
      case "aws:s3/bucket:Bucket":
        check("S3 bucket", r.name, inputs.bucket !== undefined || (r.name.length + 8 <= 63 && /^[a-z0-9][a-z0-9-]*$/.test(r.name)));
        break;
    }
    if (!r.type.startsWith("kubernetes:") || !inputs.kind || !inputs.metadata?.name) continue;
    const name: string = inputs.metadata.name;
    const kind: string = inputs.kind;
    if (kind === "Namespace") check(kind, name, name.length <= 63 && DNS_LABEL.test(name));
    else if (kind === "Job") check(kind, name, name.length <= 63 && DNS_SUBDOMAIN.test(name));
    else if (kind === "TrainJob") check(kind, name, name.length + "-launcher-0-0-xxxxx".length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name));
    else if (kind === "Service") check(kind, name, name.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name));
    else check(kind, name, name.length <= 253 && DNS_SUBDOMAIN.test(name));
    const labelSets = [inputs.metadata.labels, inputs.spec?.template?.metadata?.labels, inputs.spec?.labels].filter(Boolean);
    for (const labels of labelSets) {
      for (const [key, value] of Object.entries(labels as Record<string, string>)) {
        const [prefix, keyName] = key.includes("/") ? key.split("/") : [undefined, key];
        check(`${kind} ${name} label key`, key, keyName.length <= 63 && LABEL_KEY_NAME.test(keyName) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))));
        check(`${kind} ${name} label value`, String(value), String(value).length <= 63 && LABEL_VALUE.test(String(value)));
      }
    }
  }
  return bad;
}

/** prod with every name as long as the checks allow: the limits are where the APIs' are. */
const longest = {
  stack: "llm-fine-tuning-prod-us-east-1", // 30
  inferencePool: "inference-l40s-low-latency-pool0", // 32: node group "<stack>-<pool>" of 63
  trainingPool: "train-h100-capacity-blk", // 23: acceptance TrainJob "nccl-allreduce-<pool>-xxxxx" of 44
  job: "sales-llama-3-1-8b-instruct", // 27
  variant: "src1024-lr2e5-ep", // 16: TrainJob "<job>-<variant>" of 44
  dataset: "sales-dialogue-2026-11-01-deduplicated-en-z", // 43: tokenise Job "tokenise-<dataset>-<key10>" of 63
  endpoint: "sales-assistant-llama-3-1-8b-instruct-src1024-lr2e5-ep", // 54: with a gateway, Service "<endpoint>-embedder" of 63
};

function longestNamesDoc(): Record<string, unknown> {
  const pools = prodPools.map((p) => (p.name === "infer-l40s" ? { ...p, name: longest.inferencePool } : p));
  pools.push({ name: longest.trainingPool, instanceType: "p5.48xlarge", purpose: "training", minNodes: 0, maxNodes: 2, capacityType: "capacity-block", capacityReservationId: "cr-0123456789abcdef0" });
  const doc = stackDoc(prod)!;
  const datasets = (doc["llm-platform:datasets"] as Record<string, unknown>[]).map((d) => ({ ...d, name: longest.dataset }));
  const jobs = (doc["llm-platform:trainingJobs"] as Record<string, unknown>[]).map((j) => ({ ...j, name: longest.job, dataset: longest.dataset, variants: [{ name: longest.variant, maxSourceLength: 1024 }] }));
  const endpoints = (doc["llm-platform:inferenceEndpoints"] as Record<string, unknown>[]).map((e) => ({ ...e, name: longest.endpoint, pool: longest.inferencePool, weights: `checkpoints/sales-dialogue/${longest.job}-${longest.variant}/hf` }));
  return { ...doc, "llm-platform:nodePools": pools, "llm-platform:datasets": datasets, "llm-platform:trainingJobs": jobs, "llm-platform:inferenceEndpoints": endpoints };
}

describe("every name a plan creates fits the API that receives it", () => {
  it.each(["dev", "staging", "prod", "onprem"])("in the %s reference stack", async (stack) => {
    expect(nameViolations((await referencePlan(stack)).resources)).toEqual([]);
  });

  it("in a stack whose names are each at the longest the config checks accept", async () => {
    const dir = tempProject({ [longest.stack]: longestNamesDoc() });
    const result = await planStack(dir, longest.stack);
    if (!result.ok) throw result.error;
    const names = result.plan.resources.map((r) => (r.inputs as any).nodeGroupName ?? (r.inputs as any).metadata?.name).filter(Boolean);
    // The boundaries are really reached: each limit is met exactly.
    expect(names).toContain(`${longest.stack}-${longest.inferencePool}`);
    expect(`${longest.stack}-${longest.inferencePool}`).toHaveLength(63);
    expect(names).toContain(`${longest.job}-${longest.variant}`);
    expect(`${longest.job}-${longest.variant}`).toHaveLength(44);
    expect(names.find((n: string) => new RegExp(`^tokenise-${longest.dataset}-[0-9a-f]{10}$`).test(n))).toHaveLength(63);
    expect(`nccl-allreduce-${longest.trainingPool}-xxxxx`).toHaveLength(44);
    expect(names).toContain(`${longest.endpoint}-vllm`);
    expect(names).toContain(`${longest.endpoint}-embedder`);
    expect(`${longest.endpoint}-embedder`).toHaveLength(63);
    expect(nameViolations(result.plan.resources)).toEqual([]);
  });

  it("refuses each of those names one character longer", () => {
    const over = [
      ["stack", `${longest.stack}x`, "(stack name)"],
      ["inference pool", `${longest.inferencePool}x`, "llm-platform:nodePools[3].name"],
      ["training pool", `${longest.trainingPool}x`, "llm-platform:nodePools[4].name"],
      ["variant", `${longest.variant}x`, "llm-platform:trainingJobs[0].variants[0].name"],
      ["data set", `${longest.dataset}x`, "llm-platform:datasets[0].name"],
      ["endpoint", `${longest.endpoint}x`, "llm-platform:inferenceEndpoints[0].name"],
    ] as const;
    for (const [what, name, problemPath] of over) {
      const doc = longestNamesDoc();
      let stack: string = longest.stack;
      if (what === "stack") stack = name;
      if (what === "inference pool") {
        doc["llm-platform:nodePools"] = (doc["llm-platform:nodePools"] as any[]).map((p) => (p.name === longest.inferencePool ? { ...p, name } : p));
        doc["llm-platform:inferenceEndpoints"] = (doc["llm-platform:inferenceEndpoints"] as any[]).map((e) => ({ ...e, pool: name }));
      }
      if (what === "endpoint") doc["llm-platform:inferenceEndpoints"] = (doc["llm-platform:inferenceEndpoints"] as any[]).map((e) => ({ ...e, name }));
      if (what === "training pool") doc["llm-platform:nodePools"] = (doc["llm-platform:nodePools"] as any[]).map((p) => (p.name === longest.trainingPool ? { ...p, name } : p));
      if (what === "variant") doc["llm-platform:trainingJobs"] = (doc["llm-platform:trainingJobs"] as any[]).map((j) => ({ ...j, variants: [{ name, maxSourceLength: 1024 }] }));
      if (what === "data set") {
        doc["llm-platform:datasets"] = (doc["llm-platform:datasets"] as any[]).map((d) => ({ ...d, name }));
        doc["llm-platform:trainingJobs"] = (doc["llm-platform:trainingJobs"] as any[]).map((j) => ({ ...j, dataset: name }));
      }
      const dir = tempProject({ [stack]: doc });
      let paths: string[] = [];
      try {
        parseSpec(readStackConfig(dir, stack));
      } catch (e) {
        paths = (e as ConfigError).problems.map((p) => p.path);
      }
      expect([what, paths]).toEqual([what, [problemPath]]);
    }
  });
});

describe("no config value is spliced into a shell script", () => {
  // Canaries planted in every free-form value that reaches a pod; none may appear inside the script
  // of an `sh -c` / `bash -c` (they travel as argv words or environment variables instead).
  const CANARY = "canaryzz";
  function canaryDoc(): Record<string, unknown> {
    const doc = stackDoc(prod)!;
    const teams = (doc["llm-platform:teams"] as Record<string, unknown>[]).map((t, i) => (i === 0 ? { ...t, name: `${CANARY}-team` } : t));
    const datasets = (doc["llm-platform:datasets"] as Record<string, unknown>[]).map((d) => ({
      ...d,
      name: `${CANARY}-data`,
      version: `${CANARY}-v1`,
      team: `${CANARY}-team`,
      rawPath: `raw/${CANARY}-raw`,
      fillerWords: [`${CANARY}word`],
      bannedPatterns: [`${CANARY} pattern`],
      featureTags: [`${CANARY}Tag`],
    }));
    const jobs = (doc["llm-platform:trainingJobs"] as Record<string, unknown>[]).map((j) => ({
      ...j,
      name: `${CANARY}-job`,
      team: `${CANARY}-team`,
      dataset: `${CANARY}-data`,
      model: { name: `/data/models/${CANARY}-model`, parameters: 8.03e9, hiddenSize: 4096, layers: 32 },
      command: ["llm-train", `--run-name=${CANARY}-arg`],
      env: { WANDB_PROJECT: `${CANARY}-env` },
      variants: [{ name: `${CANARY}-v`, maxSourceLength: 512 }],
    }));
    const endpoints = (doc["llm-platform:inferenceEndpoints"] as Record<string, unknown>[]).map((e) => ({ ...e, name: `${CANARY}-endpoint`, team: `${CANARY}-team`, weights: `checkpoints/${CANARY}-team/${CANARY}-job-${CANARY}-v/hf` }));
    return { ...doc, "llm-platform:teams": teams, "llm-platform:datasets": datasets, "llm-platform:trainingJobs": jobs, "llm-platform:inferenceEndpoints": endpoints };
  }

  it("puts canaries into pods as argv and environment only", async () => {
    const dir = tempProject({ canary: canaryDoc() });
    const result = await planStack(dir, "canary");
    if (!result.ok) throw result.error;
    const pods = podsOfObjects(objectsOf(result.plan.resources));
    const scripts: string[] = [];
    const values: string[] = [];
    for (const pod of pods) {
      for (const c of containersOf(pod.spec)) {
        const argv = [...(c.command ?? []), ...(c.args ?? [])];
        argv.forEach((word, i) => {
          if (/(^|\/)(ba)?sh$/.test(word) && argv[i + 1] === "-c" && argv[i + 2] !== undefined) scripts.push(argv[i + 2]);
        });
        values.push(...argv, ...(c.env ?? []).map((e) => e.value ?? ""));
      }
    }
    expect(scripts.length).toBeGreaterThan(0); // the check is not vacuous: there are shell scripts to read
    expect(scripts.filter((s) => s.includes(CANARY))).toEqual([]);
    // …and the canaries did reach the pods, as words and variables.
    expect(values.some((v) => v.includes(`${CANARY}-data`))).toBe(true);
    expect(values).toContain(`--run-name=${CANARY}-arg`);
    expect(values).toContain(`${CANARY}-env`);
  });
});
