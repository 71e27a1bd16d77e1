import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { GPU_MODELS, GpuModelName } from "../infra/catalog/gpus";
import { checkAlignment } from "../infra/compat/alignment";
import { FactKind } from "../infra/compat/findings";
import { GPU_OPERATOR_VERSION } from "../infra/compat/gpuOperator";
import { IMAGE_NAMES, parseImageRef, platformImage } from "../infra/images";
import { servingRepository } from "../infra/inference/image";
import { PlatformManifest } from "../infra/manifest";
import { manifestOrNotApplicable } from "./manifest";

/** Each GPU model the stack's pools use, with the pools that use it. */
function gpuPools(manifest: PlatformManifest): { pool: string; gpu: GpuModelName }[] {
  return manifest.nodePools.filter((p) => p.gpu && p.gpu in GPU_MODELS).map((p) => ({ pool: p.name, gpu: p.gpu as GpuModelName }));
}

const stackText = (m: PlatformManifest) =>
  `driver ${m.gpuStack.driverVersion} (${m.gpuStack.driverManagedBy === "operator" ? "installed by the GPU operator" : "shipped by the node image"}), CUDA ${m.gpuStack.cudaVersion}, PyTorch ${m.gpuStack.pytorchVersion}, DeepSpeed ${m.gpuStack.deepspeedVersion}`;

type Clock = () => Date;
const now: Clock = () => new Date();

/** Advisories of the given kinds, one violation per distinct message with the pools it concerns. */
function reportAdvisories(manifest: PlatformManifest, kinds: readonly FactKind[], today: Date, reportViolation: (message: string) => void) {
  const messages = new Map<string, string[]>();
  for (const { pool, gpu } of gpuPools(manifest)) {
    for (const f of checkAlignment(gpu, manifest.gpuStack, { today }).findings.filter((x) => kinds.includes(x.kind))) {
      const text = kinds.length > 1 ? `[${f.kind}] ${f.message}` : f.message;
      messages.set(text, [...(messages.get(text) ?? []), pool]);
    }
  }
  for (const [message, pools] of messages) reportViolation(`pools ${pools.join(", ")}: ${message}`);
}

/** Mandatory: no GPU pool's stack has a documented breakage (`broken` findings). */
export function gpuSoftwareAlignedPolicy(clock: Clock = now): StackValidationPolicy {
  return {
    name: "gpu-software-aligned",
    description: "For every GPU pool, no documented breakage: the driver lists the GPU's PCI device and runs the CUDA release; CUDA and the PyTorch wheel target the GPU's architecture; PyTorch has a wheel for that CUDA; DeepSpeed is not known to break with that PyTorch; the GPU operator can install the driver.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      const manifest = manifestOrNotApplicable(args);
      for (const { pool, gpu } of gpuPools(manifest)) {
        const result = checkAlignment(gpu, manifest.gpuStack, { today: clock() });
        const failures = result.findings.filter((f) => f.kind === "broken");
        if (failures.length === 0) continue;
        reportViolation(
          `pool ${pool} (${gpu}, ${GPU_MODELS[gpu].arch}): ${failures.map((f) => f.message).join("; ")}` +
            (result.suggestion ? `; ${result.suggestion.text}` : "; no stack in the matrix runs this GPU") +
            ` [stack: ${stackText(manifest)}]`,
        );
      }
    },
  };
}

/** Advisory: the driver runs the CUDA release only under minor-version compatibility (`limited`). */
export function gpuSoftwareMinorVersionCompatPolicy(clock: Clock = now): StackValidationPolicy {
  return {
    name: "gpu-software-minor-version-compat",
    description: "The driver is below the CUDA release's full-compatibility minimum and relies on minor-version compatibility (no JIT of newer PTX).",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => reportAdvisories(manifestOrNotApplicable(args), ["limited"], clock(), reportViolation),
  };
}

/** Advisory: combinations upstream never tested, versions newer than the matrix, driver branches past end of life. */
export function gpuSoftwareUntestedPolicy(clock: Clock = now): StackValidationPolicy {
  return {
    name: "gpu-software-untested",
    description: "Findings that advise and never refuse: outside what upstream tested (untested), newer than the matrix (unknown: the matrix is behind), or a driver branch past NVIDIA's end of life.",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => reportAdvisories(manifestOrNotApplicable(args), ["untested", "unknown", "end-of-life"], clock(), reportViolation),
  };
}

export const gpuSoftwareAligned = gpuSoftwareAlignedPolicy();
export const gpuSoftwareMinorVersionCompat = gpuSoftwareMinorVersionCompatPolicy();
export const gpuSoftwareUntested = gpuSoftwareUntestedPolicy();

const isGpuOperator = (r: PolicyResource) => r.type === "kubernetes:helm.sh/v3:Release" && r.props.chart === "gpu-operator";

/** The GPU operator release agrees with gpuStack: pinned chart, who owns the driver, which driver. */
export const gpuOperatorMatchesStack: StackValidationPolicy = {
  name: "gpu-operator-matches-stack",
  description: "The GPU operator is the pinned release; it installs the driver exactly when gpuStack.driverManagedBy is operator, and then exactly gpuStack.driverVersion.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const manifest = manifestOrNotApplicable(args);
    const releases = args.resources.filter(isGpuOperator);
    if (releases.length === 0) {
      if (gpuPools(manifest).length > 0) reportViolation(`the stack has GPU pools but no GPU operator release (chart gpu-operator ${GPU_OPERATOR_VERSION})`);
      return;
    }
    const { gpuStack } = manifest;
    for (const release of releases) {
      const driver = release.props.values?.driver ?? {};
      if (release.props.version !== GPU_OPERATOR_VERSION) {
        reportViolation(`GPU operator chart ${release.props.version} is not the pinned ${GPU_OPERATOR_VERSION} whose driver branches the matrix knows`, release.urn);
      }
      const installs = driver.enabled !== false; // the chart's default is enabled
      if (installs !== (gpuStack.driverManagedBy === "operator")) {
        reportViolation(`GPU operator driver.enabled is ${installs}, but gpuStack.driverManagedBy is ${gpuStack.driverManagedBy}: ${installs ? "two drivers would fight over the nodes" : "no one installs the driver"}`, release.urn);
      }
      if (installs && driver.version !== gpuStack.driverVersion) {
        reportViolation(`GPU operator installs driver ${driver.version ?? "(chart default)"}, but gpuStack.driverVersion is ${gpuStack.driverVersion}`, release.urn);
      }
    }
  },
};

/** Every string in a resource's inputs, with its property path. */
function* strings(value: unknown, path = ""): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
}

/** Every image the platform renders from its registry is the one derived from gpuStack. */
export const platformImagesMatchStack: StackValidationPolicy = {
  name: "platform-images-match-stack",
  description: "Every platform image a Kubernetes resource references (from llm-platform:images.registry) carries the tag and digest derived from gpuStack.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const manifest = manifestOrNotApplicable(args);
    const { registry } = manifest.images;
    const spec = { registry, digests: manifest.images.digests ?? {} };
    const expected = new Map(Object.keys(IMAGE_NAMES).map((role) => {
      const image = platformImage(role as keyof typeof IMAGE_NAMES, manifest.gpuStack, spec);
      return [image.repository, image] as const;
    }));
    for (const r of args.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      for (const [path, value] of strings(r.props)) {
        if (!value.startsWith(`${registry}/`)) continue;
        const ref = parseImageRef(value);
        // The serving image's tag names its vLLM release, not gpuStack: inference-image-aligned judges it.
        if (ref.repository === servingRepository(manifest.images)) continue;
        const want = expected.get(ref.repository);
        if (!want) {
          reportViolation(`${path} uses ${value}, which is not a platform image (${[...expected.keys()].join(", ")})`, r.urn);
        } else if (ref.tag !== want.tag || (want.digest !== undefined && ref.digest !== want.digest)) {
          reportViolation(`${path} uses ${value}, but gpuStack derives ${want.ref}`, r.urn);
        }
      }
    }
  },
};
