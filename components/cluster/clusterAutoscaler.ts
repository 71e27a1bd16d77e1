import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, clusterAutoscalerImage } from "../../infra/versions";
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
  /** The EKS Pod Identity Agent add-on: other pod identities (inference endpoints' S3 access) wait for it too. */
  public readonly podIdentityAgent: aws.eks.Addon;

  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:cluster:ClusterAutoscaler", name, {}, opts);
    const parent = { parent: this };
    const role = new aws.iam.Role(name, {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      }),
      tags: args.tags,
    }, parent);
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
    const agent = new aws.eks.Addon(`${name}-pod-identity-agent`, { clusterName: args.clusterNameOutput, addonName: "eks-pod-identity-agent", tags: args.tags }, parent);
    this.podIdentityAgent = agent;
    const association = new aws.eks.PodIdentityAssociation(name, {
      clusterName: args.clusterNameOutput,
      namespace: "kube-system",
      serviceAccount: SERVICE_ACCOUNT,
      roleArn: role.arn,
      tags: args.tags,
    }, { parent: this, dependsOn: [agent] });
    this.release = pinnedRelease(name, {
      releaseName: "cluster-autoscaler",
      chart: CHARTS.clusterAutoscaler,
      namespace: "kube-system",
      values: {
        cloudProvider: "aws",
        awsRegion: args.region,
        autoDiscovery: { clusterName: args.clusterName },
        image: clusterAutoscalerImage(args.kubernetesVersion),
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
