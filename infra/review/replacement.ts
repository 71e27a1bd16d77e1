/**
 * Which inputs force a resource to be replaced (destroyed and created anew) rather than updated in
 * place: one table per Pulumi type token, each with the provider source it was read from. The
 * offline diff, the real-preview reader and the file-system-not-replaced policy all read it.
 *
 * @pulumi/aws 7.48 bridges hashicorp/terraform-provider-aws: an input whose Terraform schema says
 * `ForceNew: true` (or a CustomizeDiff that calls ForceNew) replaces the resource. @pulumi/kubernetes
 * decides in provider/pkg/provider/diff.go (`forceNew` table and metadataForceNewProperties).
 */
import { AWS_TYPES } from "../resourceTypes";
import { deepEqual, pathsOverlap, valuesAt } from "./paths";

export interface ForcingRule {
  /** Input path; a change at it or under it forces replacement. `[*]`: any list element. */
  readonly path: string;
  /** Only some changes force replacement (e.g. a smaller capacity); absent: any change. */
  readonly when?: (before: unknown, after: unknown) => boolean;
  /** The condition in words, shown next to the change. */
  readonly condition?: string;
}

export interface ReplacementTable {
  readonly source: string;
  readonly rules: readonly ForcingRule[];
}

export interface ForcedChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly condition?: string;
  readonly source: string;
}

const TF_AWS = "hashicorp/terraform-provider-aws";
const K8S_DIFF = "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNew, metadataForceNewProperties)";

const forcing = (...paths: string[]): ForcingRule[] => paths.map((path) => ({ path }));
const numberOf = (v: unknown) => Number(v);
const versionParts = (v: unknown) => String(v).split(".").map(Number);
const lowerVersion = (before: unknown, after: unknown) => {
  const [a, b] = [versionParts(before), versionParts(after)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((b[i] ?? 0) !== (a[i] ?? 0)) return (b[i] ?? 0) < (a[i] ?? 0);
  return false;
};

const AWS_TABLES: Readonly<Record<string, ReplacementTable>> = {
  [AWS_TYPES.lustreFileSystem]: {
    source: `${TF_AWS} internal/service/fsx/lustre_file_system.go (ForceNew; storage_capacity via CustomizeDiff); @pulumi/aws 7.48 fsx/lustreFileSystem.d.ts (fileSystemTypeVersion, efaEnabled)`,
    rules: [
      ...forcing("deploymentType", "storageType", "subnetIds", "kmsKeyId", "securityGroupIds", "driveCacheType", "importPath", "exportPath", "importedFileChunkSize", "backupId", "efaEnabled"),
      // CustomizeDiff: `if n < o { d.ForceNew("storage_capacity") }` — a file system grows in place, never shrinks.
      { path: "storageCapacity", when: (b, a) => numberOf(a) < numberOf(b), condition: "capacity can only grow in place" },
      // d.ts: "Changing this value to a higher version triggers an in-place upgrade. Changing to a lower version forces resource replacement".
      { path: "fileSystemTypeVersion", when: lowerVersion, condition: "a lower Lustre version; a higher one upgrades in place" },
    ],
  },
  "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation": {
    source: `${TF_AWS} internal/service/fsx/data_repository_association.go (ForceNew)`,
    rules: forcing("fileSystemId", "fileSystemPath", "dataRepositoryPath"),
  },
  "aws:eks/cluster:Cluster": {
    source: `${TF_AWS} internal/service/eks/cluster.go (ForceNew; encryption_config via ForceNewIfChange)`,
    rules: [
      ...forcing("name", "roleArn", "bootstrapSelfManagedAddons", "accessConfig.bootstrapClusterCreatorAdminPermissions", "kubernetesNetworkConfig.ipFamily", "kubernetesNetworkConfig.serviceIpv4Cidr", "outpostConfig", "remoteNetworkConfig"),
      // "You cannot disable envelope encryption after enabling it": removing encryptionConfig replaces the cluster.
      { path: "encryptionConfig", when: (b, a) => b !== undefined && a === undefined, condition: "envelope encryption cannot be turned off in place" },
    ],
  },
  [AWS_TYPES.nodeGroup]: {
    source: `${TF_AWS} internal/service/eks/node_group.go (ForceNew)`,
    rules: forcing("amiType", "capacityType", "clusterName", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "remoteAccess", "subnetIds"),
  },
  [AWS_TYPES.bucket]: {
    source: `${TF_AWS} internal/service/s3/bucket.go (ForceNew)`,
    rules: forcing("bucket", "bucketPrefix"),
  },
  "aws:kms/key:Key": {
    source: `${TF_AWS} internal/service/kms/key.go (ForceNew)`,
    rules: forcing("customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"),
  },
  "aws:ec2/subnet:Subnet": {
    source: `${TF_AWS} internal/service/ec2/vpc_subnet.go (ForceNew)`,
    rules: forcing("availabilityZone", "availabilityZoneId", "cidrBlock", "vpcId", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native", "ipv6NetmaskLength", "outpostArn"),
  },
  "aws:ec2/vpc:Vpc": {
    source: `${TF_AWS} internal/service/ec2/vpc_.go (ForceNew)`,
    rules: forcing("cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"),
  },
};

/** Every Kubernetes object is replaced when its name or namespace changes (metadataForceNewProperties). */
const K8S_METADATA = forcing("metadata.name", "metadata.namespace");

const CONTAINER_FIELDS = ["args", "command", "env", "image", "imagePullPolicy", "lifecycle", "livenessProbe", "ports", "readinessProbe", "resources", "securityContext", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices", "volumeMounts", "workingDir"];
const labelSelector = (prefix: string) => forcing(prefix, `${prefix}.matchExpressions`, `${prefix}.matchLabels`);

/** diff.go's per-kind table, by `<group>/<version>:<Kind>` as the type token spells it. */
const K8S_KINDS: Readonly<Record<string, readonly ForcingRule[]>> = {
  "core/v1:PersistentVolume": forcing(...["awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "csi", "fc", "flexVolume", "flocker", "gcePersistentDisk", "glusterfs", "hostPath", "iscsi", "local", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume"].map((s) => `spec.${s}`)),
  // Growing spec.resources.requests.storage is an in-place volume expansion, not a replacement.
  "core/v1:PersistentVolumeClaim": [...forcing("spec.accessModes", "spec.storageClassName", "spec.volumeName"), ...labelSelector("spec.selector")],
  "core/v1:Pod": [...forcing("spec.affinity", "spec.nodeName", "spec.nodeSelector", "spec.securityContext", "spec.serviceAccountName", "spec.volumes", "spec.restartPolicy", "spec.runtimeClassName", "spec.priorityClassName"), ...CONTAINER_FIELDS.flatMap((f) => forcing(`spec.containers[*].${f}`, `spec.initContainers[*].${f}`))],
  // Secrets are immutable for Pulumi unless the provider's enableSecretMutable is set (it is not here).
  "core/v1:Secret": forcing("type", "stringData", "data"),
  // Likewise ConfigMaps (enableConfigMapMutable unset): a new ConfigMap, then the old one goes.
  "core/v1:ConfigMap": forcing("data", "binaryData"),
  "core/v1:Service": forcing("spec.clusterIP"),
  "core/v1:ResourceQuota": forcing("spec.scopes"),
  "batch/v1:Job": [...forcing("spec.completions", "spec.parallelism", "spec.template"), ...labelSelector("spec.selector")],
  "apps/v1:Deployment": labelSelector("spec.selector"),
  "apps/v1:DaemonSet": labelSelector("spec.selector"),
  "apps/v1:StatefulSet": [...forcing("spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.serviceName", "spec.volumeClaimTemplates"), ...labelSelector("spec.selector")],
  "storage.k8s.io/v1:StorageClass": forcing("parameters", "provisioner"),
  "rbac.authorization.k8s.io/v1:RoleBinding": forcing("roleRef"),
  "rbac.authorization.k8s.io/v1:ClusterRoleBinding": forcing("roleRef"),
};

export const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** The forcing rules for a type token, or undefined when the table does not know the type. */
export function replacementTable(type: string): ReplacementTable | undefined {
  if (AWS_TABLES[type]) return AWS_TABLES[type];
  if (type === HELM_RELEASE_TYPE) {
    // Helm keys a release by name within its namespace: another name or namespace is another release.
    return { source: "Helm release identity (release name within its namespace); pulumi-kubernetes helm_release.go", rules: forcing("name", "namespace") };
  }
  if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/")) {
    const kind = type.slice("kubernetes:".length);
    return { source: K8S_DIFF, rules: [...K8S_METADATA, ...(K8S_KINDS[kind] ?? [])] };
  }
  return undefined;
}

/**
 * The input changes from `before` to `after` that force replacement, skipping paths under
 * `ignoreChanges` (Pulumi does not diff them).
 */
export function forcedChanges(type: string, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>, ignoreChanges: readonly string[] = []): ForcedChange[] {
  const table = replacementTable(type);
  if (!table) return [];
  const forced: ForcedChange[] = [];
  for (const rule of table.rules) {
    if (ignoreChanges.some((ignored) => pathsOverlap(ignored, rule.path))) continue;
    const was = valuesAt(before, rule.path);
    const now = valuesAt(after, rule.path);
    for (const path of [...new Set([...was.keys(), ...now.keys()])]) {
      const [b, a] = [was.get(path), now.get(path)];
      if (deepEqual(b, a)) continue;
      if (rule.when && !rule.when(b, a)) continue;
      if (forced.some((f) => f.path === path)) continue;
      forced.push({ path, before: b, after: a, ...(rule.condition ? { condition: rule.condition } : {}), source: table.source });
    }
  }
  return forced;
}

/** The table's rules that a forcing path (e.g. a preview's replaceReasons entry) falls under. */
export function rulesFor(type: string, path: string): ForcingRule[] {
  return (replacementTable(type)?.rules ?? []).filter((r) => pathsOverlap(r.path, path));
}
