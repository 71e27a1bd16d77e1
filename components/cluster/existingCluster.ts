import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ExistingClusterArgs {
  /** The cluster's kubeconfig, from the secret config key `llm-platform:kubeconfig`. */
  kubeconfig: pulumi.Input<string>;
}

/**
 * An existing Kubernetes cluster (on-prem GPU servers) reached through a kubeconfig held as a
 * secret. Creates no cloud resource; exposes the same Kubernetes provider the AWS path does.
 */
export class ExistingCluster extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:cluster:ExistingCluster", name, {}, opts);
    // pulumi.secret keeps the kubeconfig encrypted in state even if a caller passes plain text.
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: pulumi.secret(args.kubeconfig) }, { parent: this });
    this.registerOutputs({});
  }
}
