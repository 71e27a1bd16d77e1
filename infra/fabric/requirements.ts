/**
 * What multi-node training needs from the network. The field notes: at 64 Gbps between nodes,
 * four machines trained slower than one; at 800 Gbps scaling was linear (1 machine 2 h/epoch,
 * 4 machines 0.5 h/epoch). The platform's floor sits well above the failure and at the smallest
 * EFA A100 instance (p4d: 400 Gbps).
 */

/** A training pool that may span nodes needs at least this much per node (mandatory policy). */
export const MIN_MULTINODE_GBPS_PER_NODE = 400;

/** Below this per GPU, multi-node all-reduce is likely network-bound (advisory policy). */
export const MIN_MULTINODE_GBPS_PER_GPU = 50;

/** Fabrics that carry GPU traffic with RDMA (kernel bypass), which multi-node training requires. */
export const RDMA_FABRICS = ["efa", "infiniband"] as const;
