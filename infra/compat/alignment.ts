/**
 * GPU software alignment (pure): is a GPU + driver + CUDA + PyTorch + DeepSpeed combination one
 * that trains? The field notes' first lesson: one machine would not train at all until the
 * driver's CUDA and the framework build matched. Every finding names the rule and, where the
 * combination fails, a combination that would work.
 */
import { GPU_MODELS, GpuModelName } from "../catalog/gpus";
import type { GpuStackSpec } from "../config/types";
import { ARCH_CUDA_SUPPORT, cudaMajor, cudaSupportsArch, CUDA_RELEASES, findCudaRelease, MINOR_VERSION_FLOOR, newestCuda } from "./cuda";
import { ARCH_DRIVER_SUPPORT, DRIVER_BRANCHES, driverBranch, driverGpuProblem, MODEL_MIN_DRIVER, newestBranch } from "./drivers";
import { GPU_OPERATOR_DRIVER_BRANCHES, GPU_OPERATOR_VERSION } from "./gpuOperator";
import {
  DEEPSPEED_LINES,
  deepspeedSupportsTorch,
  findDeepspeedLine,
  findPytorchRelease,
  findWheel,
  newestDeepspeed,
  newestPytorch,
  PYTORCH_RELEASES,
  wheelSupportsArch,
} from "./pytorch";
import { atLeast, compareVersions, newest } from "./version";

export type AlignmentRule =
  | "unknown-version"
  | "driver-supports-gpu"
  | "driver-supports-cuda"
  | "cuda-supports-gpu"
  | "pytorch-has-cuda-wheel"
  | "pytorch-wheel-supports-gpu"
  | "deepspeed-supports-pytorch"
  | "operator-supports-driver";

export interface AlignmentFinding {
  readonly rule: AlignmentRule;
  readonly severity: "mandatory" | "advisory";
  readonly message: string;
}

export interface AlignmentResult {
  readonly findings: readonly AlignmentFinding[];
  /** A combination that would work for this GPU, when a mandatory finding exists. */
  readonly suggestion?: string;
}

type Stack = Pick<GpuStackSpec, "driverVersion" | "cudaVersion" | "pytorchVersion" | "deepspeedVersion" | "driverManagedBy">;

export function checkAlignment(model: GpuModelName, stack: Stack): AlignmentResult {
  const gpu = GPU_MODELS[model];
  const arch = gpu.arch;
  const findings: AlignmentFinding[] = [];
  const mandatory = (rule: AlignmentRule, message: string) => findings.push({ rule, severity: "mandatory", message });

  const cuda = findCudaRelease(stack.cudaVersion);
  const torch = findPytorchRelease(stack.pytorchVersion);
  const deepspeed = findDeepspeedLine(stack.deepspeedVersion);
  const branch = driverBranch(stack.driverVersion);
  if (!cuda) mandatory("unknown-version", unknown("CUDA", stack.cudaVersion, CUDA_RELEASES.map((r) => r.version), newestCuda()));
  if (!torch) mandatory("unknown-version", unknown("PyTorch", stack.pytorchVersion, PYTORCH_RELEASES.map((r) => r.version), newestPytorch().version));
  if (!deepspeed) mandatory("unknown-version", unknown("DeepSpeed", stack.deepspeedVersion, DEEPSPEED_LINES.map((r) => r.version), newestDeepspeed().version));
  if (!DRIVER_BRANCHES.some((b) => b.branch === branch)) {
    mandatory("unknown-version", branch > newestBranch()
      ? `driver branch R${branch} is newer than the matrix knows (newest known R${newestBranch()})`
      : `driver ${stack.driverVersion} is not on a known data-center branch (R${DRIVER_BRANCHES[0].branch}–R${newestBranch()})`);
  }

  const gpuProblem = driverGpuProblem(stack.driverVersion, model, arch);
  if (gpuProblem) mandatory("driver-supports-gpu", gpuProblem);

  if (cuda) {
    const floor = MINOR_VERSION_FLOOR[cudaMajor(cuda.version)];
    if (!atLeast(stack.driverVersion, cuda.minDriver)) {
      if (floor !== undefined && atLeast(stack.driverVersion, floor)) {
        findings.push({
          rule: "driver-supports-cuda",
          severity: "advisory",
          message: `driver ${stack.driverVersion} is below CUDA ${cuda.version}'s full-compatibility minimum ${cuda.minDriver}; it runs under minor-version compatibility (≥ ${floor}) without JIT of newer PTX, so kernels shipped only as newer PTX fail`,
        });
      } else {
        mandatory("driver-supports-cuda", `driver ${stack.driverVersion} is too old for CUDA ${cuda.version} (needs ≥ ${cuda.minDriver}${floor ? `, or ≥ ${floor} under minor-version compatibility` : ""})`);
      }
    }
    if (!cudaSupportsArch(cuda.version, arch)) {
      const support = ARCH_CUDA_SUPPORT[arch];
      mandatory("cuda-supports-gpu", compareVersions(cuda.version, support.first) < 0
        ? `CUDA ${cuda.version} predates ${arch} (first supported in ${support.first})`
        : `CUDA ${cuda.version} no longer supports ${arch} (dropped in ${support.droppedIn})`);
    }
  }

  if (torch && cuda) {
    const wheel = findWheel(torch, cuda.version);
    if (!wheel) {
      mandatory("pytorch-has-cuda-wheel", `PyTorch ${stack.pytorchVersion} has no CUDA ${cuda.version} wheel (its wheels: CUDA ${torch.wheels.map((w) => w.cuda).join(", ")})`);
    } else if (!wheelSupportsArch(wheel, arch)) {
      mandatory("pytorch-wheel-supports-gpu", `PyTorch ${stack.pytorchVersion}'s CUDA ${cuda.version} wheel is not built for ${arch} (built for compute capabilities ${wheel.sass.join(", ")})`);
    }
  }

  if (deepspeed && torch && !deepspeedSupportsTorch(deepspeed, stack.pytorchVersion)) {
    mandatory("deepspeed-supports-pytorch", `DeepSpeed ${stack.deepspeedVersion} supports PyTorch ${deepspeed.minTorch}–${deepspeed.maxTorch}, not ${stack.pytorchVersion}`);
  }

  if (stack.driverManagedBy === "operator" && !GPU_OPERATOR_DRIVER_BRANCHES.includes(branch)) {
    mandatory("operator-supports-driver", `the GPU operator ${GPU_OPERATOR_VERSION} installs drivers of branches ${GPU_OPERATOR_DRIVER_BRANCHES.map((b) => `R${b}`).join(", ")}, not R${branch}`);
  }

  const failed = findings.some((f) => f.severity === "mandatory");
  const suggestion = failed ? suggestStack(model, stack) : undefined;
  return { findings, ...(suggestion ? { suggestion } : {}) };
}

function unknown(what: string, version: string, known: readonly string[], newestKnown: string): string {
  return compareVersions(version, newest(known)) > 0
    ? `${what} ${version} is newer than the matrix knows (newest known ${newestKnown})`
    : `${what} ${version} is not a release the matrix knows (known: ${known.join(", ")})`;
}

/**
 * A combination that works on this GPU: the current PyTorch first (on another CUDA wheel), then
 * newer-to-older releases. A driver the nodes ship is kept; otherwise the minimum driver is named.
 */
export function suggestStack(model: GpuModelName, stack: Stack): string | undefined {
  const arch = GPU_MODELS[model].arch;
  const driverFixed = stack.driverManagedBy === "node-image";
  const current = findPytorchRelease(stack.pytorchVersion);
  const candidates = [...(current ? [current] : []), ...[...PYTORCH_RELEASES].reverse().filter((r) => r !== current)];
  const currentDeepspeed = findDeepspeedLine(stack.deepspeedVersion);
  for (const torch of candidates) {
    // Keep the configured DeepSpeed if it supports this PyTorch; else the first line whose CI covered it.
    const deepspeed = currentDeepspeed && deepspeedSupportsTorch(currentDeepspeed, torch.version)
      ? currentDeepspeed
      : DEEPSPEED_LINES.find((line) => deepspeedSupportsTorch(line, torch.version));
    if (!deepspeed) continue;
    const deepspeedVersion = deepspeed === currentDeepspeed ? stack.deepspeedVersion : `${deepspeed.version}.x`;
    for (const wheel of [...torch.wheels].reverse()) {
      const cuda = findCudaRelease(wheel.cuda);
      if (!cuda || !cudaSupportsArch(cuda.version, arch) || !wheelSupportsArch(wheel, arch)) continue;
      const modelMin = MODEL_MIN_DRIVER[model];
      const minDriver = [cuda.minDriver, ARCH_DRIVER_SUPPORT[arch].minDriver, ...(modelMin ? [modelMin] : [])].sort(compareVersions).pop()!;
      const lastBranch = ARCH_DRIVER_SUPPORT[arch].lastBranch;
      if (lastBranch !== undefined && driverBranch(minDriver) > lastBranch) continue;
      if (driverFixed && (!atLeast(stack.driverVersion, minDriver) || driverGpuProblem(stack.driverVersion, model, arch))) continue;
      // The operator can only install its validated branches: name the lowest one that is new enough.
      const operatorBranch = GPU_OPERATOR_DRIVER_BRANCHES.find((b) => b >= driverBranch(minDriver) && (lastBranch === undefined || b <= lastBranch));
      if (!driverFixed && operatorBranch === undefined) continue;
      const torchVersion = torch === current ? stack.pytorchVersion : torch.latestPatch;
      const driver = driverFixed
        ? `on the nodes' driver ${stack.driverVersion}`
        : operatorBranch === driverBranch(minDriver)
          ? `on driver ≥ ${minDriver}`
          : `on driver ≥ ${minDriver} (the operator's R${operatorBranch})`;
      return `PyTorch ${torchVersion} with CUDA ${cuda.version} ${driver} and DeepSpeed ${deepspeedVersion} would work`;
    }
  }
  return undefined;
}
