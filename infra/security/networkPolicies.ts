/**
 * NetworkPolicies (pure): every team and platform namespace denies by default and admits exactly
 * what its workloads need. Enforced by the VPC CNI's network policy agent on EKS
 * (`enableNetworkPolicy`, EKS user guide "Limit pod traffic with Kubernetes network policies"), by
 * the cluster's CNI on-prem. EFA and InfiniBand RDMA bypass the kernel's IP stack and are not
 * filtered by any NetworkPolicy; NCCL's bootstrap and socket traffic over eth0 is.
 */
import { VLLM_PORT } from "../inference/vllmServer";
import { namespaceNamed } from "../k8s/labelSelector";
import { ENDPOINT_LABEL, HUB_ACCESS_LABEL, S3_ACCESS_LABEL } from "../metadata";

const NETWORKING_API = "networking.k8s.io/v1";
/** JobSet labels every pod of a TrainJob with its JobSet's name (kubernetes-sigs/jobset api: JobSetNameKey). */
const JOBSET_NAME_LABEL = "jobset.sigs.k8s.io/jobset-name";
/**
 * The EKS Pod Identity agent's address and credentials port on every node (EKS user guide, "EKS Pod
 * Identity agent": 169.254.170.23, port 80): pods with a Pod Identity association fetch their
 * credentials there, inside the link-local range internet egress excludes.
 */
const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 };
/** Private, link-local and shared ranges: hub egress goes to the internet, never back into the VPC, the node's IMDS or other clusters. */
const NON_INTERNET_CIDRS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

export interface NetworkPolicyObject {
  apiVersion: string;
  kind: "NetworkPolicy";
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

export const networkPolicy = (namespace: string, name: string, spec: Record<string, unknown>): NetworkPolicyObject => ({ apiVersion: NETWORKING_API, kind: "NetworkPolicy", metadata: { name, namespace }, spec });

const dns = { to: [{ namespaceSelector: namespaceNamed("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] };

/**
 * A team namespace: nothing in or out, except DNS; every port between the pods of TrainJobs (the
 * launcher reaches workers' sshd on 2222 and NCCL's bootstrap and socket transport use ephemeral
 * ports, so no narrower port list exists); HTTPS to the internet only for pods labelled as loading
 * from the Hugging Face Hub or streaming weights from S3; Prometheus to the inference endpoints'
 * metrics port. Team pods never call the Kubernetes API (no token is mounted).
 */
export function teamNetworkPolicies(namespace: string, monitoringNamespace: string): NetworkPolicyObject[] {
  const peers = { matchExpressions: [{ key: JOBSET_NAME_LABEL, operator: "Exists" }] };
  const https = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_INTERNET_CIDRS } }], ports: [{ protocol: "TCP", port: 443 }] };
  return [
    networkPolicy(namespace, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    networkPolicy(namespace, "allow-dns", { podSelector: {}, policyTypes: ["Egress"], egress: [dns] }),
    networkPolicy(namespace, "allow-training-peers", {
      podSelector: peers,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: peers }] }],
      egress: [{ to: [{ podSelector: peers }] }],
    }),
    networkPolicy(namespace, "allow-hub-egress", {
      podSelector: { matchLabels: { [HUB_ACCESS_LABEL]: "true" } },
      policyTypes: ["Egress"],
      egress: [https],
    }),
    // vLLM replicas streaming weights from S3: HTTPS out and their credentials from the Pod Identity agent.
    networkPolicy(namespace, "allow-s3-egress", {
      podSelector: { matchLabels: { [S3_ACCESS_LABEL]: "true" } },
      policyTypes: ["Egress"],
      egress: [https, { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }] }],
    }),
    // Prometheus scrapes the inference endpoints' vLLM metrics (their ServiceMonitors).
    networkPolicy(namespace, "allow-endpoint-metrics", {
      podSelector: { matchExpressions: [{ key: ENDPOINT_LABEL, operator: "Exists" }] },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: namespaceNamed(monitoringNamespace) }], ports: [{ protocol: "TCP", port: VLLM_PORT }] }],
    }),
  ];
}

/** What reaches a platform namespace's controllers, besides its own pods and Prometheus: webhooks and aggregated APIs. */
export interface PlatformNamespaceAccess {
  readonly namespace: string;
  /** Ports (numbers or container port names) the API server calls (admission webhooks, aggregated APIs). */
  readonly controlPlanePorts: readonly (number | string)[];
  /** Other namespaces whose pods call its services, and on which ports. */
  readonly clients?: { readonly namespaces: readonly string[]; readonly ports: readonly number[] };
}

/**
 * A platform namespace: ingress denied except from its own pods, the monitoring namespace (metrics)
 * and the control plane on the ports it calls. The control plane reaches webhooks from its
 * cross-account ENIs inside the cluster's subnets, which share the nodes' address range, so it is
 * admitted by address block (`controlPlaneCidrs`: the VPC on AWS). Egress stays open: controllers
 * call the API server and cloud APIs whose addresses are not fixed.
 */
export function platformNetworkPolicies(access: PlatformNamespaceAccess, monitoringNamespace: string, controlPlaneCidrs: readonly string[]): NetworkPolicyObject[] {
  const { namespace } = access;
  return [
    networkPolicy(namespace, "default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }),
    networkPolicy(namespace, "allow-same-namespace", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] }),
    networkPolicy(namespace, "allow-monitoring", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: namespaceNamed(monitoringNamespace) }] }] }),
    ...(access.controlPlanePorts.length > 0
      ? [networkPolicy(namespace, "allow-control-plane", {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [{ from: controlPlaneCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: access.controlPlanePorts.map((port) => ({ protocol: "TCP", port })) }],
        })]
      : []),
    ...(access.clients
      ? [networkPolicy(namespace, "allow-clients", {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [{ from: access.clients.namespaces.map((ns) => ({ namespaceSelector: namespaceNamed(ns) })), ports: access.clients.ports.map((port) => ({ protocol: "TCP", port })) }],
        })]
      : []),
  ];
}

/**
 * Where the control plane's webhook calls come from. EKS: its ENIs sit in the cluster's subnets, so
 * the VPC block. An existing cluster's API server addresses are not known to the platform: any source,
 * on the webhook ports only (the webhook servers still authenticate the API server over TLS).
 */
export function controlPlaneCidrs(spec: { target: string; network?: { vpcCidr: string } }): string[] {
  return spec.target === "aws" && spec.network ? [spec.network.vpcCidr] : ["0.0.0.0/0"];
}
