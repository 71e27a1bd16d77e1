/**
 * Which vLLM release an endpoint serves with, and whether the pool can run it (pure). The single
 * seam between inference and the compatibility matrix: `checkServingRelease` is the only function
 * that asks the matrix (infra/compat) about a release's PyTorch/CUDA against the nodes' driver and
 * the GPU's architecture; everything else (image choice, the inference-image-aligned policy, the
 * plan) goes through `chooseServingRelease`.
 */
import type { GpuModelName } from "../catalog/gpus";
import { compareVersions } from "../compat/version";
import { VLLM_IMAGE_DIGESTS } from "../versions";
import { capsOutputServerSide, OUTPUT_CAP_RELEASES } from "./vllmServer";

/** How a fact is known (the compatibility matrix's kinds): only `broken` refuses. */
export type ServingFactKind = "broken" | "limited" | "untested" | "unknown" | "end-of-life";

export interface ServingFinding {
  readonly rule: string;
  readonly kind: ServingFactKind;
  readonly severity: "mandatory" | "advisory";
  readonly message: string;
}

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

const finding = (rule: string, kind: ServingFactKind, message: string): ServingFinding => ({ rule, kind, severity: kind === "broken" ? "mandatory" : "advisory", message });

/**
 * The matrix's verdict on one release for one GPU and driver.
 * ADAPTER: until infra/compat/vllm.ts (branch `compat`) is merged, the release's PyTorch/CUDA are
 * not known here, so the verdict is `unknown` (advice that the matrix is behind) — never "aligned".
 */
export function checkServingRelease(gpu: GpuModelName, driverVersion: string, vllmVersion: string): ServingCheck {
  return {
    findings: [finding("unknown-version", "unknown", `vLLM ${vllmVersion} on ${gpu} with driver ${driverVersion} is not checked: the vLLM compatibility matrix (infra/compat/vllm.ts) is not wired in yet`)],
  };
}

/** Releases the platform can pick: those whose image it pins by digest and that cap replies server-side. */
export function candidateReleases(): string[] {
  return Object.keys(VLLM_IMAGE_DIGESTS).filter(capsOutputServerSide).sort(compareVersions).reverse();
}

/**
 * The release an endpoint serves with: the configured one, else the newest candidate the matrix finds
 * no breakage for (else the newest candidate, with its refusal, so the plan says why).
 */
export function chooseServingRelease(input: ServingAlignmentInput): ServingRelease {
  if (input.requestedVersion) return { version: input.requestedVersion, chosenBy: "config", ...checkServingRelease(input.gpu, input.driverVersion, input.requestedVersion) };
  const candidates = candidateReleases();
  if (candidates.length === 0) throw new Error(`no vLLM release in versions.ts VLLM_IMAGE_DIGESTS caps output server-side (${OUTPUT_CAP_RELEASES.first} ≤ version < ${OUTPUT_CAP_RELEASES.before})`);
  const checked = candidates.map((version) => ({ version, ...checkServingRelease(input.gpu, input.driverVersion, version) }));
  const clean = checked.find((c) => !c.findings.some((f) => f.kind === "broken"));
  return { ...(clean ?? checked[0]), chosenBy: "alignment" };
}
