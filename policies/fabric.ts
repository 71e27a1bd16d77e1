import { StackValidationPolicy } from "@pulumi/policy";
import { MIN_MULTINODE_GBPS_PER_GPU, MIN_MULTINODE_GBPS_PER_NODE, RDMA_FABRICS } from "../infra/fabric/requirements";
import { findManifest } from "./manifest";
import { nodePoolViews } from "./nodePools";

const LESSON = "the field notes' 64 Gbps network made 4 nodes slower than 1";

/**
 * A training pool that may span nodes runs on EFA or InfiniBand with ≥ 400 Gbps per node, and on
 * AWS in a cluster placement group.
 */
export const multinodeTrainingFabric: StackValidationPolicy = {
  name: "multinode-training-fabric",
  description: `A training pool with maxNodes > 1 must run on EFA or InfiniBand with at least ${MIN_MULTINODE_GBPS_PER_NODE} Gbps per node, and on AWS in a cluster placement group.`,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const view of nodePoolViews(args.resources)) {
      if (view.purpose !== "training" || view.maxNodes <= 1) continue;
      const where = `pool ${view.pool} (${view.instanceTypeName ?? "unknown type"}, up to ${view.maxNodes} nodes)`;
      const gbps = view.instanceType?.networkGbps;
      if (gbps === undefined || gbps < MIN_MULTINODE_GBPS_PER_NODE) {
        reportViolation(`${where}: ${gbps ?? "unknown"} Gbps per node is below the ${MIN_MULTINODE_GBPS_PER_NODE} Gbps multi-node floor (${LESSON}); use an EFA type such as p4de.24xlarge, p5.48xlarge or p5en.48xlarge, or set maxNodes: 1`, view.nodeGroup.urn);
      }
      if (view.efaInterfaceCount === 0) {
        reportViolation(`${where}: its launch template attaches no EFA interface, so NCCL falls back to TCP; use fabric efa on an EFA-capable type`, view.nodeGroup.urn);
      }
      if (view.placementGroup?.props.strategy !== "cluster") {
        reportViolation(`${where}: not in a cluster placement group (${view.placementGroup ? `strategy ${view.placementGroup.props.strategy}` : "none"}); multi-node jobs need the nodes on one network spine`, view.nodeGroup.urn);
      }
    }
    const manifest = findManifest(args.resources);
    if (manifest?.target !== "existing") return;
    for (const pool of manifest.nodePools) {
      if (pool.purpose !== "training" || pool.maxNodes <= 1) continue;
      const where = `pool ${pool.name} (${pool.gpu} × ${pool.gpusPerNode}, up to ${pool.maxNodes} nodes)`;
      if (!(RDMA_FABRICS as readonly string[]).includes(pool.fabric)) {
        reportViolation(`${where}: fabric ${pool.fabric}; multi-node training on-prem needs InfiniBand (${LESSON}); set fabric infiniband or maxNodes: 1`);
      }
      if (pool.networkGbpsPerNode < MIN_MULTINODE_GBPS_PER_NODE) {
        reportViolation(`${where}: ${pool.networkGbpsPerNode} Gbps per node is below the ${MIN_MULTINODE_GBPS_PER_NODE} Gbps multi-node floor (${LESSON})`);
      }
    }
  },
};

/** EFA pools sit in exactly one subnet: EFA traffic does not cross AZs. */
export const efaPoolSingleSubnet: StackValidationPolicy = {
  name: "efa-pool-single-subnet",
  description: "A node group with EFA interfaces must use exactly one subnet (EFA traffic does not cross AZs; jobs that mix subnets fail).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const view of nodePoolViews(args.resources)) {
      if ((view.efaInterfaceCount > 0 || view.fabricLabel === "efa") && view.subnetIds.length !== 1) {
        reportViolation(`pool ${view.pool}: EFA node group spans ${view.subnetIds.length} subnets; list one availability zone in its availabilityZones`, view.nodeGroup.urn);
      }
    }
  },
};

/** Advisory: multi-node training where each GPU gets under 50 Gbps of network. */
export const multinodeBandwidthPerGpu: StackValidationPolicy = {
  name: "multinode-bandwidth-per-gpu",
  description: `Multi-node training on under ${MIN_MULTINODE_GBPS_PER_GPU} Gbps of network per GPU is likely network-bound.`,
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const pools = [
      ...nodePoolViews(args.resources).map((v) => ({ name: v.pool, purpose: v.purpose, maxNodes: v.maxNodes, gbps: v.instanceType?.networkGbps, gpus: v.instanceType?.gpu?.count, urn: v.nodeGroup.urn as string | undefined })),
      ...(findManifest(args.resources)?.target === "existing"
        ? findManifest(args.resources)!.nodePools.map((p) => ({ name: p.name, purpose: p.purpose, maxNodes: p.maxNodes, gbps: p.networkGbpsPerNode, gpus: p.gpusPerNode, urn: undefined }))
        : []),
    ];
    for (const p of pools) {
      if (p.purpose !== "training" || p.maxNodes <= 1 || !p.gpus || p.gbps === undefined) continue;
      const perGpu = p.gbps / p.gpus;
      if (perGpu < MIN_MULTINODE_GBPS_PER_GPU) {
        reportViolation(`pool ${p.name}: ${perGpu} Gbps per GPU (${p.gbps} Gbps / ${p.gpus} GPUs) for multi-node training; all-reduce will likely wait on the network`, p.urn);
      }
    }
  },
};
