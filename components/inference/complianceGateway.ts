import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { PlatformSpec } from "../../infra/config/types";
import type { GatewayLibrary } from "../../infra/gateway/libraries";
import {
  disruptionBudgets, embedderDeployment, embedderService, GATEWAY_CONFIG_FILE, gatewayConfig, gatewayDeployment, GatewayEndpoint,
  gatewayName, gatewayNetworkPolicies, gatewayService, gatewayServiceMonitor, LIBRARY_FILE,
} from "../../infra/gateway/manifests";
import { LIBRARY_FILE_ANNOTATION, LIBRARY_HASH_ANNOTATION, LIBRARY_VERSION_ANNOTATION, MANAGED_BY, MANAGED_BY_LABEL } from "../../infra/metadata";
import { withNamespace } from "../k8s/platformNamespace";


export interface ComplianceGatewayArgs {
  spec: PlatformSpec;
  gateway: GatewayEndpoint;
  library: GatewayLibrary;
  /** The gateway image by digest, and TEI's. */
  image: string;
  embedderImage: string;
  /** The team namespace's name output (orders every object after the namespace). */
  namespace: pulumi.Input<string>;
  /** The vLLM Service the gateway calls. */
  endpointService: pulumi.Resource;
  /** What the ServiceMonitor waits for (the release that installs its CRD). */
  monitoring?: pulumi.Resource[];
  provider: k8s.Provider;
}

/**
 * The compliance gateway in front of one inference endpoint (infra/gateway/manifests.ts): its config
 * and library in a ConfigMap (a changed config or library rolls the gateway: the pod template
 * names the ConfigMap, which is named after their hash), the gateway and TEI Deployments on CPU nodes, Services, PodDisruptionBudgets, the gateway's
 * ServiceMonitor, and the NetworkPolicies that leave it the only caller of vLLM and of TEI.
 */
export class ComplianceGateway extends pulumi.ComponentResource {
  public readonly deployment: k8s.apps.v1.Deployment;
  /** `<endpoint>-gateway.<team>.svc:8080`: the address clients call. */
  public readonly address: pulumi.Output<string>;

  constructor(name: string, args: ComplianceGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:inference:ComplianceGateway", name, {}, opts);
    const { gateway, library, provider } = args;
    const parent = { parent: this, provider };
    const inNamespace = <T extends { metadata: object }>(obj: T) => withNamespace(obj, args.namespace);
    const endpoint = gateway.endpoint;

    const configText = stringify(gatewayConfig(gateway));
    // Named after the config and the library together: a change of either is a new ConfigMap, so the Deployment rolls out.
    const configName = `${gatewayName(endpoint.name)}-${createHash("sha256").update(configText).update("\0").update(library.text).digest("hex").slice(0, 10)}`;
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: {
        name: configName,
        namespace: args.namespace,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
        annotations: { [LIBRARY_FILE_ANNOTATION]: library.file, [LIBRARY_VERSION_ANNOTATION]: library.version, [LIBRARY_HASH_ANNOTATION]: library.hash },
      },
      data: { [GATEWAY_CONFIG_FILE]: configText, [LIBRARY_FILE]: library.text },
    }, parent);
    const embedder = new k8s.apps.v1.Deployment(`${name}-embedder`, inNamespace(embedderDeployment(args.spec, gateway, args.embedderImage)) as never, parent);
    const embedderSvc = new k8s.core.v1.Service(`${name}-embedder`, inNamespace(embedderService(gateway)) as k8s.core.v1.ServiceArgs, parent);
    for (const policy of gatewayNetworkPolicies(args.spec, gateway)) {
      new k8s.networking.v1.NetworkPolicy(`${name}-${policy.metadata.name.slice(gatewayName(endpoint.name).length + 1)}`, inNamespace(policy) as never, parent);
    }
    // The gateway reports ready only once the library is embedded: it needs the embedder serving first.
    this.deployment = new k8s.apps.v1.Deployment(name, inNamespace(gatewayDeployment(args.spec, gateway, args.image, configName)) as never, {
      ...parent,
      dependsOn: [config, embedder, embedderSvc, args.endpointService],
    });
    const service = new k8s.core.v1.Service(`${name}-svc`, inNamespace(gatewayService(gateway)) as k8s.core.v1.ServiceArgs, parent);
    for (const budget of disruptionBudgets(gateway)) {
      new k8s.policy.v1.PodDisruptionBudget(`${name}-${budget.metadata.name.slice(endpoint.name.length + 1)}-pdb`, inNamespace(budget) as k8s.policy.v1.PodDisruptionBudgetArgs, parent);
    }
    new k8s.apiextensions.CustomResource(`${name}-metrics`, gatewayServiceMonitor(args.spec, gateway) as k8s.apiextensions.CustomResourceArgs, { ...parent, dependsOn: [service, ...(args.monitoring ?? [])] });
    this.address = pulumi.interpolate`${gatewayName(endpoint.name)}.${args.namespace}.svc:${gatewayService(gateway).spec.ports[0].port}`;
    this.registerOutputs({ address: this.address });
  }
}
