/**
 * Every pinned chart and image version the platform deploys, in one place.
 */

export interface ChartPin {
  /** Chart name in its repository. */
  readonly chart: string;
  readonly version: string;
  /** Helm repository URL. */
  readonly repo: string;
}

export const CHARTS = {
  // aws/eks-charts stable/aws-efa-k8s-device-plugin at commit 5239609 (tag v0.0.242): chart v0.5.30, app v0.5.20.
  efaDevicePlugin: { chart: "aws-efa-k8s-device-plugin", version: "v0.5.30", repo: "https://aws.github.io/eks-charts" },
  // NVIDIA/gpu-operator v26.7.0 (the supported line; 25.10.x reached end of support). The chart at the
  // git tag says v1.0.0-devel; NVIDIA publishes it as v26.7.0.
  gpuOperator: { chart: "gpu-operator", version: "v26.7.0", repo: "https://helm.ngc.nvidia.com/nvidia" },
  // Mellanox/network-operator v26.4.1 deployment/network-operator/Chart.yaml.
  networkOperator: { chart: "network-operator", version: "26.4.1", repo: "https://helm.ngc.nvidia.com/nvidia" },
  // kubernetes-sigs/aws-fsx-csi-driver v1.9.0 = chart 1.17.0 (charts/aws-fsx-csi-driver/Chart.yaml).
  fsxCsiDriver: { chart: "aws-fsx-csi-driver", version: "1.17.0", repo: "https://kubernetes-sigs.github.io/aws-fsx-csi-driver" },
  // kubeflow/trainer v2.3.0 charts/kubeflow-trainer/Chart.yaml (depends on jobset 0.12.0), published as an OCI chart.
  kubeflowTrainer: { chart: "oci://ghcr.io/kubeflow/charts/kubeflow-trainer", version: "2.3.0", repo: "" },
  // kubernetes-sigs/kueue v0.19.2 charts/kueue/Chart.yaml, published as an OCI chart.
  kueue: { chart: "oci://registry.k8s.io/kueue/charts/kueue", version: "0.19.2", repo: "" },
  // kedacore/charts keda/Chart.yaml 2.20.2 (appVersion 2.20.2): ScaledObjects for inference endpoints.
  keda: { chart: "keda", version: "2.20.2", repo: "https://kedacore.github.io/charts" },
  // prometheus-community/helm-charts charts/kube-prometheus-stack/Chart.yaml 88.5.3 (appVersion: prometheus-operator
  // v0.93.1). Its `crds` subchart (crds.enabled, on by default) installs the operator's CRDs with the release;
  // Helm never upgrades CRDs on a chart bump (see docs/monitoring.md, "Upgrading").
  kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repo: "https://prometheus-community.github.io/helm-charts" },
} as const satisfies Record<string, ChartPin>;

export interface ClusterAutoscalerPin {
  readonly chart: ChartPin;
  /** The image of the same Kubernetes minor (the chart's appVersion). */
  readonly image: { readonly repository: string; readonly tag: string };
}

const AUTOSCALER_REPO = "https://kubernetes.github.io/autoscaler";
const AUTOSCALER_IMAGE = "registry.k8s.io/autoscaling/cluster-autoscaler";

/**
 * The cluster autoscaler per Kubernetes minor: the image's minor must be the cluster's
 * (kubernetes/autoscaler cluster-autoscaler/README.md, "Releases"), and the chart must be one built
 * for that autoscaler, or its ClusterRole lacks what the autoscaler watches: chart 9.43.1 (CA 1.31)
 * has no `volumeattachments` rule, and CA 1.33 blocks until every informer syncs
 * (kubernetes/autoscaler#7897), so its main loop never starts. Charts from the tags' Chart.yaml:
 * 9.47.0 → appVersion 1.33.0 (the first chart for 1.33), 9.52.0 → 1.34.1. Only minors whose chart
 * the contract tests check against its pinned ClusterRole are listed; a cluster of another minor is
 * refused by config until its row is added (docs/architecture.md, "Extending the platform").
 */
export const CLUSTER_AUTOSCALER_BY_MINOR: Readonly<Record<string, ClusterAutoscalerPin>> = {
  "1.33": { chart: { chart: "cluster-autoscaler", version: "9.47.0", repo: AUTOSCALER_REPO }, image: { repository: AUTOSCALER_IMAGE, tag: "v1.33.0" } },
  "1.34": { chart: { chart: "cluster-autoscaler", version: "9.52.0", repo: AUTOSCALER_REPO }, image: { repository: AUTOSCALER_IMAGE, tag: "v1.34.1" } },
};

export const supportedKubernetesMinors = () => Object.keys(CLUSTER_AUTOSCALER_BY_MINOR);

// Kubeflow Pipelines standalone: the release the kubeflow.org installation guide pins (kustomize
// manifests manifests/kustomize/{cluster-scoped-resources,env/platform-agnostic} at this tag).
export const KUBEFLOW_PIPELINES_VERSION = "2.14.3";

/** The compliance gateway's version: its image tag (gateway/package.json "version"; a test checks). */
export const GATEWAY_VERSION = "0.1.0";

export const IMAGES = {
  // Text Embeddings Inference, CPU build, for the gateway's embeddings. The digest is the one two
  // public repositories pin for this tag (a TEI wrapper's Dockerfile and a benchmark script), not an
  // official registry listing: check it with `crane digest` before the first deploy; images.digests
  // overrides it.
  textEmbeddingsInference: { repository: "ghcr.io/huggingface/text-embeddings-inference", tag: "cpu-1.8", digest: "sha256:8de25e75ce39617f17f2f6c77d60a4f75b65e779ed5005420eb1400072a15c1c" },
  // KEDA 2.20.2: the chart's appVersion, pinned so a chart bump cannot move it silently.
  keda: { tag: "2.20.2" },
  // aws-fsx-csi-driver chart 1.17.0 values.yaml image.
  fsxCsiDriver: { repository: "public.ecr.aws/fsx-csi-driver/aws-fsx-csi-driver", tag: "v1.9.0" },
  // Chart appVersion v0.5.20 (values.yaml image.tag); pinned here so a chart bump cannot move it silently.
  efaDevicePlugin: { repository: "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin", tag: "v0.5.20" },
  // The network operator publishes its components under nvcr.io/nvidia/mellanox with the
  // network-operator-<release> tag (values.yaml ofedDriver.initContainer.version).
  rdmaSharedDevicePlugin: { repository: "nvcr.io/nvidia/mellanox", image: "k8s-rdma-shared-dev-plugin", version: "network-operator-v26.4.1" },
  // The platform's own small jobs: the idle-GPU reclaimer and the GPU node guard (jobs/reclaim/,
  // standard library only) and the team-directories Job (sh, coreutils). A stock Python image runs
  // them (Docker Official Image python, Debian slim variant). Pulled by digest: the multi-platform
  // index of python:3.13-slim (PYTHON_VERSION 3.13.14, Debian trixie) in docker-library/repo-info
  // repos/python/remote/3.13-slim.md @2986dca3.
  platformJobs: { repository: "docker.io/library/python", tag: "3.13-slim", digest: "sha256:9662417aace5ae7b8e2609cce472b72a8958e134ba372808abe9cc1a0c0125e6" },
} as const;

/**
 * vLLM's OpenAI-compatible server image (docs.vllm.ai "Using Docker": vllm/vllm-openai:v<version>),
 * mirrored into the stack's registry, and the digests of the releases the platform serves. A digest is
 * the upstream multi-arch index; a mirror copied as is (`crane copy`, `skopeo copy --all`) keeps it.
 */
export const VLLM_IMAGE = { upstream: "docker.io/vllm/vllm-openai", mirrorName: "vllm-openai" } as const;
export const VLLM_IMAGE_DIGESTS: Readonly<Record<string, string>> = {
  // v0.11.0 index digest, identical in four independent public repositories that pin this tag
  // (exact-string search of public GitHub sources, 2026-12; e.g. `FROM vllm/vllm-openai:v0.11.0@sha256:014a…`).
  "0.11.0": "sha256:014a95f21c9edf6abe0aea6b07353f96baa4ec291c427bb1176dc7c93a85845c",
};
