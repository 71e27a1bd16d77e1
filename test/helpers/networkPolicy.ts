/**
 * A reference evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1, "Network
 * Policies" concept page), written from the documentation for tests: a pod is isolated for a
 * direction when any policy selecting it lists that direction in policyTypes; an isolated pod
 * admits a connection when some selecting policy has a rule whose peers and ports match. Connections
 * need both the source's egress and the destination's ingress. Supports podSelector /
 * namespaceSelector (matchLabels, matchExpressions Exists/In) and ipBlock peers, numeric ports.
 */

export interface Pod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The pod's address, for ipBlock peers. */
  readonly ip?: string;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: { protocol?: string; port?: number | string }[] };
export interface Policy {
  metadata: { name: string; namespace: string };
  spec: { podSelector: Selector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

export function selects(selector: Selector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === "Exists" && !(e.key in labels)) return false;
    if (e.operator === "DoesNotExist" && e.key in labels) return false;
    if (e.operator === "In" && !(e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === "NotIn" && (e.values ?? []).includes(labels[e.key])) return false;
  }
  return true;
}

const namespaceLabels = (ns: string) => ({ "kubernetes.io/metadata.name": ns });

function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

/** Does `peer` (in a rule of a policy in `policyNamespace`) match `other`? */
function peerMatches(peer: Peer, policyNamespace: string, other: Pod): boolean {
  if (peer.ipBlock) {
    if (!other.ip) return false;
    return ipInCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => ipInCidr(other.ip!, c));
  }
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(other.namespace)) : other.namespace === policyNamespace;
  return nsOk && selects(peer.podSelector, other.labels);
}

function ruleAllows(rule: Rule, peers: Peer[] | undefined, policyNamespace: string, other: Pod, port: number): boolean {
  const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => p.port === undefined || p.port === port);
  const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(p, policyNamespace, other));
  return portOk && peerOk;
}

function directionAllows(policies: readonly Policy[], pod: Pod, other: Pod, port: number, direction: "Ingress" | "Egress"): boolean {
  const selecting = policies.filter((p) => p.metadata.namespace === pod.namespace && selects(p.spec.podSelector, pod.labels) && (p.spec.policyTypes ?? ["Ingress"]).includes(direction));
  if (selecting.length === 0) return true; // not isolated
  return selecting.some((p) => (direction === "Ingress" ? p.spec.ingress ?? [] : p.spec.egress ?? []).some((r) => ruleAllows(r, direction === "Ingress" ? r.from : r.to, p.metadata.namespace, other, port)));
}

/** May `from` open a TCP connection to `to` on `port`? */
export function allowed(policies: readonly Policy[], from: Pod, to: Pod, port: number): boolean {
  return directionAllows(policies, from, to, port, "Egress") && directionAllows(policies, to, from, port, "Ingress");
}
