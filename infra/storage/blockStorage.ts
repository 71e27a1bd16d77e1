/**
 * Block storage on EKS (pure): the EBS CSI driver add-on and the default StorageClass every claim
 * without a class gets.
 */

export const EBS_CSI_ADDON = "aws-ebs-csi-driver";
/** The add-on's controller ServiceAccount (kube-system), which its Pod Identity association names. */
export const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";
const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";
const DEFAULT_STORAGE_CLASS = "gp3-encrypted";
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

export function defaultStorageClass() {
  return {
    metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
    provisioner: EBS_CSI_PROVISIONER,
    // EBS volumes live in one AZ: bind where the pod lands, not where the claim happens to be created.
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: true,
    // Databases and metrics outlive a chart reinstall.
    reclaimPolicy: "Retain",
    parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
  };
}
