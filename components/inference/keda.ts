import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KEDA_NAMESPACE, kedaValues } from "../../infra/inference/autoscaling";
import { CHARTS } from "../../infra/versions";
import { pinnedRelease } from "../k8s/pinnedRelease";
import { PLATFORM_NAMESPACES } from "../../infra/security/namespaces";
import { NamespaceNetwork, platformNamespace } from "../k8s/platformNamespace";

export interface KedaArgs {
  /** Labels of the system pool (AWS), where KEDA's controllers run; empty on an existing cluster. */
  systemNodeSelector: Record<string, string>;
  /** Where the control plane and Prometheus reach the namespace from (its NetworkPolicies). */
  network: NamespaceNetwork;
  provider: k8s.Provider;
}

/** KEDA (operator, metrics API server, admission webhooks) with its CRDs: installed once per stack that serves. */
export class Keda extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KedaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:inference:Keda", name, {}, opts);
    const namespace = platformNamespace(name, PLATFORM_NAMESPACES[KEDA_NAMESPACE], args.network, args.provider, this);
    this.release = pinnedRelease(name, { releaseName: "keda", chart: CHARTS.keda, namespace: KEDA_NAMESPACE, values: kedaValues(args.systemNodeSelector), provider: args.provider }, this, { dependsOn: [namespace] });
    this.registerOutputs({ status: this.release.status });
  }
}
