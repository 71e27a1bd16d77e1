/**
 * vLLM facts (pure), for inference endpoints: the PyTorch each release pins, the CUDA of its
 * default wheel and official image, and which GPUs it serves. checkVllmAlignment judges a GPU +
 * driver + vLLM release with the same kinds as the training stack (findings.ts).
 */
import { GpuModelName } from "../catalog/gpus";
import { cudaMajor, cudaSupportsArch, findCudaRelease, MINOR_VERSION_FLOOR } from "./cuda";
import { FactKind, Finding, finding } from "./findings";
import { partOf } from "./gpuParts";
import { ARCH_LAST_BRANCH, branchLifecycleProblem, driverBranch, findBranch } from "./nvidiaDrivers";
import { archCapability } from "./pytorch";
import { atLeast, compareVersions, versionInRange } from "./version";

export interface VllmReleases {
  readonly first: string;
  readonly last: string;
  /** torch== in requirements/cuda.txt (requirements-cuda.txt before 0.8). */
  readonly torch: string;
  /** CUDA of the default PyPI wheel and of the vllm/vllm-openai image. */
  readonly cuda: string;
}

// Sources, per row:
// - 0.6.0–0.6.6: docs.vllm.ai v0.6.1.post2 / v0.6.3 / v0.6.6.post1 installation: "binaries are compiled
//   with CUDA 12.1"; torch 2.4.0 (0.6.0–0.6.3) and 2.5.1 (0.6.4+) from requirements-cuda.txt at those
//   tags, not re-read here.
// - 0.8.x: torch 2.6.0; the v0.9.0 release notes say the default wheel moved "from CUDA 12.4".
// - 0.9.x: v0.9.0 release notes: "upgraded to PyTorch 2.7 (#16859) … default wheel … CUDA 12.8".
// - 0.10.0–0.10.1: requirements/cuda.txt torch==2.7.1 (quoted in vllm#18571 before the 2.8 bump);
//   0.10.2–0.11.0: torch==2.8.0 (the same bump).
// - 0.16.x: torch 2.9.1 with cu129 builds (PrimeIntellect-ai/prime-rl#1893 pins for vLLM 0.16.0).
// - 0.21.x: only cu129 and cu130 wheels (vllm#42756); default CUDA 13.0 after vllm#39878; torch 2.11
//   (NVIDIA-NeMo/RL#4080 ran vLLM 0.25–0.26 on torch 2.11.0).
// - 0.29.x: "vLLM 0.29.0 wheels are built against torch 2.13" (NVIDIA-NeMo/RL#4080);
//   requirements/cuda.txt on main: torch==2.13.0, cu13 packages.
// Releases between rows (0.7.x, 0.11.1–0.15.x, 0.17–0.20, 0.22–0.28) are not in the matrix.
export const VLLM_RELEASES: readonly VllmReleases[] = [
  { first: "0.6.0", last: "0.6.3", torch: "2.4.0", cuda: "12.1" },
  { first: "0.6.4", last: "0.6.6", torch: "2.5.1", cuda: "12.1" },
  { first: "0.8.0", last: "0.8.5", torch: "2.6.0", cuda: "12.4" },
  { first: "0.9.0", last: "0.9.2", torch: "2.7.0", cuda: "12.8" },
  { first: "0.10.0", last: "0.10.1", torch: "2.7.1", cuda: "12.8" },
  { first: "0.10.2", last: "0.11.0", torch: "2.8.0", cuda: "12.8" },
  { first: "0.16.0", last: "0.16.0", torch: "2.9.1", cuda: "12.9" },
  { first: "0.21.0", last: "0.21.0", torch: "2.11.0", cuda: "13.0" },
  { first: "0.29.0", last: "0.29.0", torch: "2.13.0", cuda: "13.0" },
];

// docs.vllm.ai "Installation: GPU" (every release since 0.2): "compute capability 7.0 or higher (e.g.
// V100, T4, RTX20xx, A100, L4, H100)". Below it vLLM's kernels are not built: a refusal.
const VLLM_MIN_COMPUTE_CAPABILITY = "7.0";
// FlashAttention 2 needs Ampere (8.0); vLLM picks another attention backend below it (V0's xFormers;
// V1 on compute capability < 8.0 since 0.10.2, vllm#23614 and #24022): served, but slower.
const VLLM_FLASH_ATTENTION_MIN_CAPABILITY = "8.0";

/** The official OpenAI-compatible server image (docs.vllm.ai "Using Docker": vllm/vllm-openai, tags v<version>). */
export const vllmImage = (version: string) => `vllm/vllm-openai:v${version}`;

export const findVllmReleases = (version: string) => VLLM_RELEASES.find((r) => versionInRange(version, r.first, r.last));
const newestVllm = () => VLLM_RELEASES[VLLM_RELEASES.length - 1].last;

export type VllmRule = "unknown-version" | "vllm-supports-gpu" | "image-cuda-supports-gpu" | "driver-supports-gpu" | "driver-supports-image-cuda" | "vllm-attention-backend" | "driver-end-of-life";
export type VllmFinding = Finding<VllmRule>;

export interface VllmAlignment {
  readonly findings: readonly VllmFinding[];
  /** When refused: the nearest vLLM release (or driver) that serves this GPU. */
  readonly suggestion?: string;
}

function vllmFindings(model: GpuModelName, driverVersion: string, vllmVersion: string, today: Date): VllmFinding[] {
  const part = partOf(model);
  const arch = part.arch;
  const out: VllmFinding[] = [];
  const add = (rule: VllmRule, kind: FactKind, message: string) => out.push(finding(rule, kind, message));
  const release = findVllmReleases(vllmVersion);
  const capability = archCapability(arch);

  if (!release) {
    add("unknown-version", "unknown", compareVersions(vllmVersion, newestVllm()) > 0
      ? `vLLM ${vllmVersion} is newer than the matrix (newest known ${newestVllm()}): the matrix is behind; its image's CUDA and PyTorch are not checked`
      : `vLLM ${vllmVersion} is not a release the matrix knows (${VLLM_RELEASES.map((r) => (r.first === r.last ? r.first : `${r.first}–${r.last}`)).join(", ")})`);
  }
  if (compareVersions(capability, VLLM_MIN_COMPUTE_CAPABILITY) < 0) {
    add("vllm-supports-gpu", "broken", `vLLM needs compute capability ≥ ${VLLM_MIN_COMPUTE_CAPABILITY}; ${model} is ${capability}`);
  }
  if (!atLeast(driverVersion, part.firstDriver)) {
    add("driver-supports-gpu", "broken", `driver ${driverVersion} predates ${model} (PCI ${part.pciDeviceId}): ${part.board} is listed from driver ${part.firstDriver}`);
  }
  const last = ARCH_LAST_BRANCH[arch];
  if (last !== undefined && driverBranch(driverVersion) > last) add("driver-supports-gpu", "broken", `driver branch R${driverBranch(driverVersion)} no longer supports ${arch} (${model}): R${last} is the last`);
  if (release) {
    if (!cudaSupportsArch(release.cuda, arch)) {
      add("image-cuda-supports-gpu", "broken", `vLLM ${vllmVersion}'s wheel and image are CUDA ${release.cuda}, which cannot target ${arch} (${model})`);
    }
    const cuda = findCudaRelease(release.cuda)!;
    const floor = MINOR_VERSION_FLOOR[cudaMajor(cuda.version)];
    if (!atLeast(driverVersion, cuda.minDriver)) {
      if (floor !== undefined && atLeast(driverVersion, floor)) {
        add("driver-supports-image-cuda", "limited", `driver ${driverVersion} runs vLLM ${vllmVersion}'s CUDA ${cuda.version} only under minor-version compatibility (full support from ${cuda.minDriver})`);
      } else {
        add("driver-supports-image-cuda", "broken", `driver ${driverVersion} is too old for vLLM ${vllmVersion}'s CUDA ${cuda.version} (needs ≥ ${cuda.minDriver}${floor ? `, or ≥ ${floor} under minor-version compatibility` : ""})`);
      }
    }
  }
  if (compareVersions(capability, VLLM_FLASH_ATTENTION_MIN_CAPABILITY) < 0 && compareVersions(capability, VLLM_MIN_COMPUTE_CAPABILITY) >= 0) {
    add("vllm-attention-backend", "limited", `${model} (${capability}) is served without FlashAttention (needs ≥ ${VLLM_FLASH_ATTENTION_MIN_CAPABILITY}); vLLM falls back to a slower attention backend`);
  }
  const branch = findBranch(driverVersion);
  const lifecycle = branch && branchLifecycleProblem(branch, today);
  if (lifecycle) add("driver-end-of-life", "end-of-life", lifecycle);
  return out;
}

export function checkVllmAlignment(model: GpuModelName, driverVersion: string, vllmVersion: string, options: { readonly today?: Date } = {}): VllmAlignment {
  const today = options.today ?? new Date();
  const findings = vllmFindings(model, driverVersion, vllmVersion, today);
  if (!findings.some((f) => f.kind === "broken")) return { findings };
  const clean = (driver: string, version: string) => !vllmFindings(model, driver, version, today).some((f) => f.kind === "broken");
  // Nearest release (by rows) that works on this driver; else the same release on a newer driver.
  const at = VLLM_RELEASES.findIndex((r) => r === findVllmReleases(vllmVersion));
  const from = at < 0 ? VLLM_RELEASES.length : at;
  const byDistance = VLLM_RELEASES.map((r, i) => ({ r, i })).sort((a, b) => Math.abs(a.i - from) - Math.abs(b.i - from) || b.i - a.i);
  const other = byDistance.find(({ r }) => clean(driverVersion, r.last));
  const part = partOf(model);
  const release = findVllmReleases(vllmVersion);
  const needed = [part.firstDriver, ...(release ? [findCudaRelease(release.cuda)!.minDriver] : [])].sort(compareVersions).pop()!;
  if (release && clean(needed, vllmVersion)) {
    return { findings, suggestion: `change the node image to one whose driver is ≥ ${needed} (now ${driverVersion}); keep vLLM ${vllmVersion}` };
  }
  if (other) return { findings, suggestion: `nearest working release: vLLM ${other.r.last} (${vllmImage(other.r.last)}, CUDA ${other.r.cuda}, PyTorch ${other.r.torch}) on driver ${driverVersion}` };
  return { findings };
}
