import { podExemption } from "../infra/security/exemptions";
import { RecordedResource } from "../infra/plan/record";
import { referencePlan } from "./helpers/plan";
import { manifestsOfPlan, scan, ScanFinding, ScannedManifest } from "./helpers/scanner";

// The rendered Kubernetes objects of every reference stack, scanned by a maintained scanner
// (@monokle/validation 0.33.0, offline: its bundled Pod Security Standards rules PSS1xx/PSS2xx and
// its "practices" rules KBP…, Trivy's KSV checks ported to JavaScript — see test/helpers/monokleScan.mjs
// for why the OPA plugin with the KSV ids themselves cannot run offline). Every finding is fixed or
// explained below; the test fails on a finding the table does not explain, and on an entry that no
// longer matches anything (a stale exemption).
//
// Trivy ids of the KBP rules (same descriptions in @monokle/validation's open-policy-agent rules.js):
// KBP102 = KSV014, KBP104 = KSV020, KBP105 = KSV021, KBP109 = KSV029.

interface ScannerExemption {
  readonly rules: readonly string[];
  /** "Kind namespace/name" of the scanned manifest; `*` matches any run of characters. */
  readonly resource: string;
  /** The finding's element path, when only part of the resource is exempt. */
  readonly path?: string;
  /** Stacks it applies to (all when absent). */
  readonly stacks?: readonly string[];
  readonly reason: string;
}

const TRAINING_PODS = ["Pod clustertrainingruntime-deepspeed-*", "Pod sales-dialogue/trainjob-*"];
const PLATFORM_UID_REASON = "the platform's images run as uid/gid 1000 (PLATFORM_UID: the training image's mpiuser, whose home holds the MPI launcher's ssh keys; SERVING_UID for vLLM); Pod Security restricted asks only for non-zero. A uid above 10000 must come with the images (or user namespaces, hostUsers: false) — a follow-up";

export const SCANNER_EXEMPTIONS: readonly ScannerExemption[] = [
  ...TRAINING_PODS.map((resource) => ({
    rules: ["KBP102"],
    resource,
    path: "spec.containers.0.securityContext.readOnlyRootFilesystem",
    reason: "the worker runs sshd (host keys, /run/sshd) and the launcher mpirun and DeepSpeed, which with Triton and torch write caches and temporary files outside the mounted volumes; its init check is read-only. A read-only root needs an emptyDir per written path, tested on a GPU node",
  })),
  { rules: ["KBP102"], resource: "Job sales-dialogue/tokenise-*", reason: "the tokeniser's datasets and transformers libraries write temporary files and caches under /tmp and $HOME besides the mounted claim" },
  { rules: ["KBP102"], resource: "Deployment sales-dialogue/*-vllm", path: "spec.template.spec.containers.0.securityContext.readOnlyRootFilesystem", reason: "vLLM's torch.compile (inductor) and Triton caches default to /tmp besides $HOME (an emptyDir); a read-only root needs a /tmp emptyDir and a start-up test on a GPU node; its weight check is read-only" },
  ...[...TRAINING_PODS, "Job sales-dialogue/tokenise-*", "Deployment sales-dialogue/*-vllm"].map((resource) => ({ rules: ["KBP104", "KBP105"], resource, reason: PLATFORM_UID_REASON })),
  { rules: ["KBP104", "KBP105", "KBP109", "PSS203", "PSS204", "PSS206"], resource: "Job llm-platform/team-directories-*", stacks: ["staging", "prod"], reason: podExemption("team-directories-root").reason },
  ...["Pod clustertrainingruntime-deepspeed-train-a*", "Pod sales-dialogue/trainjob-sales-glm6b-*"].map((resource) => ({ rules: ["PSS104", "PSS206"], resource, path: "spec.containers.0.securityContext.capabilities.add", stacks: ["onprem"], reason: podExemption("rdma-ipc-lock").reason })),
  { rules: ["KBP106"], resource: "CronJob llm-platform/gpu-reclaimer", reason: podExemption("gpu-reclaimer-token").reason },
  { rules: ["KBP106"], resource: "CronJob llm-platform/gpu-node-guard", stacks: ["onprem"], reason: podExemption("gpu-node-guard-token").reason },
  { rules: ["KBP107"], resource: "Role */llm-platform-team-member", reason: "team members create Jobs and TrainJobs — what the platform is for; Kueue admits each against the team's quota (kueue-manages-team-namespaces), Pod Security and the RDMA admission policy bound what their pods may do; members cannot create bare pods or exec into them (infra/security/teamAccess.ts)" },
  ...["Job sales-dialogue/tokenise-*", "Pod sales-dialogue/trainjob-*-launcher"].map((resource) => ({
    rules: ["KBP112"],
    resource,
    reason: "the Hugging Face token reaches huggingface_hub as HF_TOKEN, the variable it reads; team members can neither read the Secret back nor exec into pods (infra/security/teamAccess.ts). Mounting it as a file (HF_TOKEN_PATH) is a follow-up",
  })),
];

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`);
const explains = (e: ScannerExemption, f: ScanFinding) =>
  e.rules.includes(f.rule) && glob(e.resource).test(f.resource) && (e.path === undefined || e.path === f.path) && (e.stacks === undefined || e.stacks.includes(f.stack));
const show = (f: ScanFinding) => `${f.stack}: ${f.rule} ${f.resource} ${f.path} (${f.message})`;

const STACKS = ["dev", "staging", "prod", "onprem"];
async function manifests(edit: (stack: string, resources: RecordedResource[]) => void = () => undefined): Promise<ScannedManifest[]> {
  const all: ScannedManifest[] = [];
  for (const stack of STACKS) {
    const resources = structuredClone((await referencePlan(stack)).resources) as RecordedResource[];
    edit(stack, resources);
    all.push(...manifestsOfPlan(stack, resources));
  }
  return all;
}

describe("the scanner over every reference stack's rendered Kubernetes objects", () => {
  let scanned: ScannedManifest[];
  let result: ReturnType<typeof scan>;
  beforeAll(async () => {
    scanned = await manifests();
    result = scan(scanned);
  }, 60000);

  it("runs every bundled Pod Security and Trivy-derived rule offline, over every object and every training pod", () => {
    expect(result.rules).toBe(39); // 17 Pod Security Standards rules + 22 practices rules (all enabled)
    const kinds = new Set(scanned.map((m) => m.manifest.kind));
    for (const kind of ["Namespace", "NetworkPolicy", "Role", "RoleBinding", "Job", "CronJob", "Deployment", "ClusterTrainingRuntime", "TrainJob", "Pod"]) expect(kinds).toContain(kind);
    // each TrainJob's pods, as the trainer builds them from its runtime, are scanned as Pods
    expect(scanned.filter((m) => m.stack === "prod" && m.manifest.kind === "Pod").map((m) => `${m.manifest.metadata.namespace ?? ""}/${m.manifest.metadata.name}`)).toEqual([
      "/clustertrainingruntime-deepspeed-train-h100-node",
      "/clustertrainingruntime-deepspeed-train-h100-launcher",
      "/clustertrainingruntime-deepspeed-train-h200-node",
      "/clustertrainingruntime-deepspeed-train-h200-launcher",
      "sales-dialogue/trainjob-sales-llama8b-src512-node",
      "sales-dialogue/trainjob-sales-llama8b-src512-launcher",
      "sales-dialogue/trainjob-sales-llama8b-src1024-node",
      "sales-dialogue/trainjob-sales-llama8b-src1024-launcher",
    ]);
  });

  it("finds nothing the exemption table does not explain", () => {
    expect(result.findings.filter((f) => !SCANNER_EXEMPTIONS.some((e) => explains(e, f))).map(show)).toEqual([]);
  });

  it("keeps no stale exemption: every entry explains a finding, for each of its rules", () => {
    const stale = SCANNER_EXEMPTIONS.flatMap((e) => e.rules.filter((rule) => !result.findings.some((f) => explains({ ...e, rules: [rule] }, f))).map((rule) => `${rule} ${e.resource}${e.path ? ` ${e.path}` : ""}`));
    expect(stale).toEqual([]);
  });

  it("reports a defect put back: a privileged serving container with an added capability and a CPU-unlimited reclaimer", async () => {
    const broken = scan(await manifests((stack, rs) => {
      if (stack !== "prod") return;
      const vllm = rs.find((r) => r.type === "kubernetes:apps/v1:Deployment")!.inputs as any;
      Object.assign(vllm.spec.template.spec.containers[0].securityContext, { privileged: true, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } });
      delete (rs.find((r) => r.type === "kubernetes:batch/v1:CronJob")!.inputs as any).spec.jobTemplate.spec.template.spec.containers[0].resources.limits.cpu;
    }));
    const unexplained = broken.findings.filter((f) => !SCANNER_EXEMPTIONS.some((e) => explains(e, f))).map((f) => `${f.stack}: ${f.rule} ${f.resource} ${f.path}`);
    expect(unexplained.sort()).toEqual([
      "prod: KBP003 CronJob llm-platform/gpu-reclaimer spec.jobTemplate.spec.template.spec.containers.0.resources.limits.cpu",
      "prod: KBP100 Deployment sales-dialogue/sales-assistant-vllm spec.template.spec.containers.0.securityContext.capabilities.add",
      "prod: PSS103 Deployment sales-dialogue/sales-assistant-vllm spec.template.spec.containers.0.securityContext.privileged",
      "prod: PSS104 Deployment sales-dialogue/sales-assistant-vllm spec.template.spec.containers.0.securityContext.capabilities.add",
      "prod: PSS206 Deployment sales-dialogue/sales-assistant-vllm spec.template.spec.containers.0.securityContext.capabilities.add",
    ]);
  }, 60000);
});
