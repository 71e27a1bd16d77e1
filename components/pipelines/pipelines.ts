import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IMAGES, KUBEFLOW_PIPELINES_VERSION } from "../../infra/versions";

export const PIPELINES_NAMESPACE = "kubeflow";
const MANIFESTS = "github.com/kubeflow/pipelines/manifests/kustomize";

/** The installer's script: upstream's documented standalone install, pinned to one release tag. */
export function pipelinesInstallScript(version: string): string {
  return [
    "set -eu",
    // The same bootstrap the Kubeflow Trainer chart uses for its runtime installer: alpine + kubectl.
    "apk add --no-cache git kubectl >/dev/null",
    `kubectl apply --server-side --force-conflicts -k "${MANIFESTS}/cluster-scoped-resources?ref=${version}"`,
    "kubectl wait --for condition=established --timeout=120s crd/applications.app.k8s.io",
    `kubectl apply --server-side --force-conflicts -k "${MANIFESTS}/env/platform-agnostic?ref=${version}"`,
    `kubectl -n ${PIPELINES_NAMESPACE} rollout status deployment/ml-pipeline --timeout=600s`,
  ].join("\n");
}

export interface PipelinesArgs {
  provider: k8s.Provider;
}

/**
 * Kubeflow Pipelines standalone, for the visual pipeline UI. Installed by an in-cluster Job that
 * applies upstream's kustomize manifests at a pinned tag (see README "Kubeflow Pipelines": why not
 * kustomize.v2.Directory from a git URL). The Job's name carries the version, so an upgrade is a new Job.
 */
export class Pipelines extends pulumi.ComponentResource {
  public readonly installer: k8s.batch.v1.Job;

  constructor(name: string, args: PipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:pipelines:Pipelines", name, {}, opts);
    const provider = args.provider;
    const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: PIPELINES_NAMESPACE } }, { parent: this, provider });
    const account = new k8s.core.v1.ServiceAccount(`${name}-installer`, { metadata: { name: "kfp-installer", namespace: namespace.metadata.name } }, { parent: this, provider });
    // Installing CRDs and cluster roles needs cluster-admin; the account is used by this Job only.
    const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-installer`, {
      metadata: { name: "llm-platform-kfp-installer" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name: "kfp-installer", namespace: PIPELINES_NAMESPACE }],
    }, { parent: this, provider });
    const image = IMAGES.manifestInstaller;
    this.installer = new k8s.batch.v1.Job(`${name}-installer`, {
      metadata: { name: `kfp-install-${KUBEFLOW_PIPELINES_VERSION.replace(/\./g, "-")}`, namespace: namespace.metadata.name, labels: { "app.kubernetes.io/name": "kfp-installer" } },
      spec: {
        backoffLimit: 3,
        template: {
          spec: {
            serviceAccountName: account.metadata.name,
            restartPolicy: "Never",
            containers: [{ name: "install", image: `${image.repository}:${image.tag}`, command: ["/bin/sh", "-c", pipelinesInstallScript(KUBEFLOW_PIPELINES_VERSION)] }],
          },
        },
      },
    }, { parent: this, provider, dependsOn: [binding] });
    this.registerOutputs({});
  }
}
