/**
 * The serving image of a vLLM release (pure): vLLM's own image, mirrored into the stack's registry
 * (clusters pull nothing from Docker Hub at run time; on-prem clusters may have no route to it),
 * pinned by tag and digest. A digest configured in images.digests for the mirror wins over the
 * upstream one in versions.ts.
 */
import type { ImagesSpec } from "../config/types";
import { VLLM_IMAGE, VLLM_IMAGE_DIGESTS } from "../versions";

export interface ServingImage {
  readonly repository: string;
  readonly tag: string;
  readonly digest?: string;
  readonly ref: string;
  /** The vLLM release the tag names. */
  readonly vllmVersion: string;
}

export const servingRepository = (images: Pick<ImagesSpec, "registry">) => `${images.registry}/${VLLM_IMAGE.mirrorName}`;

export function servingImage(vllmVersion: string, images: ImagesSpec): ServingImage {
  const repository = servingRepository(images);
  const tag = `v${vllmVersion}`;
  const digest = images.digests[`${repository}:${tag}`] ?? VLLM_IMAGE_DIGESTS[vllmVersion];
  return { repository, tag, ...(digest ? { digest } : {}), ref: `${repository}:${tag}${digest ? `@${digest}` : ""}`, vllmVersion };
}

/** The vLLM release an image reference of the serving repository names, or undefined. */
export function vllmVersionOfTag(tag: string | undefined): string | undefined {
  const m = tag ? /^v(\d+\.\d+\.\d+(?:\.post\d+|\.\d+)?)$/.exec(tag) : null;
  return m ? m[1] : undefined;
}
