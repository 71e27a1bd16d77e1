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
} as const satisfies Record<string, ChartPin>;

export const IMAGES = {
  // aws-fsx-csi-driver chart 1.17.0 values.yaml image.
  fsxCsiDriver: { repository: "public.ecr.aws/fsx-csi-driver/aws-fsx-csi-driver", tag: "v1.9.0" },
  // Chart appVersion v0.5.20 (values.yaml image.tag); pinned here so a chart bump cannot move it silently.
  efaDevicePlugin: { repository: "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin", tag: "v0.5.20" },
  // The network operator publishes its components under nvcr.io/nvidia/mellanox with the
  // network-operator-<release> tag (values.yaml ofedDriver.initContainer.version).
  rdmaSharedDevicePlugin: { repository: "nvcr.io/nvidia/mellanox", image: "k8s-rdma-shared-dev-plugin", version: "network-operator-v26.4.1" },
} as const;
