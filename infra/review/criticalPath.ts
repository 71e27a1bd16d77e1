/**
 * How long `pulumi up` takes: the longest chain of slow resources through the recorded dependency
 * graph, with each slow type's typical duration and its source.
 *
 * The graph is the one Pulumi's Node SDK waits on (@pulumi/pulumi 3.276 runtime/resource.js
 * prepareResource): a resource is registered after its dependsOn, the resources behind its input
 * Outputs and its provider are done; a component in that list stands for all its custom
 * descendants (dependsOn.js getAllTransitivelyReferencedResources); and a child waits for its
 * parent's URN, which resolves only after the parent's own dependencies — so children of a
 * component wait for whatever the component waits for.
 */
import { AWS_TYPES } from "../resourceTypes";
import { isCustom, PlanResource } from "./planDocument";
import { HELM_RELEASE_TYPE } from "./replacement";

export interface StepDuration {
  /** Typical minutes to create. */
  readonly minutes: number;
  /** At most (the provider's or the resource's own timeout), when one is known. */
  readonly maxMinutes?: number;
  /** How the typical figure is known. */
  readonly source: string;
}

const KUBE_JOB_TYPE = "kubernetes:batch/v1:Job";

// Job await: "If the Job has not reached a Ready state after 10 minutes, it will time out"
// (@pulumi/kubernetes 4.34 batch/v1/job.d.ts); the `pulumi.com/timeoutSeconds` annotation overrides it.
const JOB_DEFAULT_TIMEOUT_MINUTES = 10;
// helm_release.go getTimeoutOrDefault: defaultTimeoutSeconds (300) unless `timeout` is set.
const HELM_DEFAULT_TIMEOUT_MINUTES = 5;

/** Typical create durations of the slow types; everything else takes seconds and is not modelled. */
export function createDuration(r: Pick<PlanResource, "type" | "inputs">): StepDuration | undefined {
  const inputs = r.inputs as Record<string, any>;
  switch (r.type) {
    case "aws:eks/cluster:Cluster":
      return { minutes: 15, maxMinutes: 30, source: "EKS control plane provisioning \"averages 15 minutes\" (aws/containers-roadmap#1227); at most the provider's 30 min create timeout (terraform-provider-aws eks/cluster.go)" };
    case AWS_TYPES.nodeGroup:
      return { minutes: 5, maxMinutes: 60, source: "estimate: instances boot and join the cluster (no published figure); at most the provider's 60 min create timeout (eks/node_group.go)" };
    case AWS_TYPES.lustreFileSystem:
      return { minutes: 15, maxMinutes: 30, source: "estimate: FSx says \"within minutes\" (FSx for Lustre FAQ); at most the provider's 30 min create timeout (fsx/lustre_file_system.go)" };
    case "aws:ec2/natGateway:NatGateway":
      return { minutes: 2, source: "estimate: a NAT gateway is pending until available" };
    case "aws:eks/addon:Addon":
      return { minutes: 1, source: "estimate: the add-on's pods become ready" };
    case HELM_RELEASE_TYPE: {
      if (inputs.skipAwait === true) return undefined;
      const timeout = Number(inputs.timeout) > 0 ? Number(inputs.timeout) / 60 : HELM_DEFAULT_TIMEOUT_MINUTES;
      return { minutes: 2, maxMinutes: timeout, source: `estimate: the release waits until its pods are ready (@pulumi/kubernetes Release, skipAwait unset); at most its timeout (${timeout} min)` };
    }
    case KUBE_JOB_TYPE: {
      const annotation = Number(inputs.metadata?.annotations?.["pulumi.com/timeoutSeconds"]);
      const timeout = annotation > 0 ? annotation / 60 : JOB_DEFAULT_TIMEOUT_MINUTES;
      return { minutes: 2, maxMinutes: timeout, source: `estimate: Pulumi waits for the Job to complete (batch/v1 Job await); at most ${annotation > 0 ? "its pulumi.com/timeoutSeconds annotation" : "the 10 min default"} (${formatMinutes(timeout)})` };
    }
    default:
      return undefined;
  }
}

export interface PathStep {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly duration: StepDuration;
}

export interface CriticalPath {
  /** The slow steps of the longest chain, first to last. */
  readonly steps: readonly PathStep[];
  readonly minutes: number;
  /** The same chain at its timeouts (steps without one count at their typical duration). */
  readonly maxMinutes: number;
  /** The longest chain when every step takes its timeout; it can differ from the typical one. */
  readonly worstCase: { readonly steps: readonly PathStep[]; readonly maxMinutes: number };
}

type GraphResource = Pick<PlanResource, "urn" | "type" | "name" | "parent" | "inputs" | "options" | "custom" | "inputDependencies">;

/**
 * Each custom resource's predecessors (custom resources only). Kubernetes workloads that wait for
 * readiness (Helm releases, Jobs) also wait — at run time, not in Pulumi's graph — for a node to
 * run on: the system pool's node groups.
 */
function predecessors(resources: readonly GraphResource[]): Map<string, Set<string>> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, string[]>();
  for (const r of resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
  const customDescendants = (urn: string, seen = new Set<string>()): string[] => {
    const r = byUrn.get(urn);
    if (!r || seen.has(urn)) return [];
    seen.add(urn);
    if (isCustom(r)) return [urn];
    return (children.get(urn) ?? []).flatMap((c) => customDescendants(c, seen));
  };
  const direct = (r: GraphResource) => [...r.options.dependsOn, ...(r.inputDependencies ?? []), ...(r.options.provider ? [r.options.provider] : [])];
  const systemNodeGroups = resources.filter((r) => r.type === AWS_TYPES.nodeGroup && (r.inputs as any).labels?.["llm-platform/purpose"] === "system").map((r) => r.urn);

  const graph = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!isCustom(r)) continue;
    const raw = direct(r);
    for (let p = r.parent ? byUrn.get(r.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined) {
      if (isCustom(p)) raw.push(p.urn);
      else raw.push(...direct(p));
    }
    if ((r.type === HELM_RELEASE_TYPE || r.type === KUBE_JOB_TYPE) && createDuration(r)) raw.push(...systemNodeGroups);
    const preds = new Set(raw.flatMap((u) => customDescendants(u)));
    preds.delete(r.urn);
    graph.set(r.urn, preds);
  }
  return graph;
}

/** The longest chain by `weight` (minutes; undefined: takes no time worth modelling). */
function longestChain(resources: readonly GraphResource[], graph: Map<string, Set<string>>, weight: (r: GraphResource) => number): string[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visiting = new Set<string>();
  const visit = (urn: string): number => {
    const known = finish.get(urn);
    if (known !== undefined) return known;
    if (visiting.has(urn)) return 0; // a cycle cannot happen in a Pulumi program; never loop on one
    visiting.add(urn);
    let best = 0;
    let bestPred: string | undefined;
    for (const p of [...(graph.get(urn) ?? [])].sort()) {
      const f = visit(p);
      if (f > best) [best, bestPred] = [f, p];
    }
    visiting.delete(urn);
    const r = byUrn.get(urn);
    const total = best + (r ? weight(r) : 0);
    finish.set(urn, total);
    via.set(urn, bestPred);
    return total;
  };
  let end: string | undefined;
  let longest = 0;
  for (const urn of [...graph.keys()].sort()) {
    const f = visit(urn);
    if (f > longest) [longest, end] = [f, urn];
  }
  const chain: string[] = [];
  for (let u = end; u; u = via.get(u)) chain.unshift(u);
  return chain;
}

/**
 * The critical path of the resources `duration` times (a fresh `pulumi up`: every resource; a
 * change: only what it creates or replaces).
 */
export function criticalPath(resources: readonly GraphResource[], duration: (r: GraphResource) => StepDuration | undefined = createDuration): CriticalPath {
  const graph = predecessors(resources);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const stepsOf = (chain: string[]): PathStep[] =>
    chain.flatMap((urn) => {
      const r = byUrn.get(urn)!;
      const d = duration(r);
      return d && d.minutes > 0 ? [{ urn, type: r.type, name: r.name, duration: d }] : [];
    });
  const typical = stepsOf(longestChain(resources, graph, (r) => duration(r)?.minutes ?? 0));
  const worst = stepsOf(longestChain(resources, graph, (r) => { const d = duration(r); return d ? (d.maxMinutes ?? d.minutes) : 0; }));
  const sum = (steps: PathStep[], f: (d: StepDuration) => number) => steps.reduce((t, s) => t + f(s.duration), 0);
  return {
    steps: typical,
    minutes: sum(typical, (d) => d.minutes),
    maxMinutes: sum(typical, (d) => d.maxMinutes ?? d.minutes),
    worstCase: { steps: worst, maxMinutes: sum(worst, (d) => d.maxMinutes ?? d.minutes) },
  };
}

/** "27 min", "6 h 40 min". */
export function formatMinutes(minutes: number): string {
  const rounded = Math.round(minutes);
  if (rounded < 60) return `${rounded} min`;
  const h = Math.floor(rounded / 60);
  const m = rounded % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
