import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../../infra/versions";
import { kubeflowTrainerValues } from "../../infra/training/trainerValues";
import { PLATFORM_NAMESPACES, TRAINER_NAMESPACE } from "../../infra/security/namespaces";
import { pinnedRelease } from "../k8s/pinnedRelease";
import { NamespaceNetwork, platformNamespace } from "../k8s/platformNamespace";



export interface KubeflowTrainerArgs {
  /** Where the control plane and Prometheus reach the namespace from (its NetworkPolicies). */
  network: NamespaceNetwork;
  provider: k8s.Provider;
}

/** Kubeflow Trainer v2 (TrainJob, ClusterTrainingRuntime) with its JobSet dependency. */
export class KubeflowTrainer extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KubeflowTrainerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:training:KubeflowTrainer", name, {}, opts);
    const namespace = platformNamespace(name, PLATFORM_NAMESPACES[TRAINER_NAMESPACE], args.network, args.provider, this);
    this.release = pinnedRelease(name, { releaseName: "kubeflow-trainer", chart: CHARTS.kubeflowTrainer, namespace: TRAINER_NAMESPACE, values: kubeflowTrainerValues(), provider: args.provider }, this, { dependsOn: [namespace] });
    this.registerOutputs({ status: this.release.status });
  }
}
