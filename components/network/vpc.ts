import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "../../infra/network/subnets";
import { flowLogGroupName, flowLogsTrust, flowLogsWritePolicy, LOG_RETENTION_DAYS } from "../../infra/security/flowLogs";

export interface VpcArgs {
  /** The VPC's IPv4 block, /16 to /20. */
  cidrBlock: string;
  /** AZs for the subnets, in order; node pools pick their subnets by AZ. */
  availabilityZones: readonly string[];
  /** `single`: one NAT gateway for all AZs; `perAz`: one per AZ, so an AZ outage stays local. */
  natGateways: "single" | "perAz";
  /** EKS cluster name, for the subnet discovery tags the AWS load balancer controller reads. */
  clusterName: string;
  /** Flow logs of every accepted and rejected connection go to CloudWatch, encrypted with this key. */
  flowLogs: { accountId: pulumi.Input<string>; region: string; logsKeyArn: pulumi.Input<string> };
  /** Tags on every resource. */
  tags: Record<string, string>;
}

/**
 * A VPC with private subnets for nodes in every AZ and public subnets only for NAT gateways and
 * internet-facing load balancers. Nodes never get public addresses.
 */
export class Vpc extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  /** Private (node) subnet ids in the order of `availabilityZones`. */
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly publicSubnetIds: pulumi.Output<string>[];
  public readonly availabilityZones: readonly string[];
  public readonly vpc: aws.ec2.Vpc;

  constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:network:Vpc", name, {}, opts);
    const parent = { parent: this };
    const plan = planSubnets(args.cidrBlock, args.availabilityZones);
    const tagged = (resourceName: string, extra: Record<string, string> = {}) => ({ ...args.tags, Name: resourceName, ...extra });

    this.vpc = new aws.ec2.Vpc(name, { cidrBlock: args.cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: tagged(name) }, parent);
    // The default security group allows all traffic between its members; strip it so nothing relies on it.
    new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: this.vpc.id, ingress: [], egress: [], tags: tagged(`${name}-default`) }, parent);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: tagged(`${name}-igw`) }, parent);

    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: this.vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: tagged(`${name}-public`) }, parent);
    const publicSubnets = plan.map((p) => {
      const subnetName = `${name}-public-${p.availabilityZone}`;
      const subnet = new aws.ec2.Subnet(subnetName, {
        vpcId: this.vpc.id,
        cidrBlock: p.publicCidr,
        availabilityZone: p.availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: tagged(subnetName, { "kubernetes.io/role/elb": "1", [`kubernetes.io/cluster/${args.clusterName}`]: "shared" }),
      }, parent);
      new aws.ec2.RouteTableAssociation(subnetName, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
      return subnet;
    });

    const natCount = args.natGateways === "perAz" ? plan.length : 1;
    const natGateways = publicSubnets.slice(0, natCount).map((subnet, i) => {
      const natName = `${name}-nat-${plan[i].availabilityZone}`;
      const eip = new aws.ec2.Eip(natName, { domain: "vpc", tags: tagged(natName) }, parent);
      return new aws.ec2.NatGateway(natName, { subnetId: subnet.id, allocationId: eip.id, tags: tagged(natName) }, { parent: this, dependsOn: [igw] });
    });

    const privateSubnets = plan.map((p, i) => {
      const subnetName = `${name}-private-${p.availabilityZone}`;
      const subnet = new aws.ec2.Subnet(subnetName, {
        vpcId: this.vpc.id,
        cidrBlock: p.privateCidr,
        availabilityZone: p.availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: tagged(subnetName, { "kubernetes.io/role/internal-elb": "1", [`kubernetes.io/cluster/${args.clusterName}`]: "shared" }),
      }, parent);
      const nat = natGateways[Math.min(i, natGateways.length - 1)];
      const routes = new aws.ec2.RouteTable(subnetName, { vpcId: this.vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: tagged(subnetName) }, parent);
      new aws.ec2.RouteTableAssociation(subnetName, { subnetId: subnet.id, routeTableId: routes.id }, parent);
      return subnet;
    });

    // Flow logs: the record of who talked to what when an incident is investigated (CIS AWS 3.9, Checkov CKV2_AWS_11).
    const flowLogGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { name: flowLogGroupName(args.clusterName), retentionInDays: LOG_RETENTION_DAYS, kmsKeyId: args.flowLogs.logsKeyArn, tags: args.tags }, parent);
    const flowLogRole = new aws.iam.Role(`${name}-flow-logs`, {
      assumeRolePolicy: pulumi.output(args.flowLogs.accountId).apply((account) => JSON.stringify(flowLogsTrust(account, args.flowLogs.region))),
      tags: args.tags,
    }, parent);
    const flowLogPolicy = new aws.iam.RolePolicy(`${name}-flow-logs`, { role: flowLogRole.id, policy: flowLogGroup.arn.apply((arn) => JSON.stringify(flowLogsWritePolicy(arn))) }, parent);
    new aws.ec2.FlowLog(`${name}-flow-logs`, {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 600,
      tags: tagged(`${name}-flow-logs`),
      // A flow log created before its role may write stays in "Access error" (terraform-aws-vpc#1262).
    }, { parent: this, dependsOn: [flowLogPolicy] });

    this.vpcId = this.vpc.id;
    this.availabilityZones = [...args.availabilityZones];
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }
}
