import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSpec } from "../../infra/config/types";
import { podIdentityTrust } from "../../infra/iam/podIdentity";
import { scaledObject } from "../../infra/inference/autoscaling";
import { EndpointPlan, vllmName } from "../../infra/inference/endpoints";
import { VLLM_PORT } from "../../infra/inference/vllmServer";
import { vllmDeployment, vllmDisruptionBudget, vllmService, vllmServiceAccount, vllmServiceMonitor } from "../../infra/inference/manifests";
import { withNamespace } from "../k8s/platformNamespace";

export interface S3WeightsAccess {
  /** The cluster's name output (the association belongs to it). */
  clusterName: pulumi.Input<string>;
  /** EKS Pod Identity Agent add-on: associations work only once it runs. */
  podIdentityAgent: pulumi.Resource;
  tags: Record<string, string>;
}

export interface InferenceEndpointArgs {
  spec: PlatformSpec;
  /** The endpoint resolved against the stack (infra/inference/endpoints.ts). */
  plan: EndpointPlan;
  /** The team namespace's name output (orders every object after the namespace). */
  namespace: pulumi.Input<string>;
  /** The KEDA release: its CRDs must exist before the ScaledObject. */
  keda: pulumi.Resource;
  /** Present when the weights stream from S3 on AWS: the pod's read-only access to that prefix. */
  s3Access?: S3WeightsAccess;
  /** What the ServiceMonitor waits for (the monitoring layer's release, which installs its CRD). */
  monitoring?: pulumi.Resource[];
  provider: k8s.Provider;
}

/**
 * One inference endpoint: a vLLM Deployment on its inference pool behind a ClusterIP Service
 * (`<endpoint>-vllm.<team>.svc:8000`), a PodDisruptionBudget, a ServiceMonitor for vLLM's metrics and
 * a KEDA ScaledObject that scales it on queue depth.
 */
export class InferenceEndpoint extends pulumi.ComponentResource {
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;
  /** The address the compliance gateway calls. */
  public readonly address: pulumi.Output<string>;

  constructor(name: string, args: InferenceEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:inference:InferenceEndpoint", name, {}, opts);
    const { plan, provider } = args;
    const inNamespace = <T extends { metadata: object }>(obj: T) => withNamespace(obj, args.namespace);
    const parent = { parent: this, provider };

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, inNamespace(vllmServiceAccount(plan)) as k8s.core.v1.ServiceAccountArgs, parent);
    const identity = args.s3Access && plan.endpoint.weights.kind === "s3" ? this.s3Identity(name, args.s3Access, plan, serviceAccount) : [];

    this.deployment = new k8s.apps.v1.Deployment(name, inNamespace(vllmDeployment(args.spec, plan)) as k8s.apps.v1.DeploymentArgs, {
      ...parent,
      dependsOn: [serviceAccount, ...identity],
      // KEDA's HPA owns the replica count after creation; an update must not reset it.
      ignoreChanges: ["spec.replicas"],
    });
    this.service = new k8s.core.v1.Service(`${name}-svc`, inNamespace(vllmService(plan)) as k8s.core.v1.ServiceArgs, parent);
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, inNamespace(vllmDisruptionBudget(plan)) as k8s.policy.v1.PodDisruptionBudgetArgs, parent);
    new k8s.apiextensions.CustomResource(`${name}-metrics`, vllmServiceMonitor(args.spec, plan) as k8s.apiextensions.CustomResourceArgs, {
      ...parent,
      dependsOn: [this.service, ...(args.monitoring ?? [])],
    });
    new k8s.apiextensions.CustomResource(`${name}-scaler`, inNamespace(scaledObject(args.spec, plan)) as k8s.apiextensions.CustomResourceArgs, {
      ...parent,
      dependsOn: [args.keda, this.deployment],
    });
    this.address = pulumi.interpolate`${vllmName(plan.endpoint.name)}.${args.namespace}.svc:${VLLM_PORT}`;
    this.registerOutputs({ address: this.address });
  }

  /** Read-only access to the weights' S3 prefix for the endpoint's ServiceAccount, through EKS Pod Identity. */
  private s3Identity(name: string, access: S3WeightsAccess, plan: EndpointPlan, serviceAccount: pulumi.Resource): pulumi.Resource[] {
    if (plan.endpoint.weights.kind !== "s3") return [];
    const { bucket, prefix } = plan.endpoint.weights;
    const role = new aws.iam.Role(`${name}-weights`, { assumeRolePolicy: JSON.stringify(podIdentityTrust()), tags: access.tags }, { parent: this });
    // Run:ai's streamer reads ranges of each safetensors object; vLLM lists the prefix and copies the
    // config and tokenizer files first (vllm model_executor/model_loader/runai_streamer_loader.py).
    new aws.iam.RolePolicy(`${name}-weights`, {
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:GetObject"], Resource: `arn:aws:s3:::${bucket}/${prefix}/*` },
          { Effect: "Allow", Action: ["s3:ListBucket"], Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}/*`] } } },
        ],
      }),
    }, { parent: this });
    const association = new aws.eks.PodIdentityAssociation(`${name}-weights`, {
      clusterName: access.clusterName,
      namespace: plan.endpoint.team,
      serviceAccount: vllmName(plan.endpoint.name),
      roleArn: role.arn,
      tags: access.tags,
    }, { parent: this, dependsOn: [access.podIdentityAgent, serviceAccount] });
    return [association];
  }
}
