import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_NAMESPACES, SYSTEM_NAMESPACE } from "../../infra/security/namespaces";
import { nameAfter, NamespaceNetwork, platformNamespace } from "./platformNamespace";

export interface SystemNamespaceArgs {
  /** Where the control plane and Prometheus reach the namespace from (its NetworkPolicies). */
  network: NamespaceNetwork;
  /** The cluster's Kubernetes provider. */
  provider: k8s.Provider;
}

/** The platform's own namespace (`llm-platform`): the image ConfigMap, the reclaimer, the team-directories Job. */
export class SystemNamespace extends pulumi.ComponentResource {
  /** The namespace's name, carrying the dependency on the namespace. */
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: SystemNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:k8s:SystemNamespace", name, {}, opts);
    this.name = nameAfter(platformNamespace(name, PLATFORM_NAMESPACES[SYSTEM_NAMESPACE], args.network, args.provider, this), SYSTEM_NAMESPACE);
    this.registerOutputs({ name: this.name });
  }
}
