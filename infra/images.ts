/**
 * The platform's container images, derived from `gpuStack` alone (pure): every job and runtime
 * takes its image from here, so none can disagree with the nodes' driver. The tag spells out the
 * stack (`torch2.7.1-cu128-ds0.17.1`); a digest configured for a reference pins it. Serving is not
 * among them: a vLLM release pins its own PyTorch and CUDA, so the serving image is chosen per
 * endpoint by the alignment module (infra/inference/image.ts).
 */
import type { GpuStackSpec, ImagesSpec } from "./config/types";

export const IMAGE_NAMES = {
  /** PyTorch + DeepSpeed, CUDA userspace from the PyTorch wheel's CUDA release. */
  training: "llm-train",
  /** Tokenisation and sample hygiene; the same PyTorch so tokenisers and collators match training. */
  dataPrep: "llm-dataprep",
} as const;

export type ImageRole = keyof typeof IMAGE_NAMES;

export interface ImageRef {
  readonly repository: string;
  readonly tag: string;
  readonly digest?: string;
  /** What a pod spec uses: repository:tag, plus @digest when known. */
  readonly ref: string;
}

/** The tag every platform image carries for a GPU stack. */
export function stackTag(stack: Pick<GpuStackSpec, "pytorchVersion" | "cudaVersion" | "deepspeedVersion">): string {
  return `torch${stack.pytorchVersion}-cu${stack.cudaVersion.replace(".", "")}-ds${stack.deepspeedVersion}`;
}

export function platformImage(role: ImageRole, stack: GpuStackSpec, images: ImagesSpec): ImageRef {
  const repository = `${images.registry}/${IMAGE_NAMES[role]}`;
  const tag = stackTag(stack);
  const digest = images.digests[`${repository}:${tag}`];
  return { repository, tag, ...(digest ? { digest } : {}), ref: `${repository}:${tag}${digest ? `@${digest}` : ""}` };
}

export function platformImages(stack: GpuStackSpec, images: ImagesSpec): Record<ImageRole, ImageRef> {
  return {
    training: platformImage("training", stack, images),
    dataPrep: platformImage("dataPrep", stack, images),
  };
}

/**
 * The reference of an image the platform pins in infra/versions.ts: by digest when the pin carries a
 * sourced one or `images.digests` names one for repository:tag (the configured digest wins).
 */
export function pinnedImageRef(pin: { readonly repository: string; readonly tag: string; readonly digest?: string }, images: Pick<ImagesSpec, "digests">): string {
  const digest = images.digests[`${pin.repository}:${pin.tag}`] ?? pin.digest;
  return `${pin.repository}:${pin.tag}${digest ? `@${digest}` : ""}`;
}

/** Splits "host/path/name:tag@sha256:…" into repository, tag and digest (tag/digest optional). */
export function parseImageRef(ref: string): { repository: string; tag?: string; digest?: string } {
  const [nameAndTag, digest] = ref.split("@");
  const slash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > slash;
  return {
    repository: hasTag ? nameAndTag.slice(0, colon) : nameAndTag,
    ...(hasTag ? { tag: nameAndTag.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}
