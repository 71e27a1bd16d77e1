/**
 * Config rules of the compliance gateway (on the resolved spec): its image is pulled by digest, so
 * the digest of the image built from gateway/Dockerfile must be configured.
 */
import { gatewayImageReference } from "../gateway/image";
import { ConfigProblem, show } from "./errors";
import { configKey as key } from "./keys";
import type { PlatformSpec } from "./types";

export function gatewayProblems(spec: PlatformSpec, decoded: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const reference = gatewayImageReference(spec.images);
  spec.inferenceEndpoints.forEach((endpoint, i) => {
    if (!endpoint.gateway) {
      // Team namespaces deny ingress: only an endpoint's gateway may call vLLM (infra/gateway/manifests.ts).
      problems.push({ path: `${key("inferenceEndpoints")}[${i}].gateway`, message: `is required: an endpoint is reached only through its compliance gateway (nothing else may call vLLM, and a model's reply is never sent unchecked); give { library, embeddingModel, clientNamespaces }` });
      return;
    }
    // (A storage key that is there but wrong is reported at storage.)
    if (!spec.storage && decoded.storage === undefined) {
      problems.push({ path: `${key("inferenceEndpoints")}[${i}].gateway.embeddingModel`, message: `${show(endpoint.gateway.embeddingModel)} is read from the team's shared volume, and this stack has no ${key("storage")} (add storage, where the model is staged)` });
    }
    if (spec.images.digests[reference]) return;
    problems.push({
      path: key("images.digests"),
      message: `has no digest for ${show(reference)}, the image of the gateway of ${key("inferenceEndpoints")}[${i}] (${endpoint.name}); build gateway/Dockerfile, push it as ${reference} and add ${show(reference)}: "sha256:<64 hex digits>"`,
    });
  });
  // The digest is one key: report it once, however many endpoints need it.
  const digest = problems.filter((p) => p.path === key("images.digests"));
  return [...problems.filter((p) => p.path !== key("images.digests")), ...digest.slice(0, 1)];
}
