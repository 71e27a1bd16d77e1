/**
 * Subnet layout for the VPC (pure). Node subnets are large — EKS gives every pod a VPC address and
 * an EFA node takes one per interface — so each AZ's private subnet is 1/8 of the VPC; the public
 * subnets (NAT gateways and load balancers only) are small and share the last eighth.
 */
import { networkCidr, prefixLength, subnetAt } from "./cidr";

export interface SubnetPlan {
  readonly availabilityZone: string;
  readonly privateCidr: string;
  readonly publicCidr: string;
}

/** Eighths of the VPC for node subnets; the eighth after them holds every public subnet. */
const PRIVATE_SUBNET_BITS = 3;
const PUBLIC_SUBNET_BITS = 8;
const MAX_AVAILABILITY_ZONES = 2 ** PRIVATE_SUBNET_BITS - 1;

export function planSubnets(vpcCidr: string, availabilityZones: readonly string[]): SubnetPlan[] {
  if (networkCidr(vpcCidr) !== vpcCidr) throw new Error(`planSubnets: ${vpcCidr} has host bits set (did you mean ${networkCidr(vpcCidr)}?)`);
  if (availabilityZones.length > MAX_AVAILABILITY_ZONES) throw new Error(`planSubnets: at most ${MAX_AVAILABILITY_ZONES} availability zones fit the layout, got ${availabilityZones.length}`);
  const prefix = prefixLength(vpcCidr);
  const privatePrefix = prefix + PRIVATE_SUBNET_BITS;
  const publicPrefix = prefix + PUBLIC_SUBNET_BITS;
  // The public eighth starts where private block number 7 would: 7 × 2^(PUBLIC−PRIVATE bits) public-sized blocks in.
  const publicStart = MAX_AVAILABILITY_ZONES * 2 ** (PUBLIC_SUBNET_BITS - PRIVATE_SUBNET_BITS);
  return availabilityZones.map((zone, i) => ({
    availabilityZone: zone,
    privateCidr: subnetAt(vpcCidr, privatePrefix, i),
    publicCidr: subnetAt(vpcCidr, publicPrefix, publicStart + i),
  }));
}
