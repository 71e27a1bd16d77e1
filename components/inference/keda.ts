import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KEDA_NAMESPACE, kedaValues } from "../../infra/inference/autoscaling";
import { CHARTS } from "../../infra/versions";
import { pinnedRelease } from "../k8s/pinnedRelease";

export interface KedaArgs {
  /** Labels of the system pool (AWS), where KEDA's controllers run; empty on an existing cluster. */
  systemNodeSelector: Record<string, string>;
  provider: k8s.Provider;
}

/** KEDA (operator, metrics API server, admission webhooks) with its CRDs: installed once per stack that serves. */
export class Keda extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KedaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:inference:Keda", name, {}, opts);
    const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: KEDA_NAMESPACE } }, { parent: this, provider: args.provider });
    this.release = pinnedRelease(name, { releaseName: "keda", chart: CHARTS.keda, namespace: namespace.metadata.name, values: kedaValues(args.systemNodeSelector), provider: args.provider }, this);
    this.registerOutputs({ status: this.release.status });
  }
}
