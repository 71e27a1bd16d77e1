import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_CLEAN, EXIT_CONFIG, EXIT_POLICY } from "../infra/plan/cli";
import { cli } from "./helpers/cli";
import { planJson } from "../infra/plan/plan";
import { previewChanges } from "../infra/review/preview";
import { referencePlan } from "./helpers/plan";
import { referenceStackDoc, tempProject } from "./helpers/stacks";


const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "llm-platform-review-"));
const baseFile = path.join(tmp, "base.json");
const prod = referenceStackDoc("prod").config as Record<string, any>;
const pools = prod["llm-platform:nodePools"] as Record<string, unknown>[];
/** The prod stack with some config keys replaced, as its own project (same stack name, so the URNs match). */
const prodWith = (changes: Record<string, unknown>) => tempProject({ prod: { ...prod, ...changes } });
const fixture = (name: string) => path.join(__dirname, "fixtures", name);

beforeAll(async () => {
  // The baseline: the reference prod plan, as `npm run plan -- --all --json` writes it (an array).
  fs.writeFileSync(baseFile, JSON.stringify([planJson(await referencePlan("prod"))]));
});

describe("plan against a baseline", () => {
  it("reports a node count change as its cost delta, per line and in total, and the input pulumi up leaves to the autoscaler", async () => {
    // train-h100 desiredNodes 2 → 3, budget raised so the cost policy stays quiet.
    const project = prodWith({ "llm-platform:budgetUsdPerMonth": 200000, "llm-platform:nodePools": pools.map((p) => (p.name === "train-h100" ? { ...p, desiredNodes: 3 } : p)) });
    const md = path.join(tmp, "cost.md");
    const run = await cli("--project", project, "--stack", "prod", "--baseline", baseFile, "--markdown", md);
    expect(run.code).toBe(EXIT_CLEAN);
    // One p5.48xlarge node a month: 730 h × $55.04/h + 200 GB gp3 root volume × $0.08 = 40,179.20 + 16.00.
    const perNode = 730 * 55.04 + 200 * 0.08;
    expect(perNode).toBeCloseTo(40195.2, 2);
    // Before: 2 nodes = $80,390.40; after: 3 nodes = $120,585.60; the stack: $144,056.19 + $40,195.20 = $184,251.39.
    expect(run.out).toContain("changes: 0 create, 1 update, 0 replace, 0 delete; $144,056.19 → $184,251.39/month expected (+$40,195.20, +27.9%)");
    const report = fs.readFileSync(md, "utf8");
    expect(report).toContain("| NodeGroup prod-train-h100 | p5.48xlarge × 0/3/8 nodes (min/expected/max) at $55.04/h on demand + 200 GB gp3 each | $80,390.40 → $120,585.60 (+$40,195.20, +50.0%) | $0.00 | $321,561.60 |");
    expect(report).toContain("| **total** | | **$144,056.19 → $184,251.39 (+$40,195.20, +27.9%)** | **$17,443.71** | **$555,449.10** |");
    expect(report).toContain("| NodeGroup prod-train-h100 | `scalingConfig.desiredSize` 2 → 3 (ignoreChanges: `pulumi up` leaves it alone) |");
    // The Changes section comes first: before the node pools and the full cost table.
    expect(report.indexOf("### Changes")).toBeLessThan(report.indexOf("### Node pools"));
    expect(report.indexOf("#### Replaced or deleted")).toBeLessThan(report.indexOf("#### Monthly cost"));
    expect(report.indexOf("#### Monthly cost")).toBeLessThan(report.indexOf("#### Updated in place"));
  });

  it("refuses moving the file system to another AZ, naming the forcing input and the data it holds", async () => {
    const project = prodWith({
      "llm-platform:storage": { ...prod["llm-platform:storage"], fsx: { ...prod["llm-platform:storage"].fsx, availabilityZone: "us-east-1b" } },
      "llm-platform:nodePools": pools.map((p) => (p.purpose === "training" ? { ...p, availabilityZones: ["us-east-1b"] } : p)),
    });
    const md = path.join(tmp, "az.md");
    const run = await cli("--project", project, "--stack", "prod", "--baseline", baseFile, "--markdown", md);
    expect(run.code).toBe(EXIT_POLICY);
    const verdicts = run.out.split("\n").filter((l) => l.includes("data-loss:")).map((l) => /^ {2}(\w+) data-loss: this change replaces (\w+ [\w-]+)/.exec(l)!.slice(1).join(" "));
    expect(verdicts).toEqual([
      "mandatory NodeGroup prod-train-h100",
      "mandatory NodeGroup prod-train-h200",
      "mandatory LustreFileSystem prod-storage-shards",
      "advisory DataRepositoryAssociation prod-storage-shards",
      "advisory PersistentVolume prod-storage-root",
      "advisory PersistentVolume prod-storage-sales-dialogue",
      "advisory PersistentVolume prod-storage-research",
    ]);
    expect(run.out).toContain("mandatory data-loss: this change replaces LustreFileSystem prod-storage-shards (forced by `subnetIds` plan-prod-vpc-private-us-east-1a-id → plan-prod-vpc-private-us-east-1b-id), which holds tokenised shards");
    expect(run.out).toContain("advisory data-loss: this change replaces PersistentVolume prod-storage-research (forced by `spec.csi.volumeAttributes.dnsname` comes from LustreFileSystem prod-storage-shards, which is replaced;");
    // A claim bound by name to a replaced volume keeps its input (the name is known at preview): not replaced.
    expect(run.out).not.toContain("PersistentVolumeClaim");
    const report = fs.readFileSync(md, "utf8");
    expect(report).toMatch(/^## ❌ prod/);
    expect(report).toContain("| ❌ **mandatory** | LustreFileSystem prod-storage-shards | replace | `subnetIds` plan-prod-vpc-private-us-east-1a-id → plan-prod-vpc-private-us-east-1b-id |");

    const accepted = await cli("--project", project, "--stack", "prod", "--baseline", baseFile, "--accept-replace", "prod-storage-shards", "--accept-replace", "prod-train-h100", "--accept-replace", "prod-train-h200");
    expect(accepted.code).toBe(EXIT_CLEAN);
    expect(accepted.out).toContain("accepted (mandatory) data-loss: this change replaces LustreFileSystem prod-storage-shards");
  });

  it("shows a change that adds a slow step to the critical path", async () => {
    const project = prodWith({ "llm-platform:nodePools": [...pools, { name: "train-extra", instanceType: "p5.48xlarge", purpose: "training", minNodes: 0, maxNodes: 2 }] });
    const md = path.join(tmp, "pool.md");
    const run = await cli("--project", project, "--stack", "prod", "--baseline", baseFile, "--markdown", md);
    expect(run.out).toMatch(/changes: [1-9]\d* create, \d+ update, 0 replace, 0 delete/);
    const report = fs.readFileSync(md, "utf8");
    const changeTime = report.slice(report.indexOf("#### Deploy time of this change"), report.indexOf("### Node pools"));
    expect(changeTime).toContain("| 1 | NodeGroup prod-train-extra | 5 min | 1 h |");
    expect(changeTime).toContain("This change's `pulumi up`: ≈ 5 min (at most 1 h).");
    expect(report).toMatch(/\| NodeGroup prod-train-extra \| p5\.48xlarge × 0\/0\/2 nodes .* \| \$0\.00 \| \$0\.00 \| — → \$80,390\.40 \(\+\$80,390\.40, new\) \|/);
  });

  it("treats a stack missing from the baseline as new: everything is created", async () => {
    const empty = path.join(tmp, "empty.json");
    fs.writeFileSync(empty, "[]");
    const run = await cli("--stack", "dev", "--baseline", empty);
    expect(run.code).toBe(EXIT_CLEAN);
    expect(run.out).toContain(`no baseline for dev in ${empty}: a new stack, everything is created`);
    expect(run.out).toMatch(/changes: \d+ create, 0 update, 0 replace, 0 delete; \$0\.00 → \$259\.66\/month expected \(\+\$259\.66, new\)/);
  });

  it.each([
    [["--baseline", "/nonexistent/base.json"], "--baseline /nonexistent/base.json: ENOENT: no such file or directory, open '/nonexistent/base.json' (expected the JSON of `npm run plan -- --json` on the base commit)"],
    [["--preview-json", "x.json", "--all"], "--preview-json checks one real preview: use it with --stack (and --markdown, --accept-replace), not --all, --baseline or --json"],
  ])("exits 2 on %j", async (args, message) => {
    const run = await cli(...args);
    expect(run.code).toBe(EXIT_CONFIG);
    expect(run.err).toBe(message);
  });
});

describe("data-loss guard on a real pulumi preview --json", () => {
  it("reads one replacement per URN from its replace / create-replacement / delete-replaced steps, and deletions", () => {
    const changes = previewChanges(JSON.parse(fs.readFileSync(fixture("preview-prod-fsx-az.json"), "utf8")));
    expect(changes.map((c) => [c.op, c.type, c.name, c.reasons.map((r) => r.path), c.protect])).toEqual([
      ["replace", "aws:fsx/lustreFileSystem:LustreFileSystem", "prod-storage-shards", ["subnetIds"], true],
      ["delete", "kubernetes:core/v1:ConfigMap", "prod-tokenise-sales-dialogue-code", [], false],
    ]);
  });

  it("refuses the preview that replaces the file system, with exit 1 and the reason the engine gave", async () => {
    const md = path.join(tmp, "guard.md");
    const run = await cli("--preview-json", fixture("preview-prod-fsx-az.json"), "--stack", "prod", "--markdown", md);
    expect(run.code).toBe(EXIT_POLICY);
    expect(run.out.split("\n")[0]).toBe("prod: pulumi preview replaces or deletes 1 resource(s) holding data or running work, 1 refused");
    expect(run.out).toContain("mandatory data-loss: this change replaces LustreFileSystem prod-storage-shards (forced by `subnetIds`), which holds tokenised shards");
    expect(fs.readFileSync(md, "utf8")).toMatch(/^### ❌ prod: data-loss guard on `pulumi preview`/);
    const accepted = await cli("--preview-json", fixture("preview-prod-fsx-az.json"), "--stack", "prod", "--accept-replace", "prod-storage-shards");
    expect(accepted.code).toBe(EXIT_CLEAN);
  });

  it("passes a preview that only updates in place", async () => {
    const run = await cli("--preview-json", fixture("preview-prod-in-place.json"), "--stack", "prod");
    expect(run.code).toBe(EXIT_CLEAN);
    expect(run.out).toBe("prod: pulumi preview replaces or deletes 0 resource(s) holding data or running work, 0 refused");
  });

  it("exits 2 on a file that is not a preview", async () => {
    const notPreview = path.join(tmp, "plan.json");
    fs.writeFileSync(notPreview, JSON.stringify({ stack: "prod", resources: [] }));
    const run = await cli("--preview-json", notPreview, "--stack", "prod");
    expect(run.code).toBe(EXIT_CONFIG);
    expect(run.err).toBe(`--preview-json ${notPreview}: is not the output of \`pulumi preview --json\` (no steps or changeSummary)`);
  });
});
