/**
 * Kubeflow Pipelines standalone (pure): which kustomizations the deployer renders, from where.
 * Upstream's documented standalone install applies two kustomizations of the release tag in order
 * (kubeflow.org "Installing Pipelines — Deploying Kubeflow Pipelines", manifests/kustomize):
 * the cluster-scoped resources (CRDs, cluster roles), then env/platform-agnostic.
 *
 * They are rendered on the deployer by the Kubernetes provider (kustomize v2 Directory), so every
 * object is a Pulumi resource: tracked, diffed in previews, deleted with the stack, and applied with
 * the deployer's own access — no installer workload keeps cluster-admin. The manifests come from a
 * local directory (the provider's kustomize v2 builds no git URLs, pulumi-kubernetes#3844):
 * `npm run kfp:vendor` fetches the pinned tag into the default directory, or a mirror is named in
 * config for air-gapped clusters.
 */
import { KUBEFLOW_PIPELINES_VERSION } from "../versions";

export const PIPELINES_NAMESPACE = "kubeflow";
const PIPELINES_KUSTOMIZATIONS = ["cluster-scoped-resources", "env/platform-agnostic"] as const;
const PIPELINES_REPOSITORY = "https://github.com/kubeflow/pipelines";

/** The kustomization directories, in apply order, under the configured manifests directory. */
export function pipelinesKustomizations(manifestsDir: string): { name: string; directory: string }[] {
  return PIPELINES_KUSTOMIZATIONS.map((k) => ({ name: k.replace(/\//g, "-"), directory: `${manifestsDir.replace(/\/+$/, "")}/${k}` }));
}

/** What the deployer must have before `pulumi up`: each kustomization's kustomization.yaml. */
export function missingKustomizations(manifestsDir: string, exists: (file: string) => boolean): string[] {
  return pipelinesKustomizations(manifestsDir).map((k) => `${k.directory}/kustomization.yaml`).filter((f) => !exists(f));
}

export const pipelinesVendorHint = (manifestsDir: string) =>
  `run \`npm run kfp:vendor\` (fetches ${PIPELINES_REPOSITORY} at ${KUBEFLOW_PIPELINES_VERSION} into ${manifestsDir}), or set llm-platform:pipelines.manifestsDir to a mirror of manifests/kustomize at that tag`;
