import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PIPELINES_NAMESPACE, pipelinesKustomizations } from "../../infra/pipelines/manifests";
import { PLATFORM_NAMESPACES } from "../../infra/security/namespaces";
import { NamespaceNetwork, platformNamespace } from "../k8s/platformNamespace";

export interface PipelinesArgs {
  /** Local directory of Kubeflow Pipelines' manifests/kustomize at the pinned release. */
  manifestsDir: string;
  /** Where the control plane and Prometheus reach the namespace from (its NetworkPolicies). */
  network: NamespaceNetwork;
  provider: k8s.Provider;
}

/**
 * Kubeflow Pipelines standalone, for the visual pipeline UI: upstream's two kustomizations rendered
 * on the deployer (see infra/pipelines/manifests.ts), the cluster-scoped resources first, so CRDs
 * exist before the objects that use them. Reached only inside the cluster (the UI Service is
 * ClusterIP; `kubectl -n kubeflow port-forward svc/ml-pipeline-ui 8080:80`).
 */
export class Pipelines extends pulumi.ComponentResource {
  public readonly kustomizations: k8s.kustomize.v2.Directory[] = [];

  constructor(name: string, args: PipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:pipelines:Pipelines", name, { manifestsDir: args.manifestsDir, namespace: PIPELINES_NAMESPACE }, opts);
    let previous: pulumi.Resource | undefined;
    for (const k of pipelinesKustomizations(args.manifestsDir)) {
      const directory: k8s.kustomize.v2.Directory = new k8s.kustomize.v2.Directory(`${name}-${k.name}`, { directory: k.directory }, {
        parent: this,
        provider: args.provider,
        ...(previous ? { dependsOn: [previous] } : {}),
      });
      this.kustomizations.push(directory);
      previous = directory;
      if (this.kustomizations.length === 1) {
        // The cluster-scoped kustomization creates the namespace: label it and fence it in before the rest.
        previous = platformNamespace(`${name}-namespace`, PLATFORM_NAMESPACES[PIPELINES_NAMESPACE], args.network, args.provider, this, { existing: true, dependsOn: [directory] });
      }
    }
    this.registerOutputs({});
  }
}
