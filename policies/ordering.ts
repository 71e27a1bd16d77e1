/**
 * What must exist before what (creation order the cloud API or the cluster will enforce at run time).
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_CLASS_ANNOTATION } from "../infra/storage/blockStorage";
import { PURPOSE_LABEL } from "../infra/nodes/labels";
import { AWS_TYPES } from "../infra/resourceTypes";
import { findManifest } from "./manifest";

const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LUSTRE_PORT = 988;

const dependsOnUrns = (r: PolicyResource) => new Set(r.dependencies.map((d) => d.urn));

/**
 * FSx for Lustre validates, when CreateFileSystem is called, that its security groups admit Lustre
 * traffic (port 988) — a file system created before its rules fails or comes up unreachable (FSx for
 * Lustre guide, "File system access control with Amazon VPC"). The file system depends on every rule.
 */
export const lustreAfterSecurityRules: StackValidationPolicy = {
  name: "lustre-after-security-rules",
  description: "An FSx for Lustre file system depends on every security-group ingress rule of its groups, including port 988 (CreateFileSystem checks them when it is called).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const rules = args.resources.filter((r) => r.type === INGRESS_RULE);
    for (const fs of args.resources.filter((r) => r.type === AWS_TYPES.lustreFileSystem)) {
      const groups = ((fs.props.securityGroupIds ?? []) as unknown[]).filter((g): g is string => typeof g === "string");
      const deps = dependsOnUrns(fs);
      const ofItsGroups = rules.filter((r) => groups.includes(r.props.securityGroupId));
      const missing = ofItsGroups.filter((r) => !deps.has(r.urn));
      if (missing.length > 0) {
        reportViolation(`file system ${fs.name} may be created before ${missing.length} ingress rule(s) of its security group (${missing.map((m) => m.name).join(", ")}); CreateFileSystem checks port ${LUSTRE_PORT} when called — add them to its dependsOn`, fs.urn);
      }
      const covers988 = ofItsGroups.some((r) => Number(r.props.fromPort) <= LUSTRE_PORT && Number(r.props.toPort) >= LUSTRE_PORT);
      if (groups.length > 0 && ofItsGroups.length > 0 && !covers988) {
        reportViolation(`file system ${fs.name}: no ingress rule of its security groups admits Lustre port ${LUSTRE_PORT}; clients cannot mount it`, fs.urn);
      }
    }
  },
};

/**
 * On AWS, every Kubernetes object waits for the system pool: Helm releases wait for their pods, and
 * the cluster exists minutes before any node (a release racing the first node group times out).
 */
export const kubernetesAfterSystemNodes: StackValidationPolicy = {
  name: "kubernetes-after-system-nodes",
  description: "On AWS, the Kubernetes provider (or each Helm release) depends on the system pool's node group, so releases never wait on pods with no node to run them.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    if (findManifest(args.resources)?.target !== "aws") return;
    const systemGroups = new Set(args.resources.filter((r) => r.type === AWS_TYPES.nodeGroup && r.props.labels?.[PURPOSE_LABEL] === "system").map((r) => r.urn));
    const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
    const waitsForSystemPool = (r: PolicyResource | undefined): boolean => r !== undefined && r.dependencies.some((d) => systemGroups.has(d.urn));
    for (const release of args.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")) {
      const provider = release.provider ? byUrn.get(release.provider.urn) : undefined;
      if (!waitsForSystemPool(release) && !waitsForSystemPool(provider)) {
        reportViolation(`Helm release ${release.props.name ?? release.name} does not wait for the system pool's nodes; on a new cluster it times out waiting for pods that cannot schedule — make the Kubernetes provider depend on the system node group`, release.urn);
      }
    }
  },
};

/**
 * On AWS a claim without a class (Kubeflow Pipelines' database and object store, Prometheus) needs a
 * default StorageClass, which EKS clusters from 1.30 no longer have (EKS user guide, "Storage classes").
 */
export const defaultStorageClassPresent: StackValidationPolicy = {
  name: "default-storage-class-present",
  description: "An AWS stack creates exactly one default StorageClass (storageclass.kubernetes.io/is-default-class), so claims without a class bind.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    if (findManifest(args.resources)?.target !== "aws") return;
    const defaults = args.resources.filter((r) => r.props?.kind === "StorageClass" && r.props.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true");
    if (defaults.length !== 1) {
      reportViolation(`${defaults.length} default StorageClasses (want exactly 1): claims without a storageClassName ${defaults.length === 0 ? "stay Pending forever" : "get whichever the API server picks"}`);
    }
  },
};
