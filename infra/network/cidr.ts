/**
 * IPv4 CIDR arithmetic (pure), on the `ip-address` library rather than hand-rolled bit math (as
 * pulumi-awsx does for its subnet layout). Every CIDR rule of the config and the policies goes
 * through these functions.
 */
import { Address4 } from "ip-address";

const IPV4_SPACE = 2n ** 32n;

/** "a.b.c.d/n" with four octets ≤ 255 and 0 ≤ n ≤ 32 (host bits allowed: see networkCidr). */
export function isIpv4Cidr(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value) && Address4.isValid(value);
}

export function prefixLength(cidr: string): number {
  return new Address4(cidr).subnetMask;
}

/** The network address of a CIDR with its host bits cleared ("10.0.1.0/16" → "10.0.0.0/16"). */
export function networkCidr(cidr: string): string {
  const address = new Address4(cidr);
  return `${address.startAddress().correctForm()}/${address.subnetMask}`;
}

/** First and last address of a CIDR, as integers. */
function cidrRange(cidr: string): { first: bigint; last: bigint } {
  const address = new Address4(cidr);
  return { first: address.startAddress().bigInt(), last: address.endAddress().bigInt() };
}

/** The CIDR of `2^(32-prefix)` addresses starting `offset` blocks of that size into `within`'s range. */
export function subnetAt(within: string, prefix: number, offset: number): string {
  const { first } = cidrRange(within);
  const start = first + BigInt(offset) * 2n ** BigInt(32 - prefix);
  return `${Address4.fromBigInt(start).correctForm()}/${prefix}`;
}

/** How many addresses the union of the CIDRs covers (overlaps counted once). */
function addressesCovered(cidrs: readonly string[]): bigint {
  const ranges = cidrs.filter(isIpv4Cidr).map(cidrRange).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let total = 0n;
  let end = -1n; // last address already counted
  for (const { first, last } of ranges) {
    if (last <= end) continue;
    total += last - (first > end ? first : end + 1n) + 1n;
    end = last;
  }
  return total;
}

/**
 * True for a CIDR that admits every address on the internet: `0.0.0.0/0` (any host bits) or `::/0`.
 * A *set* of CIDRs that together cover the whole space (`0.0.0.0/1` + `128.0.0.0/1`) is just as
 * open: see `coverWholeInternet`.
 */
export function isOpenToInternet(value: string): boolean {
  return value.trim() === "::/0" || (isIpv4Cidr(value) && prefixLength(value) === 0);
}

/** True when the CIDRs together cover every IPv4 address (as open as 0.0.0.0/0). */
export function coverWholeInternet(cidrs: readonly string[]): boolean {
  return cidrs.some((c) => c.trim() === "::/0") || addressesCovered(cidrs) === IPV4_SPACE;
}

/** A special-purpose IPv4 range (IANA IPv4 Special-Purpose Address Registry) and its RFC. */
export interface SpecialRange {
  readonly kind: "private" | "loopback" | "link-local" | "multicast" | "shared (CGNAT)" | "reserved" | "this-network" | "benchmarking";
  readonly range: string;
  readonly rfc: string;
}

const SPECIAL_RANGES: readonly SpecialRange[] = [
  { kind: "this-network", range: "0.0.0.0/8", rfc: "RFC 1122" },
  { kind: "private", range: "10.0.0.0/8", rfc: "RFC 1918" },
  { kind: "shared (CGNAT)", range: "100.64.0.0/10", rfc: "RFC 6598" },
  { kind: "loopback", range: "127.0.0.0/8", rfc: "RFC 1122" },
  { kind: "link-local", range: "169.254.0.0/16", rfc: "RFC 3927" },
  { kind: "private", range: "172.16.0.0/12", rfc: "RFC 1918" },
  { kind: "private", range: "192.168.0.0/16", rfc: "RFC 1918" },
  { kind: "benchmarking", range: "198.18.0.0/15", rfc: "RFC 2544" },
  { kind: "multicast", range: "224.0.0.0/4", rfc: "RFC 5771" },
  { kind: "reserved", range: "240.0.0.0/4", rfc: "RFC 1112" },
];

/** The special-purpose range that contains the whole CIDR (loopback, private, …), if any. */
export function specialRange(cidr: string): SpecialRange | undefined {
  return SPECIAL_RANGES.find((s) => cidrWithin(cidr, s.range));
}

/** True when every address of `inner` is in `outer` (host bits ignored). */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = cidrRange(inner);
  const b = cidrRange(outer);
  return a.first >= b.first && a.last <= b.last;
}

/** True when the two CIDRs share an address (two CIDR blocks are either disjoint or nested). */
export function cidrsOverlap(a: string, b: string): boolean {
  return cidrWithin(a, b) || cidrWithin(b, a);
}
