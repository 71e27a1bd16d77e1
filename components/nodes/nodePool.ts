import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsNodePoolSpec } from "../../infra/config/types";
import { efaInterfaces, efaNodeUserData } from "../../infra/fabric/efa";
import { autoscalerDiscoveryTags, scaleFromZeroTags } from "../../infra/nodes/autoscaler";
import { isGpuPool, POOL_LABEL, poolLabels, poolTaints } from "../../infra/nodes/labels";
import { launchTemplateName, placementGroupName } from "../../infra/naming";

// EKS managed node group AMI types: the accelerated AL2023 NVIDIA AMI ships the driver, the
// container toolkit and the EFA installer (docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html).
const SYSTEM_AMI_TYPE = "AL2023_x86_64_STANDARD";
const GPU_AMI_TYPE = "AL2023_x86_64_NVIDIA";
/** Root volume for GPU nodes: training images (PyTorch + CUDA + DeepSpeed) are 15–25 GB each. */
const GPU_ROOT_VOLUME_GB = 200;
const SYSTEM_ROOT_VOLUME_GB = 50;
const TAINT_EFFECTS = { NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE", PreferNoSchedule: "PREFER_NO_SCHEDULE" } as const;
/** Config capacity type → EKS node group capacity type (an ODCR is bought on demand). */
const EKS_CAPACITY_TYPE = { "on-demand": "ON_DEMAND", spot: "SPOT", "capacity-block": "CAPACITY_BLOCK", reserved: "ON_DEMAND" } as const;

export interface NodePoolArgs {
  /** The pool from the stack's spec. */
  pool: AwsNodePoolSpec;
  /** EKS cluster name (a plain string: it is part of tag keys and resource names). */
  clusterName: string;
  /** The managed node group's name (infra/naming.ts nodeGroupName). */
  nodeGroupName: string;
  /** The cluster resource's name output, so the node group waits for the cluster. */
  clusterNameOutput: pulumi.Input<string>;
  nodeRoleArn: pulumi.Input<string>;
  /** The cluster security group every node's primary interface joins (control-plane traffic). */
  clusterSecurityGroupId: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** Private subnets of the pool's AZs (exactly one for an EFA pool). */
  subnetIds: pulumi.Input<string>[];
  /** EKS AMI release (`releaseVersion`): pinned, so the nodes' driver is the one the stack declares. */
  releaseVersion: string;
  /** Tags on every resource. */
  tags: Record<string, string>;
}

/**
 * An EKS managed node group for one pool, on its own launch template: IMDSv2 only, no public IPs,
 * an encrypted gp3 root volume. EFA pools also get every EFA interface the type supports, a
 * cluster placement group, a security group open only to itself, and huge pages for libfabric.
 * GPU pools are tainted; tags on the Auto Scaling group let the autoscaler scale them from zero.
 */
export class NodePool extends pulumi.ComponentResource {
  public readonly nodeGroup: aws.eks.NodeGroup;
  public readonly launchTemplate: aws.ec2.LaunchTemplate;
  public readonly placementGroup?: aws.ec2.PlacementGroup;
  public readonly efaSecurityGroup?: aws.ec2.SecurityGroup;

  constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:nodes:NodePool", name, {}, opts);
    const { pool } = args;
    const efa = pool.fabric === "efa";
    if (pool.minNodes > pool.maxNodes) throw new Error(`NodePool ${name}: minNodes ${pool.minNodes} is greater than maxNodes ${pool.maxNodes}`);
    if (efa && args.subnetIds.length !== 1) throw new Error(`NodePool ${name}: an EFA pool needs exactly one subnet, got ${args.subnetIds.length}`);
    if (efa && pool.instanceType.efaInterfaces === 0) throw new Error(`NodePool ${name}: fabric efa, but ${pool.instanceType.name} has no EFA interface`);
    const parent = { parent: this };
    const gpu = isGpuPool(pool);
    const tags = { ...args.tags, [POOL_LABEL]: pool.name };

    let securityGroups: pulumi.Input<string>[] = [args.clusterSecurityGroupId];
    if (efa) {
      // EFA's requirement: all traffic to and from members of the same security group.
      this.efaSecurityGroup = new aws.ec2.SecurityGroup(`${name}-efa`, {
        vpcId: args.vpcId,
        description: `EFA traffic between nodes of pool ${pool.name}`,
        tags,
      }, parent);
      new aws.vpc.SecurityGroupIngressRule(`${name}-efa-in`, { securityGroupId: this.efaSecurityGroup.id, referencedSecurityGroupId: this.efaSecurityGroup.id, ipProtocol: "-1", description: "EFA from the pool", tags }, parent);
      new aws.vpc.SecurityGroupEgressRule(`${name}-efa-out`, { securityGroupId: this.efaSecurityGroup.id, referencedSecurityGroupId: this.efaSecurityGroup.id, ipProtocol: "-1", description: "EFA to the pool", tags }, parent);
      securityGroups = [args.clusterSecurityGroupId, this.efaSecurityGroup.id];
      // Cluster placement: one spine, the lowest latency and full bisection bandwidth between nodes.
      this.placementGroup = new aws.ec2.PlacementGroup(`${name}-placement`, { name: placementGroupName(args.clusterName, pool.name), strategy: "cluster", tags }, parent);
    }

    const reservationId = pool.capacityReservationId;
    this.launchTemplate = new aws.ec2.LaunchTemplate(`${name}-lt`, {
      // A known name (not only an id) lets policies and the cost model find it at preview time.
      name: launchTemplateName(args.clusterName, pool.name),
      description: `llm-platform node pool ${pool.name} (${pool.instanceType.name}, ${pool.fabric})`,
      updateDefaultVersion: true,
      // IMDSv2 only; hop limit 1 keeps pods (one hop further) off the node role's credentials.
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{
        deviceName: "/dev/xvda",
        ebs: { volumeSize: gpu ? GPU_ROOT_VOLUME_GB : SYSTEM_ROOT_VOLUME_GB, volumeType: "gp3", iops: 3000, throughput: 125, encrypted: "true", deleteOnTermination: "true" },
      }],
      networkInterfaces: efa
        ? efaInterfaces(pool.instanceType).map((i) => ({ ...i, securityGroups, associatePublicIpAddress: "false", deleteOnTermination: "true" }))
        : [{ deviceIndex: 0, securityGroups, associatePublicIpAddress: "false", deleteOnTermination: "true" }],
      ...(this.placementGroup ? { placement: { groupName: this.placementGroup.name } } : {}),
      ...(efa ? { userData: Buffer.from(efaNodeUserData()).toString("base64") } : {}),
      ...(reservationId ? { capacityReservationSpecification: { capacityReservationTarget: { capacityReservationId: reservationId } } } : {}),
      ...(pool.capacityType === "capacity-block" ? { instanceMarketOptions: { marketType: "capacity-block" } } : {}),
      tagSpecifications: [
        { resourceType: "instance", tags },
        { resourceType: "volume", tags },
      ],
      tags,
    }, parent);

    this.nodeGroup = new aws.eks.NodeGroup(name, {
      clusterName: args.clusterNameOutput,
      nodeGroupName: args.nodeGroupName,
      nodeRoleArn: args.nodeRoleArn,
      subnetIds: args.subnetIds,
      amiType: gpu ? GPU_AMI_TYPE : SYSTEM_AMI_TYPE,
      // Without it a node group takes whatever AMI is newest at create/update time, and with it another driver.
      releaseVersion: args.releaseVersion,
      instanceTypes: [pool.instanceType.name],
      capacityType: EKS_CAPACITY_TYPE[pool.capacityType],
      launchTemplate: { name: this.launchTemplate.name, version: this.launchTemplate.latestVersion.apply(String) },
      scalingConfig: { minSize: pool.minNodes, desiredSize: pool.desiredNodes, maxSize: pool.maxNodes },
      updateConfig: { maxUnavailable: 1 },
      // GPU nodes the EKS node monitoring agent marks unhealthy (fatal XIDs: AcceleratedHardwareReady)
      // are rebooted or replaced after 10 minutes (docs.aws.amazon.com/eks/latest/userguide/node-repair.html).
      ...(gpu ? { nodeRepairConfig: { enabled: true } } : {}),
      labels: poolLabels(pool),
      taints: poolTaints(pool).map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECTS[t.effect] })),
      tags: { ...tags, ...autoscalerDiscoveryTags(args.clusterName) },
    }, {
      parent: this,
      // The cluster autoscaler owns the node count once the pool exists.
      ignoreChanges: ["scalingConfig.desiredSize"],
    });

    // Managed node groups do not copy their tags to the Auto Scaling group the autoscaler reads.
    const asgName = this.nodeGroup.resources.apply((r) => r[0].autoscalingGroups[0].name);
    const asgTags = { ...autoscalerDiscoveryTags(args.clusterName), ...(gpu ? scaleFromZeroTags(pool) : {}) };
    for (const [key, value] of Object.entries(asgTags)) {
      new aws.autoscaling.Tag(`${name}-asg-${key.replace(/[^a-zA-Z0-9.-]+/g, "-")}`, {
        autoscalingGroupName: asgName,
        tag: { key, value, propagateAtLaunch: false },
      }, parent);
    }
    this.registerOutputs({ nodeGroupName: this.nodeGroup.nodeGroupName, launchTemplateName: this.launchTemplate.name });
  }
}
