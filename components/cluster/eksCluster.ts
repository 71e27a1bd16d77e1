import * as aws from "@pulumi/aws";
import { podIdentityTrust } from "../../infra/iam/podIdentity";
import { vpcCniConfiguration } from "../../infra/security/vpcCni";
import { LOG_RETENTION_DAYS } from "../../infra/security/flowLogs";
import { EKS_LOG_TYPES } from "../../infra/security/auditLogs";
import * as pulumi from "@pulumi/pulumi";
import { isOpenToInternet } from "../../infra/network/cidr";
import { principalKey } from "../../infra/naming";

const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const NODE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  // Shell access through SSM Session Manager instead of SSH keys and open ports.
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
];

export interface EksClusterArgs {
  /** The EKS cluster's name. */
  clusterName: string;
  /** Kubernetes minor version, e.g. "1.33". */
  kubernetesVersion: string;
  /** AWS region, for the kubeconfig's token command. */
  region: string;
  /** Private subnets the control plane's network interfaces live in. */
  subnetIds: pulumi.Input<string>[];
  /** CIDRs allowed to reach a public endpoint; empty keeps the endpoint private. Never 0.0.0.0/0. */
  publicAccessCidrs: readonly string[];
  /** The role running `pulumi up`; gets cluster-admin through an access entry. */
  deployerRoleArn: pulumi.Input<string>;
  /** Further roles granted cluster-admin through access entries. */
  adminRoleArns: readonly string[];
  /** Principals with access to team namespaces only, each with the Kubernetes groups of its teams. */
  teamMembers: readonly { principalArn: string; groups: readonly string[] }[];
  /** The key that encrypts CloudWatch logs (the control-plane log group). */
  logsKeyArn: pulumi.Input<string>;
  /** Tags on every resource. */
  tags: Record<string, string>;
}

/**
 * An EKS cluster with secure defaults: private API endpoint unless CIDRs are listed, Kubernetes
 * Secrets envelope-encrypted with a rotated KMS key, every control-plane log type, and access
 * entries for the deploying and admin roles instead of the creator-admin bootstrap. Exposes the
 * kubeconfig and the access entries the platform's Kubernetes provider waits for.
 */
export class EksCluster extends pulumi.ComponentResource {
  public readonly cluster: aws.eks.Cluster;
  public readonly secretsKey: aws.kms.Key;
  /** IAM role for the cluster's managed node groups. */
  public readonly nodeRole: aws.iam.Role;
  /** A kubeconfig that authenticates with `aws eks get-token` (the platform builds its provider from it). */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Access entries of the deploying and admin roles: until they exist the deployer cannot call the API. */
  public readonly adminAccess: pulumi.Resource[];
  /** The EKS Pod Identity agent add-on (Pod Identity associations need it). */
  public readonly podIdentityAgent: aws.eks.Addon;
  /** The VPC CNI add-on: nodes join once it has its credentials. */
  public readonly vpcCni: aws.eks.Addon;
  public readonly clusterName: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  /** The security group EKS creates for control-plane ↔ node traffic; every node joins it. */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:cluster:EksCluster", name, {}, opts);
    const open = args.publicAccessCidrs.filter(isOpenToInternet);
    if (open.length > 0) {
      throw new Error(`EksCluster ${name}: publicAccessCidrs ${JSON.stringify(open)} open the API endpoint to the internet; list specific CIDRs or none (private endpoint)`);
    }
    const parent = { parent: this };
    const tags = { ...args.tags };

    // Losing this key makes every Secret in etcd unreadable, hence protect and a long deletion window.
    this.secretsKey = new aws.kms.Key(`${name}-secrets`, {
      description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${args.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, { parent: this, protect: true });
    new aws.kms.Alias(`${name}-secrets`, { name: `alias/eks/${args.clusterName}-secrets`, targetKeyId: this.secretsKey.keyId }, parent);

    const clusterRole = new aws.iam.Role(`${name}-cluster`, {
      assumeRolePolicy: JSON.stringify(servicePrincipalTrust("eks.amazonaws.com")),
      tags,
    }, parent);
    const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster`, {
      role: clusterRole.name,
      policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    }, parent);

    // EKS creates this group on first log write with infinite retention; owning it sets retention.
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
      name: `/aws/eks/${args.clusterName}/cluster`,
      retentionInDays: LOG_RETENTION_DAYS,
      // Audit logs name every principal and object: encrypted with the platform's logs key.
      kmsKeyId: args.logsKeyArn,
      tags,
    }, parent);

    const publicEndpoint = args.publicAccessCidrs.length > 0;
    this.cluster = new aws.eks.Cluster(name, {
      name: args.clusterName,
      version: args.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: args.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicEndpoint,
        ...(publicEndpoint ? { publicAccessCidrs: [...args.publicAccessCidrs] } : {}),
      },
      encryptionConfig: { provider: { keyArn: this.secretsKey.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: [...EKS_LOG_TYPES],
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      // Extended support costs six times the standard rate; upgrade instead of drifting into it.
      upgradePolicy: { supportType: "STANDARD" },
      // A `pulumi destroy` (or a console click) cannot delete the cluster until this is turned off.
      deletionProtection: true,
      tags,
    }, { parent: this, protect: true, dependsOn: [clusterPolicy, logGroup] });

    const admins: { key: string; arn: pulumi.Input<string> }[] = [
      { key: "deployer", arn: args.deployerRoleArn },
      ...args.adminRoleArns.map((arn) => ({ key: `admin-${principalKey(arn)}`, arn })),
    ];
    const adminAccess = admins.map(({ key, arn }) => {
      const entry = new aws.eks.AccessEntry(`${name}-${key}`, { clusterName: this.cluster.name, principalArn: arn, type: "STANDARD", tags }, parent);
      return new aws.eks.AccessPolicyAssociation(`${name}-${key}`, {
        clusterName: this.cluster.name,
        principalArn: arn,
        policyArn: CLUSTER_ADMIN_POLICY,
        accessScope: { type: "cluster" },
      }, { parent: this, dependsOn: [entry] });
    });

    // Team members reach their namespaces only: an access entry mapping them to their teams' groups, no access policy.
    for (const member of args.teamMembers) {
      new aws.eks.AccessEntry(`${name}-member-${principalKey(member.principalArn)}`, { clusterName: this.cluster.name, principalArn: member.principalArn, type: "STANDARD", kubernetesGroups: [...member.groups], tags }, parent);
    }

    this.nodeRole = new aws.iam.Role(`${name}-node`, { assumeRolePolicy: JSON.stringify(servicePrincipalTrust("ec2.amazonaws.com")), tags }, parent);
    NODE_POLICIES.forEach((policyArn) => {
      new aws.iam.RolePolicyAttachment(`${name}-node-${policyArn.split("/").pop()}`, { role: this.nodeRole.name, policyArn }, parent);
    });

    this.clusterName = this.cluster.name;
    this.endpoint = this.cluster.endpoint;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    // Pods of platform components (autoscaler, EBS CSI) get AWS credentials through EKS Pod Identity.
    this.podIdentityAgent = new aws.eks.Addon(`${name}-pod-identity-agent`, { clusterName: this.cluster.name, addonName: "eks-pod-identity-agent", tags }, parent);
    // The VPC CNI's permissions go to its own pods through Pod Identity, not to every pod on the node
    // through the node role (EKS user guide, "IAM roles for Amazon EKS add-ons"); and it enforces
    // NetworkPolicies (its network policy agent, `enableNetworkPolicy`).
    const cniRole = new aws.iam.Role(`${name}-vpc-cni`, { assumeRolePolicy: JSON.stringify(podIdentityTrust()), tags }, parent);
    const cniPolicy = new aws.iam.RolePolicyAttachment(`${name}-vpc-cni`, { role: cniRole.name, policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" }, parent);
    this.vpcCni = new aws.eks.Addon(`${name}-vpc-cni`, {
      clusterName: this.cluster.name,
      addonName: "vpc-cni",
      podIdentityAssociations: [{ roleArn: cniRole.arn, serviceAccount: "aws-node" }],
      configurationValues: JSON.stringify(vpcCniConfiguration()),
      // The cluster comes with a self-managed VPC CNI: the add-on takes it over.
      resolveConflictsOnCreate: "OVERWRITE",
      tags,
    }, { parent: this, dependsOn: [this.podIdentityAgent, cniPolicy] });
    this.kubeconfig = kubeconfigFor(this.cluster, args.region);
    this.adminAccess = adminAccess;

    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
  }
}


function servicePrincipalTrust(service: string) {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
}

/** A kubeconfig that authenticates with `aws eks get-token` (no long-lived credentials). */
function kubeconfigFor(cluster: aws.eks.Cluster, region: string): pulumi.Output<string> {
  return pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([clusterName, endpoint, ca]) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": ca.data } }],
      contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
      "current-context": clusterName,
      users: [{
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
          },
        },
      }],
    }),
  );
}
