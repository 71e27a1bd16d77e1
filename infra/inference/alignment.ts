/**
 * Which vLLM release an endpoint serves with, and whether the pool can run it (pure). The single
 * seam between inference and the compatibility matrix: `checkServingRelease` is the only function
 * that asks the matrix (infra/compat/vllm.ts) about a release's PyTorch/CUDA against the nodes'
 * driver and the GPU's architecture; the image choice, the inference-image-aligned policy and the
 * plan all go through it.
 */
import type { GpuModelName } from "../catalog/gpus";
import { GPU_MODELS } from "../catalog/gpus";
import { FactKind, finding, Finding } from "../compat/findings";
import { findPytorchRelease, findWheel, wheelSupportsArch } from "../compat/pytorch";
import { compareVersions } from "../compat/version";
import { checkVllmAlignment, findVllmReleases, VLLM_RELEASES } from "../compat/vllm";
import { capsOutputServerSide, OUTPUT_CAP_RELEASES } from "./vllmServer";

/** How a fact is known (the compatibility matrix's kinds, findings.ts): only `broken` refuses. */
export type ServingFactKind = FactKind;
export type ServingFinding = Finding;

export interface ServingCheck {
  readonly findings: readonly ServingFinding[];
  /** When refused: a release or driver that would work. */
  readonly suggestion?: string;
}

export interface ServingRelease extends ServingCheck {
  readonly version: string;
  readonly chosenBy: "config" | "alignment";
}

export interface ServingAlignmentInput {
  readonly gpu: GpuModelName;
  /** The nodes' driver (gpuStack.driverVersion). */
  readonly driverVersion: string;
  /** The endpoint's vllmVersion, when pinned in config. */
  readonly requestedVersion?: string;
}

/** vLLM's post releases (0.8.5.post1) share their release's PyTorch and CUDA. */
const baseVersion = (vllmVersion: string) => vllmVersion.replace(/\.post\d+$/, "");

/**
 * The matrix's verdict on one release for one GPU and driver: checkVllmAlignment (infra/compat/vllm.ts:
 * the image's CUDA against the driver and the architecture, vLLM's minimum compute capability,
 * FlashAttention, the driver's lifecycle), plus the release's pinned PyTorch wheel against the GPU's
 * architecture (pytorch.ts): vLLM 0.9.0–0.10.1 pin torch 2.7, whose CUDA 12.8 wheel has no sm_70 kernels
 * (pytorch#147607), which the image's CUDA alone does not show.
 */
export function checkServingRelease(gpu: GpuModelName, driverVersion: string, vllmVersion: string, options: { readonly today?: Date } = {}): ServingCheck {
  const verdict = checkVllmAlignment(gpu, driverVersion, baseVersion(vllmVersion), options);
  const findings = [...verdict.findings, ...wheelFindings(gpu, vllmVersion)];
  if (!findings.some((f) => f.kind === "broken")) return { findings };
  if (verdict.suggestion) return { findings, suggestion: verdict.suggestion };
  // Refused for its PyTorch wheel alone: the nearest release of the matrix that this pool runs.
  const at = VLLM_RELEASES.findIndex((r) => r === findVllmReleases(baseVersion(vllmVersion)));
  const nearest = VLLM_RELEASES.map((r, i) => ({ r, d: Math.abs(i - at) })).sort((a, b) => a.d - b.d).map(({ r }) => r)
    .find((r) => ![...checkVllmAlignment(gpu, driverVersion, r.last, options).findings, ...wheelFindings(gpu, r.last)].some((f) => f.kind === "broken"));
  return { findings, ...(nearest ? { suggestion: `nearest working release: vLLM ${nearest.last} (PyTorch ${nearest.torch}, CUDA ${nearest.cuda})` } : {}) };
}

function wheelFindings(gpu: GpuModelName, vllmVersion: string): ServingFinding[] {
  const release = findVllmReleases(baseVersion(vllmVersion));
  const torch = release && findPytorchRelease(release.torch);
  const wheel = torch && findWheel(torch, release.cuda);
  const arch = GPU_MODELS[gpu].arch;
  if (!release || !wheel || wheelSupportsArch(wheel, arch)) return [];
  return [finding("pytorch-wheel-supports-gpu", "broken", `vLLM ${vllmVersion} pins PyTorch ${release.torch}, whose CUDA ${release.cuda} wheel has no kernels for ${arch} (${gpu}; built for ${wheel.sass.join(", ")})`)];
}

/** Releases the platform can pick: the matrix's releases that cap replies server-side, newest first. */
export function candidateReleases(): string[] {
  return VLLM_RELEASES.map((r) => r.last).filter(capsOutputServerSide).sort(compareVersions).reverse();
}

/**
 * The release an endpoint serves with: the configured one, else the newest candidate the matrix finds
 * no breakage for (else the newest candidate, with its refusal, so the plan says why).
 */
export function chooseServingRelease(input: ServingAlignmentInput): ServingRelease {
  if (input.requestedVersion) return { version: input.requestedVersion, chosenBy: "config", ...checkServingRelease(input.gpu, input.driverVersion, input.requestedVersion) };
  const candidates = candidateReleases();
  if (candidates.length === 0) throw new Error(`no vLLM release of the matrix caps output server-side (${OUTPUT_CAP_RELEASES.first} ≤ version < ${OUTPUT_CAP_RELEASES.before})`);
  const checked = candidates.map((version) => ({ version, ...checkServingRelease(input.gpu, input.driverVersion, version) }));
  const clean = checked.find((c) => !c.findings.some((f) => f.kind === "broken"));
  return { ...(clean ?? checked[0]), chosenBy: "alignment" };
}
