import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../../infra/metadata";

export interface SystemNamespaceArgs {
  /** Namespace name. */
  name: string;
  /** Pod Security Admission level enforced in the namespace. */
  podSecurity: "privileged" | "baseline" | "restricted";
  /** The cluster's Kubernetes provider. */
  provider: k8s.Provider;
}

/** A platform-owned namespace with Pod Security Admission labels. */
export class SystemNamespace extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: SystemNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:k8s:SystemNamespace", name, {}, opts);
    this.namespace = new k8s.core.v1.Namespace(name, {
      metadata: {
        name: args.name,
        labels: {
          [MANAGED_BY_LABEL]: MANAGED_BY,
          "pod-security.kubernetes.io/enforce": args.podSecurity,
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    }, { parent: this, provider: args.provider });
    this.registerOutputs({ name: this.namespace.metadata.name });
  }
}
