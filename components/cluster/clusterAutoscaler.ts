import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_BY_MINOR } from "../../infra/versions";
import { podIdentityTrust } from "../../infra/iam/podIdentity";
import { pinnedRelease } from "../k8s/pinnedRelease";

const SERVICE_ACCOUNT = "cluster-autoscaler";

export interface ClusterAutoscalerArgs {
  clusterName: string;
  /** The cluster resource's name output (orders everything after the cluster). */
  clusterNameOutput: pulumi.Input<string>;
  kubernetesVersion: string;
  region: string;
  /** Labels of the system pool, where the autoscaler runs. */
  systemNodeSelector: Record<string, string>;
  /** The EKS Pod Identity agent add-on: the association needs it running. */
  podIdentityAgent: pulumi.Resource;
  provider: k8s.Provider;
  tags: Record<string, string>;
}

/**
 * The cluster autoscaler: scales node groups tagged for this cluster, including GPU pools at zero
 * nodes (from the node-template tags on their Auto Scaling groups). Credentials through EKS Pod
 * Identity; it may change the size only of this cluster's groups.
 */
export class ClusterAutoscaler extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:cluster:ClusterAutoscaler", name, {}, opts);
    const parent = { parent: this };
    const role = new aws.iam.Role(name, { assumeRolePolicy: JSON.stringify(podIdentityTrust()), tags: args.tags }, parent);
    // kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, "Full Cluster Autoscaler Features Policy".
    new aws.iam.RolePolicy(name, {
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
              "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
              "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup",
            ],
            Resource: "*",
          },
          {
            Effect: "Allow",
            Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            Resource: "*",
            Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${args.clusterName}`]: "owned" } },
          },
        ],
      }),
    }, parent);
    const association = new aws.eks.PodIdentityAssociation(name, {
      clusterName: args.clusterNameOutput,
      namespace: "kube-system",
      serviceAccount: SERVICE_ACCOUNT,
      roleArn: role.arn,
      tags: args.tags,
    }, { parent: this, dependsOn: [args.podIdentityAgent] });
    const pin = CLUSTER_AUTOSCALER_BY_MINOR[args.kubernetesVersion];
    if (!pin) throw new Error(`ClusterAutoscaler ${name}: no pinned autoscaler for Kubernetes ${args.kubernetesVersion} (pinned: ${Object.keys(CLUSTER_AUTOSCALER_BY_MINOR).join(", ")})`);
    this.release = pinnedRelease(name, {
      releaseName: "cluster-autoscaler",
      chart: pin.chart,
      namespace: "kube-system",
      values: {
        cloudProvider: "aws",
        awsRegion: args.region,
        autoDiscovery: { clusterName: args.clusterName },
        image: pin.image,
        rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNT } },
        nodeSelector: args.systemNodeSelector,
        extraArgs: {
          // Pick the group that wastes least capacity; GPU pools are never a fallback for CPU pods (they are tainted).
          expander: "least-waste",
          "balance-similar-node-groups": true,
          "skip-nodes-with-system-pods": false,
          "scale-down-unneeded-time": "10m",
        },
      },
      provider: args.provider,
    }, this, { dependsOn: [association] });
    this.registerOutputs({});
  }
}
