/**
 * The fabric profile of a node pool (pure): its fabric, bandwidth, the resources a multi-node
 * worker pod must request, and the NCCL / libfabric environment that goes with them. Nobody
 * hand-writes these (the field notes' `.deepspeed_env`); training runtimes take them from here.
 */
import { networkGbpsPerGpu } from "../catalog/instances";
import type { Fabric, NodePoolSpec } from "../config/types";
import { gpusPerNode } from "../nodes/labels";
import { EFA_HUGEPAGES_2MI } from "./efa";

/** The RDMA resource the network operator's shared device plugin advertises on InfiniBand nodes. */
export const RDMA_RESOURCE_PREFIX = "rdma";
export const RDMA_RESOURCE_NAME = "rdma_shared_device_a";
export const RDMA_RESOURCE = `${RDMA_RESOURCE_PREFIX}/${RDMA_RESOURCE_NAME}`;
/** RDMA verbs pin (register) memory, which needs CAP_IPC_LOCK past the memlock limit (ibv_reg_mr). */
export const RDMA_CAPABILITIES: readonly string[] = ["IPC_LOCK"];
export const EFA_RESOURCE = "vpc.amazonaws.com/efa";
export const GPU_RESOURCE = "nvidia.com/gpu";
/** The pod's own interface: NCCL's bootstrap and socket traffic go there (never lo or docker0). */
const POD_INTERFACE = "eth0";

export interface FabricProfile {
  readonly pool: string;
  readonly fabric: Fabric;
  readonly gbpsPerNode?: number;
  readonly gbpsPerGpu?: number;
  /** Limits for one worker pod that takes a whole node. */
  readonly podResources: Readonly<Record<string, string>>;
  /** Linux capabilities the worker needs (RDMA pins memory: IPC_LOCK). */
  readonly capabilities: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export function fabricProfile(pool: NodePoolSpec): FabricProfile {
  const gpus = gpusPerNode(pool);
  const gbpsPerNode = pool.kind === "aws" ? pool.instanceType.networkGbps : pool.networkGbpsPerNode;
  const gbpsPerGpu = pool.kind === "aws" ? networkGbpsPerGpu(pool.instanceType) : gpus > 0 ? pool.networkGbpsPerNode / gpus : undefined;
  const base = { pool: pool.name, fabric: pool.fabric, gbpsPerNode, ...(gbpsPerGpu !== undefined ? { gbpsPerGpu } : {}) };
  const gpuRequest: Record<string, string> = gpus > 0 ? { [GPU_RESOURCE]: String(gpus) } : {};
  // WARN: failures are explained without INFO's per-rank chatter; raise it per job when debugging.
  const common = { NCCL_DEBUG: "WARN", NCCL_SOCKET_IFNAME: POD_INTERFACE };

  switch (pool.fabric) {
    case "efa": {
      const type = pool.kind === "aws" ? pool.instanceType : undefined;
      return {
        ...base,
        podResources: { ...gpuRequest, [EFA_RESOURCE]: String(type?.efaInterfaces ?? 0), "hugepages-2Mi": EFA_HUGEPAGES_2MI },
        capabilities: [],
        env: {
          ...common,
          // NCCL reaches EFA through the aws-ofi-nccl plugin and libfabric's efa provider.
          FI_PROVIDER: "efa",
          // GPUDirect RDMA: GPU memory straight onto the wire, where the instance generation has it.
          ...(type?.efaDeviceRdma ? { FI_EFA_USE_DEVICE_RDMA: "1" } : {}),
          // Data-loader workers fork; libfabric must keep registered memory safe across fork.
          FI_EFA_FORK_SAFE: "1",
        },
      };
    }
    case "infiniband":
      return {
        ...base,
        podResources: { ...gpuRequest, [RDMA_RESOURCE]: "1" },
        capabilities: [...RDMA_CAPABILITIES],
        env: {
          ...common,
          NCCL_IB_DISABLE: "0",
          // Every ConnectX (mlx5) HCA on the node; NCCL matches the prefix.
          NCCL_IB_HCA: "mlx5",
        },
      };
    case "tcp":
      return {
        ...base,
        podResources: gpuRequest,
        capabilities: [],
        env: { ...common, NCCL_IB_DISABLE: "1" },
      };
  }
}

/**
 * Settings a job's own environment must not override on this pool, each with the reason — the
 * contradictions the field notes' hand-written `.deepspeed_env` could carry.
 */
export function fabricContradictions(profile: Pick<FabricProfile, "pool" | "fabric">, env: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  if (env.NCCL_IB_DISABLE === "1" && profile.fabric !== "tcp") {
    problems.push(`NCCL_IB_DISABLE=1 on pool ${profile.pool}, whose fabric is ${profile.fabric}: NCCL would fall back to TCP sockets`);
  }
  if (profile.fabric !== "tcp" && env.NCCL_NET !== undefined && /^socket$/i.test(env.NCCL_NET)) {
    problems.push(`NCCL_NET=${env.NCCL_NET} on pool ${profile.pool}, whose fabric is ${profile.fabric}: forces TCP sockets over the RDMA fabric`);
  }
  if (profile.fabric === "efa" && env.FI_PROVIDER !== undefined && env.FI_PROVIDER !== "efa") {
    problems.push(`FI_PROVIDER=${env.FI_PROVIDER} on pool ${profile.pool}, whose fabric is efa: libfabric would not use the EFA devices`);
  }
  if (env.NCCL_SOCKET_IFNAME !== undefined && env.NCCL_SOCKET_IFNAME !== POD_INTERFACE) {
    problems.push(`NCCL_SOCKET_IFNAME=${env.NCCL_SOCKET_IFNAME} on pool ${profile.pool}: pods have only ${POD_INTERFACE} (and lo)`);
  }
  if (env.NCCL_P2P_DISABLE === "1") {
    problems.push(`NCCL_P2P_DISABLE=1 on pool ${profile.pool}: disables NVLink / PCIe peer-to-peer between the node's GPUs`);
  }
  return problems;
}
