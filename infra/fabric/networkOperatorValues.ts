/**
 * The NVIDIA Network Operator for on-prem InfiniBand pools (pure): Helm values and the
 * NicClusterPolicy that runs the RDMA shared device plugin on the InfiniBand nodes.
 */
import type { ExistingNodePoolSpec } from "../config/types";
import { GPU_TOLERATION, poolNodeSelector } from "../nodes/labels";
import { IMAGES } from "../versions";
import { RDMA_RESOURCE_NAME, RDMA_RESOURCE_PREFIX } from "./profile";

export function networkOperatorValues() {
  return {
    // Node Feature Discovery labels the Mellanox NICs (pci-15b3) the operator's state machine keys on.
    nfd: { enabled: true, deployNodeFeatureRules: true },
    operator: {
      // The operator's DaemonSets must reach the GPU nodes, which are tainted.
      tolerations: [GPU_TOLERATION],
    },
  };
}

/** Up to this many pods per node share the HCAs (the device plugin's rdmaHcaMax). */
const RDMA_HCA_MAX = 63;

/** The NicClusterPolicy spec: host OFED/DOCA drivers stay as installed; only the RDMA plugin runs. */
export function nicClusterPolicySpec(infinibandPools: readonly ExistingNodePoolSpec[]) {
  const plugin = IMAGES.rdmaSharedDevicePlugin;
  return {
    rdmaSharedDevicePlugin: {
      image: plugin.image,
      repository: plugin.repository,
      version: plugin.version,
      config: JSON.stringify({
        configList: [{
          resourceName: RDMA_RESOURCE_NAME,
          resourcePrefix: RDMA_RESOURCE_PREFIX,
          rdmaHcaMax: RDMA_HCA_MAX,
          // 15b3: NVIDIA (Mellanox) ConnectX; InfiniBand ports only, never the Ethernet management NIC.
          selectors: { vendors: ["15b3"], linkTypes: ["infiniband"] },
        }],
      }),
    },
    // Only the InfiniBand pools' nodes (any of their selectors).
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: infinibandPools.map((pool) => ({
          matchExpressions: Object.entries(poolNodeSelector(pool)).map(([key, value]) => ({ key, operator: "In", values: [value] })),
        })),
      },
    },
    tolerations: [GPU_TOLERATION],
  };
}
