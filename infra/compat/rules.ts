/**
 * The verdict (pure): every finding a GPU + driver + CUDA + PyTorch + DeepSpeed stack gets, each
 * with its kind (findings.ts). The field notes' first lesson: one machine would not train at all
 * until the driver's CUDA and the framework build matched.
 */
import { GpuModelName } from "../catalog/gpus";
import type { GpuStackSpec } from "../config/types";
import { ARCH_CUDA_SUPPORT, cudaMajor, cudaSupportsArch, findCudaRelease, MINOR_VERSION_FLOOR, newestCuda, oldestCuda } from "./cuda";
import { deepspeedBreakage, deepspeedTestedWith, findDeepspeedReleases, nearestTestedDeepspeed, newestDeepspeed, oldestDeepspeed } from "./deepspeed";
import { Finding, finding, FactKind } from "./findings";
import { GPU_OPERATOR_DRIVER_BRANCHES, GPU_OPERATOR_VERSION } from "./gpuOperator";
import { partOf } from "./gpuParts";
import { ARCH_LAST_BRANCH, branchKindName, branchLifecycleProblem, driverBranch, findBranch, maintainedBranches, newestBranch, oldestBranch } from "./nvidiaDrivers";
import { findPytorchRelease, findWheel, newestPytorch, PYTORCH_RELEASES, wheelSupportsArch } from "./pytorch";
import { atLeast, compareVersions, truncateVersion } from "./version";

export type AlignmentRule =
  | "unknown-version"
  | "driver-supports-gpu"
  | "driver-supports-cuda"
  | "cuda-supports-gpu"
  | "pytorch-has-cuda-wheel"
  | "pytorch-wheel-supports-gpu"
  | "deepspeed-supports-pytorch"
  | "operator-supports-driver"
  | "driver-end-of-life";

export type AlignmentFinding = Finding<AlignmentRule>;

export type AlignedStack = Pick<GpuStackSpec, "driverVersion" | "cudaVersion" | "pytorchVersion" | "deepspeedVersion" | "driverManagedBy">;

export interface AlignmentOptions {
  /** The preview date for end-of-life checks (default: now), injectable so tests are deterministic. */
  readonly today?: Date;
}

export function alignmentFindings(model: GpuModelName, stack: AlignedStack, options: AlignmentOptions = {}): AlignmentFinding[] {
  const today = options.today ?? new Date();
  const part = partOf(model);
  const arch = part.arch;
  const gpu = `${model} (${arch}, PCI ${part.pciDeviceId})`;
  const findings: AlignmentFinding[] = [];
  const add = (rule: AlignmentRule, kind: FactKind, message: string) => findings.push(finding(rule, kind, message));

  const { driverVersion, cudaVersion, pytorchVersion, deepspeedVersion } = stack;
  const cuda = findCudaRelease(cudaVersion);
  const torch = findPytorchRelease(pytorchVersion);
  const deepspeed = findDeepspeedReleases(deepspeedVersion);
  const branchNumber = driverBranch(driverVersion);
  const branch = findBranch(driverVersion);
  const cudaFloor = MINOR_VERSION_FLOOR[cudaMajor(cudaVersion)];

  // Versions the matrix does not know: advice that it is behind; the rules known by number still run below.
  if (!branch) {
    add("unknown-version", "unknown", branchNumber > newestBranch()
      ? `driver branch R${branchNumber} is newer than the matrix (newest known R${newestBranch()}): the matrix is behind; a newer branch is taken to run every CUDA release up to ${newestCuda()} and every GPU part the matrix knows`
      : `driver ${driverVersion} is not on a data-center branch the matrix knows (R${oldestBranch()}–R${newestBranch()})`);
  }
  if (!cuda) {
    add("unknown-version", "unknown", compareVersions(cudaVersion, newestCuda()) > 0
      ? `CUDA ${cudaVersion} is newer than the matrix (newest known ${newestCuda()}): the matrix is behind; ${cudaFloor ? `judged by its major's rule (every CUDA ${cudaMajor(cudaVersion)}.x needs a driver ≥ ${cudaFloor})` : "no rule for its major is known"}`
      : `CUDA ${cudaVersion} is not a release the matrix knows (${oldestCuda()}–${newestCuda()})`);
  }
  if (!torch) {
    add("unknown-version", "unknown", compareVersions(pytorchVersion, newestPytorch().version) > 0
      ? `PyTorch ${pytorchVersion} is newer than the matrix (newest known ${newestPytorch().latestPatch}): the matrix is behind; its wheels and their GPU targets are not checked`
      : `PyTorch ${pytorchVersion} is not a release the matrix knows (${PYTORCH_RELEASES[0].version}–${newestPytorch().version})`);
  }
  if (!deepspeed) {
    add("unknown-version", "unknown", compareVersions(deepspeedVersion, newestDeepspeed()) > 0
      ? `DeepSpeed ${deepspeedVersion} is newer than the matrix (newest known ${newestDeepspeed()}): the matrix is behind; which PyTorch its CI ran is not checked`
      : `DeepSpeed ${deepspeedVersion} is not a release the matrix knows (${oldestDeepspeed()}–${newestDeepspeed()})`);
  }

  // The driver must list the GPU's PCI device, and still drive its architecture.
  if (!atLeast(driverVersion, part.firstDriver)) {
    add("driver-supports-gpu", "broken", `driver ${driverVersion} predates ${gpu}: ${part.board} is listed from driver ${part.firstDriver}${part.firstDriverConfirmed ? "" : " (its architecture's first driver; the part's own first driver is not confirmed)"}`);
  } else if (part.boardDriver && !atLeast(driverVersion, part.boardDriver.version)) {
    add("driver-supports-gpu", "untested", `driver ${driverVersion} lists ${gpu}, but ${part.boardDriver.source} (not re-checked against NVIDIA's own tables)`);
  }
  const lastBranch = ARCH_LAST_BRANCH[arch];
  if (lastBranch !== undefined && branchNumber > lastBranch) {
    add("driver-supports-gpu", "broken", `driver branch R${branchNumber} no longer supports ${arch} (${model}): R${lastBranch} is the last`);
  }

  // The driver must run the CUDA release: fully, or under minor-version compatibility (documented limits).
  if (cuda && !atLeast(driverVersion, cuda.minDriver)) {
    if (cudaFloor !== undefined && atLeast(driverVersion, cudaFloor)) {
      add("driver-supports-cuda", "limited", `driver ${driverVersion} is below CUDA ${cuda.version}'s full-compatibility minimum ${cuda.minDriver}; it runs under minor-version compatibility (≥ ${cudaFloor}) without JIT of newer PTX, so kernels shipped only as newer PTX fail`);
    } else {
      add("driver-supports-cuda", "broken", `driver ${driverVersion} is too old for CUDA ${cuda.version} (needs ≥ ${cuda.minDriver}${cudaFloor ? `, or ≥ ${cudaFloor} under minor-version compatibility` : ""})`);
    }
  } else if (!cuda && cudaFloor !== undefined && !atLeast(driverVersion, cudaFloor)) {
    add("driver-supports-cuda", "broken", `driver ${driverVersion} cannot run CUDA ${cudaVersion}: every CUDA ${cudaMajor(cudaVersion)}.x needs ≥ ${cudaFloor} (the minor-version compatibility floor)`);
  }

  // CUDA must be able to target the architecture (known by number for any release).
  if (!cudaSupportsArch(cudaVersion, arch)) {
    const support = ARCH_CUDA_SUPPORT[arch];
    add("cuda-supports-gpu", "broken", compareVersions(cudaVersion, support.first) < 0
      ? `CUDA ${cudaVersion} predates ${arch} (first supported in ${support.first})`
      : `CUDA ${cudaVersion} no longer supports ${arch} (dropped in ${support.droppedIn})`);
  }

  // A known PyTorch release's wheel list is complete: no wheel for this CUDA means none exists.
  if (torch) {
    const wheel = findWheel(torch, cudaVersion);
    if (!wheel) {
      add("pytorch-has-cuda-wheel", "broken", `PyTorch ${pytorchVersion} has no CUDA ${truncateVersion(cudaVersion, 2)} wheel (its wheels: CUDA ${torch.wheels.map((w) => w.cuda).join(", ")})`);
    } else if (!wheelSupportsArch(wheel, arch)) {
      add("pytorch-wheel-supports-gpu", "broken", `PyTorch ${pytorchVersion}'s CUDA ${wheel.cuda} wheel is not built for ${arch} (built for compute capabilities ${wheel.sass.join(", ")}${wheel.ptx ? ` and PTX ${wheel.ptx}` : ""})`);
    }
  }

  // DeepSpeed: documented breakages refuse; outside its CI's range is advice.
  const breakage = deepspeedBreakage(deepspeedVersion, pytorchVersion);
  if (breakage) {
    add("deepspeed-supports-pytorch", "broken", `DeepSpeed ${deepspeedVersion} cannot run PyTorch ${pytorchVersion}: it ${breakage.why}`);
  } else if (deepspeed && !deepspeedTestedWith(deepspeed, pytorchVersion)) {
    const [oldest, newest] = deepspeed.testedTorch;
    const nearest = nearestTestedDeepspeed(deepspeed, pytorchVersion);
    const hint = nearest ? ` (DeepSpeed ${nearest.last}'s CI ran it)` : "";
    add("deepspeed-supports-pytorch", "untested", `DeepSpeed ${deepspeedVersion}'s CI ran PyTorch ${oldest}–${newest}, not ${truncateVersion(pytorchVersion, 2)}: untested, not known to fail${hint}`);
  }

  if (stack.driverManagedBy === "operator" && !GPU_OPERATOR_DRIVER_BRANCHES.includes(branchNumber)) {
    add("operator-supports-driver", "broken", `the GPU operator ${GPU_OPERATOR_VERSION} installs drivers of branches ${GPU_OPERATOR_DRIVER_BRANCHES.map((b) => `R${b}`).join(", ")}, not R${branchNumber}`);
  }

  const lifecycle = branch && branchLifecycleProblem(branch, today);
  if (lifecycle) {
    const maintained = maintainedBranches(today).map((b) => `R${b.branch} ${branchKindName(b.kind)} to ${b.eol}`);
    add("driver-end-of-life", "end-of-life", `${lifecycle}${maintained.length ? ` (maintained: ${maintained.join(", ")})` : ""}`);
  }
  return findings;
}
