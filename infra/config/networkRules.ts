/**
 * Rules on the cluster's and the VPC's address ranges and principals, checked on the decoded config
 * (entries the schema found malformed are skipped: they are reported there). CIDR semantics come
 * from infra/network/cidr.ts (the `ip-address` library).
 */
import { cidrsOverlap, cidrWithin, coverWholeInternet, isIpv4Cidr, networkCidr, prefixLength, specialRange } from "../network/cidr";
import { roleNameOf } from "../naming";
import { ConfigProblem, show } from "./errors";
import { configKey as key } from "./keys";

/** "Public endpoint access CIDR ranges per cluster: 40, not adjustable" (Amazon EKS service quotas). */
const MAX_PUBLIC_ACCESS_CIDRS = 40;
/** Docker's default bridge: "Some AWS services use the 172.17.0.0/16 CIDR range. To avoid future conflicts, don't use this range when creating your VPC" (Amazon VPC user guide, "VPC CIDR blocks"). */
const AWS_RESERVED_VPC_RANGE = "172.17.0.0/16";
/** Default quotas of Amazon EKS (user guide, "Amazon EKS service quotas"): "Nodes per managed node group" and "Managed node groups per cluster". */
const EKS_MAX_NODES_PER_NODE_GROUP = 450;
const EKS_MAX_NODE_GROUPS_PER_CLUSTER = 30;

const article = (word: string) => (/^[aeiou]/.test(word) ? "an" : "a");

/** cluster.publicAccessCidrs: each entry a public network address, none redundant, the set not the whole internet, within EKS's limit. */
export function publicAccessProblems(cidrs: unknown): ConfigProblem[] {
  if (!Array.isArray(cidrs)) return [];
  const at = key("cluster.publicAccessCidrs");
  const problems: ConfigProblem[] = [];
  if (cidrs.length > MAX_PUBLIC_ACCESS_CIDRS) {
    problems.push({ path: at, message: `lists ${cidrs.length} ranges; an EKS cluster takes at most ${MAX_PUBLIC_ACCESS_CIDRS} (Amazon EKS service quota "Public endpoint access CIDR ranges per cluster", not adjustable): merge neighbouring ranges` });
  }
  const valid = cidrs.map((c, i) => ({ c, i })).filter((e): e is { c: string; i: number } => typeof e.c === "string" && isIpv4Cidr(e.c) && prefixLength(e.c) > 0);
  for (const { c, i } of valid) {
    const entry = `${at}[${i}]`;
    const network = networkCidr(c);
    if (network !== c) {
      problems.push({ path: entry, message: `${show(c)} has host bits set (did you mean ${network}, or ${c.split("/")[0]}/32 for that one address?)` });
    }
    const special = specialRange(c);
    if (special) {
      problems.push({
        path: entry,
        message: `${show(c)} is ${article(special.kind)} ${special.kind} range (${special.rfc}): no request to a public endpoint comes from such an address, so it admits no one (list the public addresses your CI runners or VPN leave from; inside the VPC the private endpoint answers)`,
      });
    }
    const earlier = valid.filter((e) => e.i < i);
    const same = earlier.find((e) => networkCidr(e.c) === network);
    const within = earlier.find((e) => networkCidr(e.c) !== network && cidrWithin(c, e.c));
    const covers = earlier.find((e) => networkCidr(e.c) !== network && cidrWithin(e.c, c));
    if (same) problems.push({ path: entry, message: `${show(c)} is the same range as publicAccessCidrs[${same.i}] (${show(same.c)}); list it once` });
    else if (within) problems.push({ path: entry, message: `${show(c)} is already covered by publicAccessCidrs[${within.i}] (${show(within.c)}); remove it` });
    else if (covers) problems.push({ path: entry, message: `${show(c)} covers publicAccessCidrs[${covers.i}] (${show(covers.c)}), which is then redundant; keep one of the two` });
  }
  const strings = cidrs.filter((c): c is string => typeof c === "string");
  if (valid.length === strings.length && strings.length > 1 && !strings.some((c) => prefixLength(c) === 0) && coverWholeInternet(strings)) {
    problems.push({ path: at, message: `${show(strings)} together cover every IPv4 address: as open as 0.0.0.0/0 (list the CIDRs of your CI runners or VPN instead)` });
  }
  return problems;
}

/**
 * cluster.adminRoleArns: no principal twice. IAM role names are unique within an account whatever
 * their path, and not distinguished by case ("IAM user, group, role, and policy names must be unique
 * within the account. Names are not distinguished by case", IAM API reference, CreateRole), so two
 * ARNs of one account with one name cannot both name a role. Roles of two accounts that share a name
 * are two principals (access entries may name roles of other accounts: EKS user guide, "Create access
 * entries").
 */
export function adminRoleProblems(arns: unknown): ConfigProblem[] {
  if (!Array.isArray(arns)) return [];
  const problems: ConfigProblem[] = [];
  const account = (arn: string) => arn.split(":")[4];
  arns.forEach((arn, j) => {
    if (typeof arn !== "string") return;
    const at = `${key("cluster.adminRoleArns")}[${j}]`;
    const earlier = arns.slice(0, j).map((a, i) => ({ a, i })).filter((e): e is { a: string; i: number } => typeof e.a === "string");
    const same = earlier.find((e) => e.a === arn);
    const sameRole = earlier.find((e) => e.a !== arn && account(e.a) === account(arn) && roleNameOf(e.a).toLowerCase() === roleNameOf(arn).toLowerCase());
    if (same) problems.push({ path: at, message: `${show(arn)} is already listed at adminRoleArns[${same.i}]; list it once` });
    else if (sameRole) {
      problems.push({
        path: at,
        message: `${show(arn)} names the same role as adminRoleArns[${sameRole.i}] (${show(sameRole.a)}): IAM role names are unique within an account whatever their path and case, so one of the two ARNs names no role (keep the one with the role's real path and spelling)`,
      });
    }
  });
  return problems;
}

const VPC_RANGE_REASONS: Partial<Record<string, string>> = {
  loopback: "packets to it never leave the host that sends them",
  "link-local": "the instance metadata service (169.254.169.254) and the Amazon DNS resolver (169.254.169.253) answer there, and routers never forward it",
  multicast: "multicast addresses are never assigned to an interface",
  reserved: "it is reserved for future use and not routed",
  "this-network": "0.0.0.0/8 means \"this network\" and is never a destination",
};

/** network.vpcCidr: a range hosts can be addressed in, clear of the range AWS services use. */
export function vpcCidrProblems(cidr: unknown): ConfigProblem[] {
  if (typeof cidr !== "string" || !isIpv4Cidr(cidr)) return [];
  const at = key("network.vpcCidr");
  const special = specialRange(cidr);
  const reason = special ? VPC_RANGE_REASONS[special.kind] : undefined;
  if (special && reason) {
    return [{ path: at, message: `${show(cidr)} is ${article(special.kind)} ${special.kind} range (${special.rfc}): ${reason}; use a private range (RFC 1918), e.g. "10.0.0.0/16"` }];
  }
  if (cidrsOverlap(cidr, AWS_RESERVED_VPC_RANGE)) {
    return [{ path: at, message: `${show(cidr)} overlaps ${AWS_RESERVED_VPC_RANGE}, which some AWS services use ("To avoid future conflicts, don't use this range when creating your VPC": Amazon VPC user guide, "VPC CIDR blocks"); use e.g. "10.0.0.0/16"` }];
  }
  return [];
}

/** A list of AZs in which one zone appears twice: each AZ is one subnet, so a repeat is a second subnet in the same zone. */
export function repeatedZoneProblems(zones: unknown, at: string, what: string): ConfigProblem[] {
  if (!Array.isArray(zones)) return [];
  const problems: ConfigProblem[] = [];
  zones.forEach((zone, j) => {
    const first = zones.indexOf(zone);
    if (typeof zone === "string" && first !== j) problems.push({ path: `${at}[${j}]`, message: `${show(zone)} is already listed at availabilityZones[${first}] (${what})` });
  });
  return problems;
}

/** EKS's default quotas on managed node groups: more nodes in a group, or more groups, and CreateNodegroup fails. */
export function nodeGroupQuotaProblems(pools: unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (pools.length > EKS_MAX_NODE_GROUPS_PER_CLUSTER) {
    problems.push({ path: key("nodePools"), message: `lists ${pools.length} pools; each is an EKS managed node group and EKS's default quota is ${EKS_MAX_NODE_GROUPS_PER_CLUSTER} per cluster (Amazon EKS service quotas, "Managed node groups per cluster"): merge pools` });
  }
  pools.forEach((pool, i) => {
    const max = (pool as { maxNodes?: unknown } | null)?.maxNodes;
    if (Number.isInteger(max) && (max as number) > EKS_MAX_NODES_PER_NODE_GROUP) {
      problems.push({ path: `${key("nodePools")}[${i}].maxNodes`, message: `${max} is more than EKS's default quota of ${EKS_MAX_NODES_PER_NODE_GROUP} nodes per managed node group (Amazon EKS service quotas, "Nodes per managed node group"); split the pool into pools of at most ${EKS_MAX_NODES_PER_NODE_GROUP}` });
    }
  });
  return problems;
}
