/** Helm values for the FSx for Lustre CSI driver (pure, checked against the pinned chart's values.yaml). */
import { IMAGES } from "../versions";

export function fsxCsiDriverValues() {
  return {
    image: { repository: IMAGES.fsxCsiDriver.repository, tag: IMAGES.fsxCsiDriver.tag },
    // Volumes are provisioned statically (one file system, made by Pulumi): only the node plugin is
    // needed, so no controller and no IAM role for it.
    nodeComponentOnly: true,
    node: { tolerateAllTaints: true },
  };
}

export const FSX_CSI_DRIVER = "fsx.csi.aws.com";
export const SHARED_DATA_CLAIM = "llm-shared-data";
