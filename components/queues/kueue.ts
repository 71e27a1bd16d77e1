import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { clusterQueue, CPU_FLAVOR, cpuFlavor, DEFAULT_LOCAL_QUEUE, KUEUE_NAMESPACE, KUEUE_RELEASE, kueueValues, localQueue, resourceFlavor, workloadPriorityClasses } from "../../infra/queues/kueue";
import { PLATFORM_NAMESPACES } from "../../infra/security/namespaces";
import { NamespaceNetwork, platformNamespace } from "../k8s/platformNamespace";
import { trainingGpuPools } from "../../infra/queues/pools";
import { CHARTS } from "../../infra/versions";
import { pinnedRelease } from "../k8s/pinnedRelease";




export interface KueueArgs {
  spec: PlatformSpec;
  teamNamespaces: Record<string, pulumi.Input<string>>;
  /** Where the control plane and Prometheus reach the namespace from (its NetworkPolicies). */
  network: NamespaceNetwork;
  provider: k8s.Provider;
}

/** Kueue with a flavor per GPU pool, a ClusterQueue per team in one cohort, LocalQueues and priorities. */
export class Kueue extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly localQueues: Record<string, k8s.apiextensions.CustomResource> = {};

  constructor(name: string, args: KueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:queues:Kueue", name, {}, opts);
    const provider = args.provider;
    const namespace = platformNamespace(name, PLATFORM_NAMESPACES[KUEUE_NAMESPACE], args.network, provider, this);
    this.release = pinnedRelease(name, { releaseName: KUEUE_RELEASE, chart: CHARTS.kueue, namespace: KUEUE_NAMESPACE, values: kueueValues(args.spec), provider }, this, { dependsOn: [namespace] });
    const after = { parent: this, provider, dependsOn: [this.release] };
    const custom = (resourceName: string, obj: { apiVersion: string; kind: string; metadata: object }, extra: pulumi.CustomResourceOptions = {}) =>
      new k8s.apiextensions.CustomResource(resourceName, obj as k8s.apiextensions.CustomResourceArgs, { ...after, ...extra });
    const flavors = [custom(`${name}-flavor-${CPU_FLAVOR}`, cpuFlavor(args.spec)), ...trainingGpuPools(args.spec).map((pool) => custom(`${name}-flavor-${pool.name}`, resourceFlavor(pool)))];
    for (const priority of workloadPriorityClasses()) custom(`${name}-priority-${priority.metadata.name}`, priority);
    for (const team of args.spec.teams) {
      const queue = custom(`${name}-cq-${team.name}`, clusterQueue(args.spec, team), { dependsOn: [this.release, ...flavors] });
      const lq = localQueue(team.name);
      this.localQueues[team.name] = custom(`${name}-lq-${team.name}`, { ...lq, metadata: { ...lq.metadata, namespace: args.teamNamespaces[team.name] as never } }, { dependsOn: [queue] });
      // Jobs that name no queue land here (Kueue manages every job in team namespaces).
      const fallback = localQueue(team.name, DEFAULT_LOCAL_QUEUE);
      custom(`${name}-lq-${team.name}-default`, { ...fallback, metadata: { ...fallback.metadata, namespace: args.teamNamespaces[team.name] as never } }, { dependsOn: [queue] });
    }
    this.registerOutputs({});
  }
}
