import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../infra/config/schema";
import { AwsPlatformSpec, ExistingPlatformSpec, PlatformSpec } from "../infra/config/spec";
import { platformManifest, PLATFORM_TYPE } from "../infra/manifest";
import { EksCluster } from "./cluster/eksCluster";
import { ExistingCluster } from "./cluster/existingCluster";
import { EfaDevicePlugin } from "./fabric/efaDevicePlugin";
import { GpuOperator } from "./gpu/gpuOperator";
import { PlatformImages } from "./k8s/platformImages";
import { platformImages } from "../infra/images";
import { isGpuPool } from "../infra/nodes/labels";
import { NetworkOperator } from "./fabric/networkOperator";
import { SystemNamespace } from "./k8s/systemNamespace";
import { Vpc } from "./network/vpc";
import { NodePool } from "./nodes/nodePool";

export const SYSTEM_NAMESPACE = "llm-platform";

export interface PlatformArgs {
  /** The validated stack spec. */
  spec: PlatformSpec;
  /** For target `existing`: the kubeconfig, read from config as a secret. */
  kubeconfig?: pulumi.Input<string>;
}

/**
 * The whole platform for one stack. Its registered inputs are the platform manifest, which the
 * policy pack reads (budget, GPU stack, pools).
 */
export class Platform extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  public readonly clusterName?: pulumi.Output<string>;
  public readonly vpcId?: pulumi.Output<string>;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PLATFORM_TYPE, name, platformManifest(args.spec), opts);
    const { spec } = args;
    if (spec.target === "aws") {
      const base = this.createAwsBase(name, spec);
      this.provider = base.cluster.provider;
      this.clusterName = base.cluster.clusterName;
      this.vpcId = base.vpc.vpcId;
    } else {
      this.provider = this.connectExisting(name, spec, args.kubeconfig).provider;
    }
    const system = new SystemNamespace(`${name}-system`, { name: SYSTEM_NAMESPACE, podSecurity: "baseline", provider: this.provider }, { parent: this });
    new PlatformImages(`${name}-images`, { images: platformImages(spec.gpuStack, spec.images), namespace: system.namespace.metadata.name, provider: this.provider }, { parent: this });
    if (spec.nodePools.some(isGpuPool)) new GpuOperator(`${name}-gpu-operator`, { spec, provider: this.provider }, { parent: this });
    if (spec.nodePools.some((p) => p.fabric === "efa")) {
      new EfaDevicePlugin(`${name}-efa-device-plugin`, { provider: this.provider }, { parent: this });
    }
    if (spec.target === "existing") {
      const infinibandPools = spec.nodePools.filter((p) => p.fabric === "infiniband");
      if (infinibandPools.length > 0) new NetworkOperator(`${name}-network-operator`, { infinibandPools, provider: this.provider }, { parent: this });
    }
    this.registerOutputs({ clusterName: this.clusterName, vpcId: this.vpcId });
  }

  private createAwsBase(name: string, spec: AwsPlatformSpec) {
    const tags = { "llm-platform/stack": spec.stack, "app.kubernetes.io/managed-by": "pulumi", project: PROJECT };
    const vpc = new Vpc(`${name}-vpc`, {
      cidrBlock: spec.network.vpcCidr,
      availabilityZones: spec.network.availabilityZones,
      natGateways: spec.network.natGateways,
      clusterName: spec.cluster.name,
      tags,
    }, { parent: this });
    // The deploying identity as a role ARN (an assumed-role session resolves to its role).
    const caller = aws.getCallerIdentityOutput({}, { parent: this });
    const deployer = aws.iam.getSessionContextOutput({ arn: caller.arn }, { parent: this });
    const cluster = new EksCluster(`${name}-eks`, {
      clusterName: spec.cluster.name,
      kubernetesVersion: spec.cluster.kubernetesVersion,
      region: spec.region,
      subnetIds: vpc.privateSubnetIds,
      publicAccessCidrs: spec.cluster.publicAccessCidrs,
      deployerRoleArn: deployer.issuerArn,
      adminRoleArns: spec.cluster.adminRoleArns,
      tags,
    }, { parent: this });
    const subnetOf = (zone: string) => vpc.privateSubnetIds[spec.network.availabilityZones.indexOf(zone)];
    for (const pool of spec.nodePools) {
      new NodePool(`${name}-${pool.name}`, {
        pool,
        clusterName: spec.cluster.name,
        clusterNameOutput: cluster.clusterName,
        nodeRoleArn: cluster.nodeRole.arn,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
        vpcId: vpc.vpcId,
        subnetIds: pool.availabilityZones.map(subnetOf),
        tags,
      }, { parent: this });
    }
    return { vpc, cluster };
  }

  private connectExisting(name: string, spec: ExistingPlatformSpec, kubeconfig: pulumi.Input<string> | undefined) {
    if (kubeconfig === undefined) {
      throw new Error(`Platform ${name}: target existing needs the kubeconfig from ${spec.kubeconfigKey}`);
    }
    return new ExistingCluster(`${name}-cluster`, { kubeconfig }, { parent: this });
  }
}
