import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../../infra/versions";
import { kubeflowTrainerValues } from "../../infra/training/trainerValues";
import { pinnedRelease } from "../k8s/pinnedRelease";

import { TRAINER_NAMESPACE } from "../../infra/k8s/namespaces";
export { TRAINER_NAMESPACE } from "../../infra/k8s/namespaces";

export interface KubeflowTrainerArgs {
  provider: k8s.Provider;
}

/** Kubeflow Trainer v2 (TrainJob, ClusterTrainingRuntime) with its JobSet dependency. */
export class KubeflowTrainer extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KubeflowTrainerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:training:KubeflowTrainer", name, {}, opts);
    const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: TRAINER_NAMESPACE } }, { parent: this, provider: args.provider });
    this.release = pinnedRelease(name, { releaseName: "kubeflow-trainer", chart: CHARTS.kubeflowTrainer, namespace: namespace.metadata.name, values: kubeflowTrainerValues(), provider: args.provider }, this);
    this.registerOutputs({ status: this.release.status });
  }
}
