/**
 * Subnet layout for the VPC (pure). Node subnets are large — EKS gives every pod a VPC address and
 * an EFA node takes one per interface — so each AZ's private subnet is 1/8 of the VPC; the public
 * subnets (NAT gateways and load balancers only) are small and share the last eighth.
 */

export interface SubnetPlan {
  readonly availabilityZone: string;
  readonly privateCidr: string;
  readonly publicCidr: string;
}

export function planSubnets(vpcCidr: string, availabilityZones: readonly string[]): SubnetPlan[] {
  const [base, prefix] = parseCidr(vpcCidr);
  if (availabilityZones.length > 7) throw new Error(`planSubnets: at most 7 availability zones fit the layout, got ${availabilityZones.length}`);
  const privatePrefix = prefix + 3;
  const publicPrefix = prefix + 8;
  const privateSize = 2 ** (32 - privatePrefix);
  const publicSize = 2 ** (32 - publicPrefix);
  const publicBase = base + 7 * privateSize;
  return availabilityZones.map((zone, i) => ({
    availabilityZone: zone,
    privateCidr: `${formatIpv4(base + i * privateSize)}/${privatePrefix}`,
    publicCidr: `${formatIpv4(publicBase + i * publicSize)}/${publicPrefix}`,
  }));
}

/** The network address of an IPv4 CIDR with its host bits cleared ("10.0.1.0/16" → "10.0.0.0/16"). */
export function networkCidr(cidr: string): string {
  const [value, prefix] = cidrParts(cidr);
  return `${formatIpv4(value - (value % 2 ** (32 - prefix)))}/${prefix}`;
}

function cidrParts(cidr: string): [number, number] {
  const [address, bits] = cidr.split("/");
  return [address.split(".").map(Number).reduce((acc, o) => acc * 256 + o, 0), Number(bits)];
}

function parseCidr(cidr: string): [number, number] {
  if (networkCidr(cidr) !== cidr) throw new Error(`planSubnets: ${cidr} has host bits set (did you mean ${networkCidr(cidr)}?)`);
  return cidrParts(cidr);
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
