import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { efaDevicePluginValues } from "../../infra/fabric/efaPluginValues";
import { CHARTS } from "../../infra/versions";
import { pinnedRelease } from "../k8s/pinnedRelease";

export interface EfaDevicePluginArgs {
  /** The cluster's Kubernetes provider. */
  provider: k8s.Provider;
}

/** The AWS EFA device plugin (advertises `vpc.amazonaws.com/efa`), on EFA pools only. */
export class EfaDevicePlugin extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: EfaDevicePluginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:fabric:EfaDevicePlugin", name, {}, opts);
    this.release = pinnedRelease(name, { releaseName: "aws-efa-k8s-device-plugin", chart: CHARTS.efaDevicePlugin, namespace: "kube-system", values: efaDevicePluginValues(), provider: args.provider }, this);
    this.registerOutputs({ status: this.release.status });
  }
}
