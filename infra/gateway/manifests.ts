/**
 * The compliance gateway in front of an inference endpoint, as plain manifests (pure): the gateway
 * (gateway/, built from gateway/Dockerfile, pulled by digest), the Text Embeddings Inference server
 * it embeds with (on CPU, the model from the team's shared volume: no hub at run time), their
 * Services and PodDisruptionBudgets, the gateway's ServiceMonitor, and the NetworkPolicies that make
 * the gateway the only caller of the vLLM endpoint and of the embedder.
 */
import type { InferenceEndpointSpec, GatewaySpec, PlatformSpec } from "../config/types";
import { MANAGED_BY, MANAGED_BY_LABEL } from "../metadata";
import { namespaceNamed } from "../k8s/labelSelector";
import { networkPolicy } from "../security/networkPolicies";
import { monitoringNamespace, monitorLabels } from "../monitoring/prometheus";
import { poolNodeSelector } from "../nodes/labels";
import { SHARED_DATA_CLAIM } from "../storage/values";
import { DATA_ROOT } from "../data/tokenise";
import { PLATFORM_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext, SERVICE_UID } from "../security/podSecurity";
import { EndpointPlan, vllmName } from "../inference/endpoints";
import { selectorLabels as vllmSelectorLabels, MONITORING_API } from "../inference/manifests";
import { VLLM_PORT } from "../inference/vllmServer";

/** The port the gateway listens on (its config's listen.port; gateway/Dockerfile EXPOSE 8080). */
export const GATEWAY_PORT = 8080;
/** TEI's port: its image listens on 80 (Dockerfile ENV PORT=80), which a non-root process cannot bind; `--port` moves it. */
const EMBEDDER_PORT = 8080;
const CONFIG_DIR = "/etc/gateway";
/** Where embedded libraries are cached: an emptyDir survives container restarts, so a crash does not re-embed. */
const CACHE_DIR = "/var/cache/gateway";
/** Where the embedder sees its model: the shared volume's path under DATA_ROOT, as in every data and training pod. */
const MODEL_ROOT = DATA_ROOT;

export const gatewayName = (endpoint: string) => `${endpoint}-gateway`;
export const embedderName = (endpoint: string) => `${endpoint}-embedder`;

function gatewayLabels(endpoint: string): Record<string, string> {
  return { "app.kubernetes.io/name": "llm-gateway", "app.kubernetes.io/instance": gatewayName(endpoint), [GATEWAY_FOR_LABEL]: endpoint };
}
function embedderLabels(endpoint: string): Record<string, string> {
  return { "app.kubernetes.io/name": "text-embeddings-inference", "app.kubernetes.io/instance": embedderName(endpoint), [GATEWAY_FOR_LABEL]: endpoint };
}
/** On the gateway's and the embedder's objects: the endpoint they serve (not ENDPOINT_LABEL, which selects vLLM pods). */
const GATEWAY_FOR_LABEL = "llm-platform/gateway-for";

export interface GatewayEndpoint {
  readonly endpoint: InferenceEndpointSpec & { readonly gateway: GatewaySpec };
  readonly plan: EndpointPlan;
}

/** The gateway's longest upstream timeout (gateway/config.ts accepts 1–600000 ms). */
const MAX_UPSTREAM_TIMEOUT_MS = 600_000;

/** The upstream timeout: configured, or a request waiting behind one full batch and then its own longest reply, 10 s to 10 min. */
function upstreamTimeoutMs(plan: EndpointPlan, gateway: GatewaySpec): number {
  return gateway.upstreamTimeoutMs ?? Math.min(MAX_UPSTREAM_TIMEOUT_MS, Math.max(10_000, Math.ceil(2 * plan.drain.longestReplySeconds * 1000)));
}

/** The gateway's config file (gateway/config.ts): the vLLM Service, the embedder, the library mounted next to it. */
export function gatewayConfig({ endpoint, plan }: GatewayEndpoint) {
  const team = endpoint.team;
  return {
    listen: { port: GATEWAY_PORT },
    upstream: {
      baseUrl: `http://${vllmName(endpoint.name)}.${team}.svc:${VLLM_PORT}/v1`,
      // vLLM serves the model under --served-model-name (infra/inference/vllmServer.ts).
      model: endpoint.model.name,
      timeoutMs: upstreamTimeoutMs(plan, endpoint.gateway),
      // The same cap vLLM enforces: a reply the gateway asks for is never cut by the server.
      maxTokens: endpoint.maxOutputTokens,
    },
    embeddings: { baseUrl: `http://${embedderName(endpoint.name)}.${team}.svc:${EMBEDDER_PORT}/v1`, model: embeddingModelName(endpoint.gateway), cacheDir: CACHE_DIR },
    library: LIBRARY_FILE,
  };
}
export const GATEWAY_CONFIG_FILE = "gateway.yaml";
export const LIBRARY_FILE = "library.yaml";
/** The embedding model's name: its directory's last segment (e.g. bge-small-zh-v1.5); part of the embedded-library cache key. */
const embeddingModelName = (gateway: GatewaySpec) => gateway.embeddingModel.split("/").pop()!;

/** Where the gateway and the embedder run: the system pool on AWS (CPU nodes); any untainted node on an existing cluster. */
function cpuNodeSelector(spec: Pick<PlatformSpec, "nodePools">): Record<string, string> {
  const system = spec.nodePools.find((p) => p.purpose === "system");
  return system ? poolNodeSelector(system) : {};
}

const spread = (labels: Record<string, string>) => [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }];

/**
 * A CPU service of the gateway (the gateway, its embedder): replicas spread over nodes, on CPU nodes,
 * as SERVICE_UID with a read-only root and no capabilities, no service-account token, requests equal
 * to limits, probes on its `http` port.
 */
function cpuServiceDeployment(spec: Pick<PlatformSpec, "nodePools">, endpoint: GatewayEndpoint["endpoint"], service: {
  name: string;
  labels: Record<string, string>;
  port: number;
  resources: { cpu: string; memory: string };
  probes: { startup: [string, number, number]; readiness: [string, number, number]; liveness: [string, number, number] };
  pod: Record<string, unknown>;
  container: Record<string, unknown>;
}) {
  const probe = ([path, periodSeconds, failureThreshold]: [string, number, number]) => ({ httpGet: { path, port: "http" }, periodSeconds, failureThreshold, timeoutSeconds: 2 });
  const { labels, resources } = service;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: service.name, namespace: endpoint.team, labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY } },
    spec: {
      replicas: endpoint.gateway.replicas,
      selector: { matchLabels: labels },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          nodeSelector: cpuNodeSelector(spec),
          topologySpreadConstraints: spread(labels),
          securityContext: restrictedPodSecurityContext(SERVICE_UID),
          ...service.pod,
          containers: [{
            ...service.container,
            ports: [{ name: "http", containerPort: service.port, protocol: "TCP" }],
            resources: { requests: resources, limits: resources },
            startupProbe: probe(service.probes.startup),
            readinessProbe: probe(service.probes.readiness),
            livenessProbe: probe(service.probes.liveness),
            securityContext: restrictedContainerSecurityContext([], { readOnlyRootFilesystem: true, uid: SERVICE_UID }),
          }],
        },
      },
    },
  };
}

export function gatewayDeployment(spec: Pick<PlatformSpec, "nodePools">, { endpoint }: GatewayEndpoint, image: string, configName: string) {
  return cpuServiceDeployment(spec, endpoint, {
    name: gatewayName(endpoint.name),
    labels: gatewayLabels(endpoint.name),
    port: GATEWAY_PORT,
    resources: { cpu: "1", memory: "1Gi" },
    // /readyz answers 200 only once the library is embedded and indexed.
    probes: { startup: ["/healthz", 5, 24], readiness: ["/readyz", 5, 3], liveness: ["/healthz", 10, 3] },
    pod: {
      // In-flight replies finish after the pod leaves the Service (the gateway drains on SIGTERM).
      terminationGracePeriodSeconds: 60,
      volumes: [{ name: "config", configMap: { name: configName } }, { name: "cache", emptyDir: { sizeLimit: "1Gi" } }],
    },
    container: {
      name: "gateway",
      image,
      args: ["--config", `${CONFIG_DIR}/${GATEWAY_CONFIG_FILE}`],
      volumeMounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }, { name: "cache", mountPath: CACHE_DIR }],
    },
  });
}

export function embedderDeployment(spec: Pick<PlatformSpec, "nodePools">, { endpoint }: GatewayEndpoint, image: string) {
  // A small embedding model (bge-small-zh-v1.5: 24 M parameters, 512 dimensions) on CPU.
  const resources = { cpu: "2", memory: "2Gi" };
  const model = endpoint.gateway.embeddingModel;
  return cpuServiceDeployment(spec, endpoint, {
    name: embedderName(endpoint.name),
    labels: embedderLabels(endpoint.name),
    port: EMBEDDER_PORT,
    resources,
    probes: { startup: ["/health", 5, 60], readiness: ["/health", 5, 3], liveness: ["/health", 10, 3] },
    pod: {
      // The model sits in the team's tree (0770, group PLATFORM_UID: infra/storage/teamDirectories.ts): read it as a member of that group.
      securityContext: { ...restrictedPodSecurityContext(SERVICE_UID), supplementalGroups: [PLATFORM_UID] },
      volumes: [{ name: "shared", persistentVolumeClaim: { claimName: SHARED_DATA_CLAIM, readOnly: true } }, { name: "tmp", emptyDir: { sizeLimit: "1Gi" } }],
    },
    container: {
      name: "tei",
      image,
      // text-embeddings-router: a local model directory for --model-id loads without the hub.
      // --hostname: TEI reads HOSTNAME (the pod's name) as its bind address otherwise (router/src/main.rs, v1.8).
      args: ["--model-id", `${MODEL_ROOT}/${model}`, "--hostname", "0.0.0.0", "--port", String(EMBEDDER_PORT), "--json-output"],
      env: [
        { name: "HF_HUB_OFFLINE", value: "1" },
        // It writes only under /tmp (an emptyDir): the root filesystem stays read-only.
        { name: "HF_HOME", value: "/tmp/hf" },
        { name: "HUGGINGFACE_HUB_CACHE", value: "/tmp/hf" },
        // The CPU image sets RAYON_NUM_THREADS=8; as many threads as the CPU limit, or they are throttled.
        { name: "RAYON_NUM_THREADS", value: resources.cpu },
      ],
      volumeMounts: [
        { name: "shared", mountPath: `${MODEL_ROOT}/${model}`, subPath: model, readOnly: true },
        { name: "tmp", mountPath: "/tmp" },
      ],
    },
  });
}

function service(name: string, namespace: string, labels: Record<string, string>, port: number) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY } },
    spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
  };
}
export const gatewayService = ({ endpoint }: GatewayEndpoint) => service(gatewayName(endpoint.name), endpoint.team, gatewayLabels(endpoint.name), GATEWAY_PORT);
export const embedderService = ({ endpoint }: GatewayEndpoint) => service(embedderName(endpoint.name), endpoint.team, embedderLabels(endpoint.name), EMBEDDER_PORT);

/** Drains take one gateway (one embedder) at a time; with one replica configured, a drain may take it. */
export function disruptionBudgets({ endpoint }: GatewayEndpoint) {
  return [gatewayLabels(endpoint.name), embedderLabels(endpoint.name)].map((labels) => ({
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: labels["app.kubernetes.io/instance"], namespace: endpoint.team, labels },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  }));
}

/** The gateway's /metrics (decisions, fallbacks, latencies, library version) for the stack's Prometheus. */
export function gatewayServiceMonitor(spec: Pick<PlatformSpec, "monitoring">, { endpoint }: GatewayEndpoint) {
  const labels = gatewayLabels(endpoint.name);
  return {
    apiVersion: MONITORING_API,
    kind: "ServiceMonitor",
    metadata: { name: gatewayName(endpoint.name), namespace: monitoringNamespace(spec), labels: { ...labels, ...monitorLabels(spec) } },
    spec: { selector: { matchLabels: labels }, namespaceSelector: { matchNames: [endpoint.team] }, endpoints: [{ port: "http", path: "/metrics", interval: "15s" }] },
  };
}

/**
 * On top of the team namespace's default deny: the gateway is the only pod that reaches the vLLM
 * endpoint and the embedder; the gateway is reached by the configured client namespaces and by
 * Prometheus. (Prometheus also reaches vLLM's port for its metrics: a NetworkPolicy cannot tell
 * /metrics from /v1 on one port; the team namespace's allow-endpoint-metrics.)
 */
export function gatewayNetworkPolicies(spec: Pick<PlatformSpec, "monitoring">, { endpoint }: GatewayEndpoint) {
  const gateway = gatewayLabels(endpoint.name);
  const embedder = embedderLabels(endpoint.name);
  const vllm = vllmSelectorLabels(endpoint.name);
  const policy = (suffix: string, body: Record<string, unknown>) => networkPolicy(endpoint.team, `${gatewayName(endpoint.name)}-${suffix}`, body);
  const tcp = (port: number) => [{ protocol: "TCP", port }];
  return [
    policy("to-vllm", { podSelector: { matchLabels: vllm }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: gateway } }], ports: tcp(VLLM_PORT) }] }),
    policy("to-embedder", { podSelector: { matchLabels: embedder }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: gateway } }], ports: tcp(EMBEDDER_PORT) }] }),
    policy("clients", {
      podSelector: { matchLabels: gateway },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{
        from: [...endpoint.gateway.clientNamespaces, monitoringNamespace(spec)].map((ns) => ({ namespaceSelector: namespaceNamed(ns) })),
        ports: tcp(GATEWAY_PORT),
      }],
      egress: [{ to: [{ podSelector: { matchLabels: vllm } }], ports: tcp(VLLM_PORT) }, { to: [{ podSelector: { matchLabels: embedder } }], ports: tcp(EMBEDDER_PORT) }],
    }),
  ];
}
