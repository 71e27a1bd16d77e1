import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../../infra/metadata";
import { PlatformNamespace } from "../../infra/security/namespaces";
import { platformNetworkPolicies } from "../../infra/security/networkPolicies";
import { podSecurityLabels } from "../../infra/security/podSecurity";

/** Where the control plane and Prometheus reach a platform namespace from. */
export interface NamespaceNetwork {
  /** The API server's source addresses for webhooks: the VPC on AWS (its ENIs share the nodes' subnets). */
  readonly controlPlaneCidrs: readonly string[];
  readonly monitoringNamespace: string;
}

/**
 * A namespace the platform owns: Pod Security labels at its level (warn and audit at restricted),
 * and NetworkPolicies denying ingress but from its own pods, Prometheus and the control plane's
 * webhook calls. `existing`: the namespace is created by someone else (a kustomization): patch its labels.
 */
export function platformNamespace(name: string, entry: PlatformNamespace, network: NamespaceNetwork, provider: k8s.Provider, parent: pulumi.Resource, options: { existing?: boolean; dependsOn?: pulumi.Resource[] } = {}): pulumi.CustomResource {
  const labels = { [MANAGED_BY_LABEL]: MANAGED_BY, ...podSecurityLabels(entry.level) };
  const opts = { parent, provider, ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}) };
  const namespace = options.existing
    ? new k8s.core.v1.NamespacePatch(name, { metadata: { name: entry.name, labels } }, opts)
    : new k8s.core.v1.Namespace(name, { metadata: { name: entry.name, labels } }, opts);
  const access = { namespace: entry.name, controlPlanePorts: entry.controlPlanePorts, ...(entry.clients ? { clients: entry.clients } : {}) };
  for (const policy of platformNetworkPolicies(access, network.monitoringNamespace, network.controlPlaneCidrs)) {
    new k8s.networking.v1.NetworkPolicy(`${name}-${policy.metadata.name}`, policy as never, { parent, provider, dependsOn: [namespace] });
  }
  return namespace;
}

/** The namespace's name as an Output that carries the dependency on it (objects given it wait for the namespace). */
export const nameAfter = (namespace: pulumi.CustomResource, name: string): pulumi.Output<string> => namespace.urn.apply(() => name);

/** A manifest placed in a namespace given as an Output (so the object waits for that namespace). */
export const withNamespace = <T extends { metadata: object }>(obj: T, namespace: pulumi.Input<string>) => ({ ...obj, metadata: { ...obj.metadata, namespace } });
