import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { ValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import { ValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
import { referencePlan } from "./helpers/plan";
import { SECRET_PLACEHOLDER } from "../infra/plan/record";

/** The plan records a Secret's data as a placeholder (its values are secret): validate the rest of it. */
const unmasked = (inputs: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, (k === "data" || k === "stringData") && v === SECRET_PLACEHOLDER ? {} : v]));

// Every core Kubernetes object the reference stacks render, validated against the Kubernetes API
// schema (kubernetes-models); custom resources are validated against their pinned CRDs elsewhere.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "kubernetes:core/v1:ConfigMap": ConfigMap,
  "kubernetes:core/v1:Namespace": Namespace,
  "kubernetes:core/v1:PersistentVolume": PersistentVolume,
  "kubernetes:core/v1:PersistentVolumeClaim": PersistentVolumeClaim,
  "kubernetes:core/v1:Secret": Secret,
  "kubernetes:core/v1:ServiceAccount": ServiceAccount,
  "kubernetes:batch/v1:Job": Job,
  "kubernetes:batch/v1:CronJob": CronJob,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": ClusterRole,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": ClusterRoleBinding,
  "kubernetes:apps/v1:Deployment": Deployment,
  "kubernetes:core/v1:Service": Service,
  "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget,
  "kubernetes:storage.k8s.io/v1:StorageClass": StorageClass,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": Role,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": RoleBinding,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy,
  "kubernetes:core/v1:ResourceQuota": ResourceQuota,
  // A server-side apply patch of a namespace the platform does not own (labels only): a valid Namespace in itself.
  "kubernetes:core/v1:NamespacePatch": Namespace,
  "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy": ValidatingAdmissionPolicy,
  "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding": ValidatingAdmissionPolicyBinding,
};

describe.each(["dev", "staging", "prod", "onprem"])("Kubernetes objects of the %s stack", (stack) => {
  it("are all of a kind this test validates, and all valid", async () => {
    const plan = await referencePlan(stack);
    // Helm releases and kustomizations are rendered by the provider at deploy time (their objects are upstream's).
    const objects = plan.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && !r.type.startsWith("kubernetes:kustomize/"));
    const custom = /^kubernetes:(trainer\.kubeflow\.org|kueue\.x-k8s\.io|mellanox\.com|keda\.sh|monitoring\.coreos\.com)\//;
    const unvalidated = objects.filter((r) => !MODELS[r.type] && !custom.test(r.type)).map((r) => r.type);
    expect(unvalidated).toEqual([]);
    for (const r of objects.filter((o) => MODELS[o.type])) {
      const Model = MODELS[r.type];
      expect([r.name, (() => { try { new Model(unmasked(r.inputs) as never).validate(); return "valid"; } catch (e) { return String(e); } })()]).toEqual([r.name, "valid"]);
    }
  });
});
