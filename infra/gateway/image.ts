/**
 * The gateway's image (pure): built from gateway/Dockerfile by the deployer's CI, pushed to the
 * platform registry as llm-gateway:<GATEWAY_VERSION>, and pulled by the digest configured for it in
 * images.digests (config rules refuse a gateway without one: what runs is what was built and reviewed).
 */
import type { ImagesSpec } from "../config/types";
import { GATEWAY_VERSION } from "../versions";

const GATEWAY_IMAGE_NAME = "llm-gateway";

export const gatewayRepository = (images: Pick<ImagesSpec, "registry">) => `${images.registry}/${GATEWAY_IMAGE_NAME}`;
/** "<registry>/llm-gateway:<version>": the key of its digest in images.digests. */
export const gatewayImageReference = (images: Pick<ImagesSpec, "registry">) => `${gatewayRepository(images)}:${GATEWAY_VERSION}`;

/** The reference pods use, or undefined while no digest is configured. */
export function gatewayImageRef(images: ImagesSpec): string | undefined {
  const reference = gatewayImageReference(images);
  const digest = images.digests[reference];
  return digest ? `${reference}@${digest}` : undefined;
}
