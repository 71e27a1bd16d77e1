import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { defaultStorageClass, EBS_CSI_ADDON, EBS_CSI_SERVICE_ACCOUNT } from "../../infra/storage/blockStorage";
import { podIdentityTrust } from "../../infra/iam/podIdentity";

export interface BlockStorageArgs {
  /** The cluster resource's name output (orders the add-on after the cluster). */
  clusterName: pulumi.Input<string>;
  /** The EKS Pod Identity agent add-on: associations need it running. */
  podIdentityAgent: pulumi.Resource;
  provider: k8s.Provider;
  tags: Record<string, string>;
}

/**
 * Block volumes for claims that ask for no class (Kubeflow Pipelines' database and object store,
 * Prometheus): the EBS CSI driver as an EKS add-on with its own Pod Identity role, and an encrypted
 * gp3 StorageClass marked default. EKS clusters from 1.30 have no default StorageClass (the gp2
 * class lost its default annotation: EKS user guide, "Storage classes"), so without this those
 * claims stay Pending forever.
 */
export class BlockStorage extends pulumi.ComponentResource {
  public readonly storageClass: k8s.storage.v1.StorageClass;

  constructor(name: string, args: BlockStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:storage:BlockStorage", name, {}, opts);
    const parent = { parent: this };
    const role = new aws.iam.Role(`${name}-ebs-csi`, { assumeRolePolicy: JSON.stringify(podIdentityTrust()), tags: args.tags }, parent);
    // AWS's managed policy for the driver (EBS CSI driver docs, "Set up driver permissions"): volume and
    // snapshot actions only, tag-conditioned deletes.
    const policy = new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" }, parent);
    const addon = new aws.eks.Addon(`${name}-ebs-csi`, {
      clusterName: args.clusterName,
      addonName: EBS_CSI_ADDON,
      podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }],
      tags: args.tags,
    }, { parent: this, dependsOn: [args.podIdentityAgent, policy] });
    const storageClass = defaultStorageClass();
    this.storageClass = new k8s.storage.v1.StorageClass(`${name}-gp3`, storageClass, { parent: this, provider: args.provider, dependsOn: [addon] });
    this.registerOutputs({ storageClass: this.storageClass.metadata.name });
  }
}
