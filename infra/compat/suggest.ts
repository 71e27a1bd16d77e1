/**
 * The nearest working stack (pure): when a stack is refused, the fewest and smallest changes that
 * make it clean of `broken` findings (ranked by changed components, then release steps, then
 * remaining advisories). The wrong component changes first and the rest is kept; a
 * driver below a CUDA release's minimum but above its major's floor is already working (minor-version
 * compatibility), so no downgrade is proposed for it.
 */
import { GpuModelName } from "../catalog/gpus";
import { findCudaRelease } from "./cuda";
import { DEEPSPEED_RELEASES, findDeepspeedReleases, nearestTestedDeepspeed } from "./deepspeed";
import { GPU_OPERATOR_VALIDATED_DRIVERS, GPU_OPERATOR_VERSION } from "./gpuOperator";
import { partOf } from "./gpuParts";
import { ARCH_LAST_BRANCH, branchLifecycleProblem, driverBranch, findBranch } from "./nvidiaDrivers";
import { findPytorchRelease, PYTORCH_RELEASES } from "./pytorch";
import { AlignedStack, alignmentFindings, AlignmentFinding, AlignmentOptions, AlignmentRule } from "./rules";
import { atLeast, compareVersions } from "./version";

export type StackComponent = "driver" | "cuda" | "pytorch" | "deepspeed";

export interface StackChange {
  readonly component: StackComponent;
  readonly from: string;
  readonly to: string;
}

export interface Suggestion {
  /** The suggested stack (for a node-image driver: the minimum driver the new image must ship). */
  readonly stack: AlignedStack;
  readonly changes: readonly StackChange[];
  /** One sentence for a policy message, e.g. "nearest working stack: CUDA 12.8 → 12.6; keep …". */
  readonly text: string;
}

const DRIVER_RULES: readonly AlignmentRule[] = ["driver-supports-gpu", "driver-supports-cuda", "operator-supports-driver"];
const broken = (findings: readonly AlignmentFinding[]) => findings.filter((f) => f.kind === "broken");

/** The lowest driver that runs this CUDA release on this part, or undefined when no branch can. */
function minimumDriver(model: GpuModelName, stack: AlignedStack, today: Date): string | undefined {
  const part = partOf(model);
  const cuda = findCudaRelease(stack.cudaVersion);
  const need = [part.firstDriver, ...(cuda ? [cuda.minDriver] : [])].sort(compareVersions).pop()!;
  const last = ARCH_LAST_BRANCH[part.arch];
  if (stack.driverManagedBy === "operator") {
    const usable = GPU_OPERATOR_VALIDATED_DRIVERS.filter((v) => atLeast(v, need) && (last === undefined || driverBranch(v) <= last));
    const maintained = (v: string) => { const b = findBranch(v); return !b || !branchLifecycleProblem(b, today); };
    return usable.find(maintained) ?? usable[0];
  }
  return last !== undefined && driverBranch(need) > last ? undefined : need;
}

interface Candidate {
  readonly stack: AlignedStack;
  readonly findings: readonly AlignmentFinding[];
}

/** The candidate stacks for one PyTorch build: keep the driver and DeepSpeed if they work, else their nearest fix. */
function candidatesFor(model: GpuModelName, base: AlignedStack, pytorchVersion: string, cudaVersion: string, options: AlignmentOptions): Candidate[] {
  const out: Candidate[] = [];
  const current = findDeepspeedReleases(base.deepspeedVersion);
  const nearest = nearestTestedDeepspeed(current, pytorchVersion);
  // Keep DeepSpeed, else the newest patch of its own releases (a fix often lands in a patch), else the nearest tested one.
  const deepspeedChoices = [...new Set([base.deepspeedVersion, ...(current ? [current.last] : []), ...(nearest ? [nearest.last] : [])])];
  for (const deepspeedVersion of deepspeedChoices) {
    let stack: AlignedStack = { ...base, pytorchVersion, cudaVersion, deepspeedVersion };
    let findings = alignmentFindings(model, stack, options);
    if (broken(findings).some((f) => DRIVER_RULES.includes(f.rule))) {
      const driverVersion = minimumDriver(model, stack, options.today ?? new Date());
      if (!driverVersion) continue;
      stack = { ...stack, driverVersion };
      findings = alignmentFindings(model, stack, options);
    }
    if (broken(findings).length === 0) out.push({ stack, findings });
  }
  return out;
}

const index = (list: readonly string[], version: string) => list.findIndex((v) => compareVersions(v, version) === 0);

/** Steps between two versions in a release list (unknown versions count as one step past its end). */
function distance(list: readonly string[], from: string, to: string): number {
  const a = index(list, from);
  const b = index(list, to);
  return Math.abs((a < 0 ? list.length : a) - (b < 0 ? list.length : b));
}

export function suggestStack(model: GpuModelName, stack: AlignedStack, options: AlignmentOptions = {}): Suggestion | undefined {
  const current = findPytorchRelease(stack.pytorchVersion);
  // Builds to try: the configured PyTorch on each of its wheels first, then every other release's newest patch.
  const builds: [string, string][] = [[stack.pytorchVersion, stack.cudaVersion]];
  for (const release of [...PYTORCH_RELEASES].reverse()) {
    const version = release === current ? stack.pytorchVersion : release.latestPatch;
    for (const wheel of [...release.wheels].reverse()) builds.push([version, wheel.cuda]);
  }
  const candidates = builds.flatMap(([pytorchVersion, cudaVersion]) => candidatesFor(model, stack, pytorchVersion, cudaVersion, options));

  const torchList = PYTORCH_RELEASES.map((r) => r.version);
  const cudaList = [...new Set(PYTORCH_RELEASES.flatMap((r) => r.wheels.map((w) => w.cuda)))].sort(compareVersions);
  const deepspeedList = DEEPSPEED_RELEASES.map((r) => r.last);
  const minor = (v: string) => v.split(".").slice(0, 2).join(".");
  const score = (c: Candidate): number[] => {
    const changes = changesOf(stack, c.stack);
    const advisories = c.findings.filter((f) => f.kind === "untested" || f.kind === "limited").length;
    const steps =
      distance(torchList, minor(stack.pytorchVersion), minor(c.stack.pytorchVersion)) +
      distance(cudaList, minor(stack.cudaVersion), minor(c.stack.cudaVersion)) +
      distance(deepspeedList, findDeepspeedReleases(stack.deepspeedVersion)?.last ?? stack.deepspeedVersion, findDeepspeedReleases(c.stack.deepspeedVersion)?.last ?? c.stack.deepspeedVersion);
    return [changes.length, steps, advisories];
  };
  const lexical = (a: number[], b: number[]) => a.reduce((d, x, i) => d || x - b[i], 0);
  const best = candidates
    .map((c, order) => ({ c, s: score(c), order }))
    .sort((a, b) => lexical(a.s, b.s) || a.order - b.order)[0];
  if (!best) return undefined;
  const changes = changesOf(stack, best.c.stack);
  return { stack: best.c.stack, changes, text: describe(stack, changes) };
}

function changesOf(from: AlignedStack, to: AlignedStack): StackChange[] {
  const pairs: [StackComponent, string, string][] = [
    ["driver", from.driverVersion, to.driverVersion],
    ["cuda", from.cudaVersion, to.cudaVersion],
    ["pytorch", from.pytorchVersion, to.pytorchVersion],
    ["deepspeed", from.deepspeedVersion, to.deepspeedVersion],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([component, a, b]) => ({ component, from: a, to: b }));
}

const LABEL: Readonly<Record<StackComponent, string>> = { driver: "driver", cuda: "CUDA", pytorch: "PyTorch", deepspeed: "DeepSpeed" };

function describe(stack: AlignedStack, changes: readonly StackChange[]): string {
  const changed = new Set(changes.map((c) => c.component));
  const parts = changes.map((c) => {
    if (c.component !== "driver") return `${LABEL[c.component]} ${c.from} → ${c.to}`;
    return stack.driverManagedBy === "operator"
      ? `driverVersion ${c.from} → ${c.to} (a driver the GPU operator ${GPU_OPERATOR_VERSION} installs)`
      : `change the node image to one whose driver is ≥ ${c.to} (now ${c.from})`;
  });
  const kept = (["driver", "cuda", "pytorch", "deepspeed"] as const)
    .filter((c) => !changed.has(c))
    .map((c) => `${LABEL[c]} ${{ driver: stack.driverVersion, cuda: stack.cudaVersion, pytorch: stack.pytorchVersion, deepspeed: stack.deepspeedVersion }[c]}`);
  return `nearest working stack: ${parts.join("; ")}${kept.length ? `; keep ${kept.join(", ")}` : ""}`;
}

