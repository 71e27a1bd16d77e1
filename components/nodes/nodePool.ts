import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsNodePoolSpec } from "../../infra/config/spec";
import { isGpuPool, poolLabels, poolTaints } from "../../infra/nodes/labels";

// EKS managed node group AMI types: the accelerated AL2023 NVIDIA AMI ships the driver, the
// container toolkit and the EFA installer (docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html).
export const SYSTEM_AMI_TYPE = "AL2023_x86_64_STANDARD";
export const GPU_AMI_TYPE = "AL2023_x86_64_NVIDIA";
/** Root volume for GPU nodes: training images (PyTorch + CUDA + DeepSpeed) are 15–25 GB each. */
export const GPU_ROOT_VOLUME_GB = 200;
export const SYSTEM_ROOT_VOLUME_GB = 50;
const TAINT_EFFECTS = { NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE", PreferNoSchedule: "PREFER_NO_SCHEDULE" } as const;

export interface NodePoolArgs {
  /** The pool from the stack's spec. */
  pool: AwsNodePoolSpec;
  clusterName: pulumi.Input<string>;
  nodeRoleArn: pulumi.Input<string>;
  /** Subnets the pool's nodes may use (private only). */
  subnetIds: pulumi.Input<string>[];
  /** Tags on every resource. */
  tags: Record<string, string>;
}

/** An EKS managed node group for one pool of the spec, labelled and (for GPUs) tainted. */
export class NodePool extends pulumi.ComponentResource {
  public readonly nodeGroup: aws.eks.NodeGroup;

  constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:nodes:NodePool", name, {}, opts);
    const { pool } = args;
    if (pool.minNodes > pool.maxNodes) {
      throw new Error(`NodePool ${name}: minNodes ${pool.minNodes} is greater than maxNodes ${pool.maxNodes}`);
    }
    const gpu = isGpuPool(pool);
    this.nodeGroup = new aws.eks.NodeGroup(name, {
      clusterName: args.clusterName,
      nodeGroupName: name,
      nodeRoleArn: args.nodeRoleArn,
      subnetIds: args.subnetIds,
      amiType: gpu ? GPU_AMI_TYPE : SYSTEM_AMI_TYPE,
      instanceTypes: [pool.instanceType.name],
      capacityType: "ON_DEMAND",
      diskSize: gpu ? GPU_ROOT_VOLUME_GB : SYSTEM_ROOT_VOLUME_GB,
      scalingConfig: { minSize: pool.minNodes, desiredSize: pool.desiredNodes, maxSize: pool.maxNodes },
      updateConfig: { maxUnavailable: 1 },
      labels: poolLabels(pool),
      taints: poolTaints(pool).map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECTS[t.effect] })),
      tags: {
        ...args.tags,
        "k8s.io/cluster-autoscaler/enabled": "true",
      },
    }, {
      parent: this,
      // The cluster autoscaler owns the node count once the pool exists.
      ignoreChanges: ["scalingConfig.desiredSize"],
    });
    this.registerOutputs({ nodeGroupName: this.nodeGroup.nodeGroupName });
  }
}
