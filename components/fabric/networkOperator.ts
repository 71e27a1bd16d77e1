import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExistingNodePoolSpec } from "../../infra/config/types";
import { networkOperatorValues, nicClusterPolicySpec } from "../../infra/fabric/networkOperatorValues";
import { CHARTS } from "../../infra/versions";
import { NETWORK_OPERATOR_NAMESPACE, PLATFORM_NAMESPACES } from "../../infra/security/namespaces";
import { pinnedRelease } from "../k8s/pinnedRelease";
import { NamespaceNetwork, platformNamespace } from "../k8s/platformNamespace";



export interface NetworkOperatorArgs {
  /** The on-prem pools whose fabric is InfiniBand. */
  infinibandPools: readonly ExistingNodePoolSpec[];
  /** Where the control plane and Prometheus reach the namespace from (its NetworkPolicies). */
  network: NamespaceNetwork;
  /** The cluster's Kubernetes provider. */
  provider: k8s.Provider;
}

/**
 * The NVIDIA Network Operator and a NicClusterPolicy running the RDMA shared device plugin on the
 * InfiniBand pools, which advertises the RDMA resource training pods request.
 */
export class NetworkOperator extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly nicClusterPolicy: k8s.apiextensions.CustomResource;

  constructor(name: string, args: NetworkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:fabric:NetworkOperator", name, {}, opts);
    if (args.infinibandPools.length === 0) throw new Error(`NetworkOperator ${name}: no infiniband pool to serve (infinibandPools is empty)`);
    const namespace = platformNamespace(name, PLATFORM_NAMESPACES[NETWORK_OPERATOR_NAMESPACE], args.network, args.provider, this);
    this.release = pinnedRelease(name, { releaseName: "network-operator", chart: CHARTS.networkOperator, namespace: NETWORK_OPERATOR_NAMESPACE, values: networkOperatorValues(), provider: args.provider }, this, { dependsOn: [namespace] });
    // The chart installs the NicClusterPolicy CRD, so the policy waits for the release.
    this.nicClusterPolicy = new k8s.apiextensions.CustomResource(`${name}-nic-cluster-policy`, {
      apiVersion: "mellanox.com/v1alpha1",
      kind: "NicClusterPolicy",
      metadata: { name: "nic-cluster-policy" },
      spec: nicClusterPolicySpec(args.infinibandPools),
    }, { parent: this, provider: args.provider, dependsOn: [this.release] });
    this.registerOutputs({ status: this.release.status });
  }
}
