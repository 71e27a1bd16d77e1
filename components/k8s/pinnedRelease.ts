import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartPin } from "../../infra/versions";

export interface PinnedReleaseArgs {
  /** Helm release name in the cluster. */
  releaseName: string;
  /** The chart and version from infra/versions.ts. */
  chart: ChartPin;
  namespace: pulumi.Input<string>;
  values: Record<string, unknown>;
  provider: k8s.Provider;
}

/** A Helm release of a pinned chart (a real resource whose values the plan records and tests assert). */
export function pinnedRelease(name: string, args: PinnedReleaseArgs, parent: pulumi.Resource, opts: pulumi.CustomResourceOptions = {}): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(name, {
    name: args.releaseName,
    chart: args.chart.chart,
    version: args.chart.version,
    // OCI charts carry their registry in the chart reference; classic ones name their repository.
    ...(args.chart.repo ? { repositoryOpts: { repo: args.chart.repo } } : {}),
    namespace: args.namespace,
    values: args.values,
  }, { ...opts, parent, provider: args.provider });
}
