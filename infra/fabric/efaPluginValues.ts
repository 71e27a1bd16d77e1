/**
 * Helm values for the AWS EFA device plugin (pure, so the contract test can check every key
 * against the pinned chart's values.yaml).
 */
import { efaCapableInstanceTypes } from "../catalog/instances";
import { FABRIC_LABEL, GPU_TOLERATION } from "../nodes/labels";
import { IMAGES } from "../versions";

export function efaDevicePluginValues() {
  return {
    image: { repository: IMAGES.efaDevicePlugin.repository, tag: IMAGES.efaDevicePlugin.tag },
    // The chart turns these into required node affinity. Upstream lists every EFA type AWS sells;
    // the platform lists exactly the EFA-capable types of its catalog, so the plugin never lands on
    // a node without EFA (where it crash-loops).
    supportedInstanceLabels: { keys: ["node.kubernetes.io/instance-type"], values: efaCapableInstanceTypes() },
    // ...and only on pools that attach EFA interfaces (an EFA-capable type with fabric tcp has none).
    nodeSelector: { [FABRIC_LABEL]: "efa" },
    tolerations: [GPU_TOLERATION],
  };
}
