/**
 * The cost model: prices a set of planned resources from their inputs alone (no Pulumi import), so
 * the offline plan and the budget policy compute the same number. Node pools are priced at their
 * minimum, expected (desired) and maximum node counts. A resource the model cannot price is listed
 * as unpriced, never counted as zero; types AWS does not bill for are named in FREE_TYPES.
 */
import { AWS_TYPES } from "../resourceTypes";
import { HOURS_PER_MONTH, ON_DEMAND_USD_PER_HOUR, SERVICE_RATES } from "./prices";
import { EXPECTED_DATA_TAG } from "../metadata";

export interface PricedResourceInput {
  readonly urn: string;
  readonly type: string;
  readonly inputs: Readonly<Record<string, any>>;
}

export interface MonthlyRange {
  readonly min: number;
  readonly expected: number;
  readonly max: number;
}

export interface CostLine {
  readonly urn: string;
  readonly description: string;
  readonly monthly: MonthlyRange;
}

export interface CostReport {
  readonly currency: "USD";
  readonly monthly: MonthlyRange;
  readonly lines: readonly CostLine[];
  readonly unpriced: readonly string[];
}

/** Resource types that carry no charge of their own (AWS bills the instances, traffic or requests behind them). */
const FREE_TYPES: ReadonlySet<string> = new Set([
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  AWS_TYPES.launchTemplate,
  AWS_TYPES.placementGroup,
  "aws:iam/role:Role",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/policy:Policy",
  "aws:kms/alias:Alias",
  "aws:eks/accessEntry:AccessEntry",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:autoscaling/tag:Tag",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:eks/addon:Addon",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  // Configuration only: the logs they deliver are billed as the destination's storage and ingestion.
  "aws:s3/bucketLogging:BucketLogging",
  "aws:ec2/flowLog:FlowLog",
]);


/** "$1,234.56" — how every report and policy message writes money. */
export const formatUsd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const monthlyFromHourly = (usdPerHour: number) => usdPerHour * HOURS_PER_MONTH;
const flat = (usd: number): MonthlyRange => ({ min: usd, expected: usd, max: usd });
const round2 = (n: number) => Math.round(n * 100) / 100;

/** What a pricer may look up among the other planned resources. */
interface PricingContext {
  /** Root-volume GB of each planned launch template, by template name. */
  readonly launchTemplateVolumeGb: ReadonlyMap<string, number>;
}

type Pricer = (r: PricedResourceInput, context: PricingContext) => { description: string; monthly: MonthlyRange } | undefined;

const PRICERS: Readonly<Record<string, Pricer>> = {
  "aws:eks/cluster:Cluster": () => ({
    description: `EKS control plane (${HOURS_PER_MONTH} h × $${SERVICE_RATES.eksControlPlaneUsdPerHour}/h)`,
    monthly: flat(monthlyFromHourly(SERVICE_RATES.eksControlPlaneUsdPerHour)),
  }),
  "aws:ec2/natGateway:NatGateway": () => ({
    description: `NAT gateway hours (${HOURS_PER_MONTH} h × $${SERVICE_RATES.natGatewayUsdPerHour}/h; data processed not priced)`,
    monthly: flat(monthlyFromHourly(SERVICE_RATES.natGatewayUsdPerHour)),
  }),
  "aws:ec2/eip:Eip": () => ({
    description: `public IPv4 address (${HOURS_PER_MONTH} h × $${SERVICE_RATES.publicIpv4UsdPerHour}/h)`,
    monthly: flat(monthlyFromHourly(SERVICE_RATES.publicIpv4UsdPerHour)),
  }),
  "aws:kms/key:Key": () => ({
    description: `KMS customer managed key ($${SERVICE_RATES.kmsKeyUsdPerMonth}/month; requests not priced)`,
    monthly: flat(SERVICE_RATES.kmsKeyUsdPerMonth),
  }),
  "aws:ebs/volume:Volume": (r) => {
    const size = Number(r.inputs.size);
    if (!(size > 0)) return undefined;
    return { description: `EBS gp3 ${size} GB × $${SERVICE_RATES.ebsGp3UsdPerGbMonth}/GB-month`, monthly: flat(size * SERVICE_RATES.ebsGp3UsdPerGbMonth) };
  },
  [AWS_TYPES.nodeGroup]: priceNodeGroup,
  [AWS_TYPES.bucket]: (r) => {
    const gib = Number(r.inputs.tags?.[EXPECTED_DATA_TAG]);
    if (!Number.isFinite(gib)) return undefined;
    return { description: `S3 Standard ${gib} GiB expected × $${SERVICE_RATES.s3StandardUsdPerGbMonth}/GB-month (requests and transfer not priced)`, monthly: flat(gib * SERVICE_RATES.s3StandardUsdPerGbMonth) };
  },
  [AWS_TYPES.lustreFileSystem]: (r) => {
    const capacityGiB = Number(r.inputs.storageCapacity);
    const rate = SERVICE_RATES.fsxLustrePersistent2UsdPerGbMonth[Number(r.inputs.perUnitStorageThroughput)];
    if (r.inputs.deploymentType !== "PERSISTENT_2" || !(capacityGiB > 0) || rate === undefined) return undefined;
    return {
      description: `FSx for Lustre PERSISTENT_2 ${capacityGiB} GiB × $${rate}/GB-month (${r.inputs.perUnitStorageThroughput} MB/s/TiB)`,
      monthly: flat(capacityGiB * rate),
    };
  },
};

/** Managed node group: instance hours plus root volumes, at min / desired / max nodes. */
function priceNodeGroup(r: PricedResourceInput, context: PricingContext): { description: string; monthly: MonthlyRange } | undefined {
  const instanceType = r.inputs.instanceTypes?.[0];
  const hourly = ON_DEMAND_USD_PER_HOUR[instanceType];
  const scaling = r.inputs.scalingConfig ?? {};
  const counts = [scaling.minSize, scaling.desiredSize, scaling.maxSize].map(Number);
  if (hourly === undefined || counts.some((n) => !Number.isFinite(n))) return undefined;
  // The root volume comes from the launch template; without one, from diskSize (EKS default 20 GiB).
  const templateName = r.inputs.launchTemplate?.name;
  const diskGb = r.inputs.launchTemplate ? context.launchTemplateVolumeGb.get(templateName) : Number(r.inputs.diskSize ?? 20);
  const perNode = monthlyFromHourly(hourly) + (diskGb ?? 0) * SERVICE_RATES.ebsGp3UsdPerGbMonth;
  const [min, expected, max] = counts.map((n) => n * perNode);
  const capacity = r.inputs.capacityType && r.inputs.capacityType !== "ON_DEMAND" ? ` (${r.inputs.capacityType}: priced at the on-demand rate, an upper bound)` : " on demand";
  const volumes = diskGb === undefined ? ` (root volumes of launch template ${templateName ?? "?"} not priced: template not in the plan)` : ` + ${diskGb} GB gp3 each`;
  return {
    description: `${instanceType} × ${counts[0]}/${counts[1]}/${counts[2]} nodes (min/expected/max) at $${hourly}/h${capacity}${volumes}`,
    monthly: { min, expected, max },
  };
}

/** Resources that are not billed as such: components, providers, Kubernetes objects, random values. */
function isNotBilled(type: string): boolean {
  return type.startsWith("pulumi:") || type.startsWith("kubernetes:") || type.startsWith("random:") || !type.includes("/") || FREE_TYPES.has(type);
}

export function priceResources(resources: readonly PricedResourceInput[]): CostReport {
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  const context: PricingContext = {
    launchTemplateVolumeGb: new Map(
      resources
        .filter((r) => r.type === AWS_TYPES.launchTemplate && typeof r.inputs.name === "string")
        .map((r) => [r.inputs.name as string, (r.inputs.blockDeviceMappings ?? []).reduce((gb: number, m: any) => gb + Number(m.ebs?.volumeSize ?? 0), 0)]),
    ),
  };
  for (const r of resources) {
    if (isNotBilled(r.type) && !(r.type in PRICERS)) continue;
    const pricer = PRICERS[r.type];
    const priced = pricer?.(r, context);
    if (priced) {
      lines.push({
        urn: r.urn,
        description: priced.description,
        monthly: { min: round2(priced.monthly.min), expected: round2(priced.monthly.expected), max: round2(priced.monthly.max) },
      });
    } else {
      unpriced.push(r.urn); // a billed type the model has no price for, or inputs it cannot price
    }
  }
  const sum = (k: keyof MonthlyRange) => round2(lines.reduce((acc, l) => acc + l.monthly[k], 0));
  return { currency: "USD", monthly: { min: sum("min"), expected: sum("expected"), max: sum("max") }, lines, unpriced };
}
