/**
 * Cluster-autoscaler node-template tags (pure). A pool at zero nodes has no node to copy labels,
 * taints and extended resources from, so the autoscaler reads them from tags on the pool's Auto
 * Scaling group; without the GPU and EFA counts a pending GPU pod never scales the pool up.
 * kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, "Auto-Discovery Setup"
 * and "Scaling a node group to 0".
 */
import type { AwsNodePoolSpec } from "../config/types";
import { fabricProfile } from "../fabric/profile";
import { poolLabels, poolTaints } from "./labels";

const TEMPLATE = "k8s.io/cluster-autoscaler/node-template";

export function autoscalerDiscoveryTags(clusterName: string): Record<string, string> {
  return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
}

export function scaleFromZeroTags(pool: AwsNodePoolSpec): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [label, value] of Object.entries(poolLabels(pool))) tags[`${TEMPLATE}/label/${label}`] = value;
  for (const taint of poolTaints(pool)) tags[`${TEMPLATE}/taint/${taint.key}`] = `${taint.value}:${taint.effect}`;
  for (const [resource, quantity] of Object.entries(fabricProfile(pool).podResources)) tags[`${TEMPLATE}/resources/${resource}`] = quantity;
  return tags;
}
