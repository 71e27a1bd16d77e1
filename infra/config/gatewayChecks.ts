/**
 * Config rules of the compliance gateway (on the resolved spec): its image is pulled by digest, so
 * the digest of the image built from gateway/Dockerfile must be configured.
 */
import { gatewayImageReference } from "../gateway/image";
import { ConfigProblem, show } from "./errors";
import { configKey as key } from "./keys";
import type { PlatformSpec } from "./types";

export function gatewayProblems(spec: PlatformSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const reference = gatewayImageReference(spec.images);
  spec.inferenceEndpoints.forEach((endpoint, i) => {
    if (!endpoint.gateway || spec.images.digests[reference]) return;
    problems.push({
      path: key("images.digests"),
      message: `has no digest for ${show(reference)}, the image of the gateway of ${key("inferenceEndpoints")}[${i}] (${endpoint.name}); build gateway/Dockerfile, push it as ${reference} and add ${show(reference)}: "sha256:<64 hex digits>"`,
    });
  });
  return problems.slice(0, 1);
}
